"""BagIt (RFC 8493) validation: declaration, payload and tag manifests, completeness, Oxum.

Only SHA-256 and SHA-512 manifests are accepted (the weaker algorithms BagIt
allows prove nothing against a deliberate forger). Every file outside `data/`
other than the tag manifests themselves must be listed in every tag manifest:
an evidence bag carries no unauthenticated file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

from verifier.digests import ALGORITHMS, Digests
from verifier.errors import CheckResult, VerificationError

_MANIFEST = re.compile(r"(tag)?manifest-([a-z0-9]+)\.txt")
_LINE = re.compile(r"([0-9a-fA-F]+)[ \t]+(.+)")


def _check(results: list[CheckResult], name: str, test: Callable[[], None]) -> bool:
    try:
        test()
    except VerificationError as error:
        results.append(CheckResult(name, error))
        return False
    results.append(CheckResult(name))
    return True


def _decode_path(text: str) -> str:
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def _relative_files(root: Path, under: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in under.rglob("*") if p.is_file()}


def read_manifest(root: Path, name: str) -> dict[str, str]:
    """Parse one manifest into {relative path: lowercase hex digest}."""
    entries: dict[str, str] = {}
    text = (root / name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.fullmatch(line.strip("\r"))
        if not match:
            raise VerificationError(f"{name} line {number}", expected="'digest path'", found=line)
        path = _decode_path(match.group(2).strip())
        parts = path.split("/")
        if path.startswith("/") or any(part in {"", ".", ".."} for part in parts):
            raise VerificationError(f"{name} line {number}", expected="a relative path", found=path)
        if path in entries:
            raise VerificationError(
                f"{name} line {number}", expected="one line per file", found=path
            )
        entries[path] = match.group(1).lower()
    return entries


def _declaration(root: Path) -> None:
    # 1. bagit.txt declares the version and a UTF-8 tag file encoding.
    declaration = root / "bagit.txt"
    if not declaration.is_file():
        raise VerificationError("bagit.txt", expected="present", found="missing")
    lines = declaration.read_text(encoding="utf-8").splitlines()
    if (
        len(lines) != 2
        or not re.fullmatch(r"BagIt-Version: \d+\.\d+", lines[0])
        or lines[1] != "Tag-File-Character-Encoding: UTF-8"
    ):
        raise VerificationError("bagit.txt", expected="version and UTF-8 encoding", found=lines)


def _oxum(root: Path, payload: set[str]) -> None:
    # 5. Payload-Oxum in bag-info.txt matches the octets and file count in data/.
    info = root / "bag-info.txt"
    text = info.read_text(encoding="utf-8") if info.is_file() else ""
    found = re.search(r"^Payload-Oxum:\s*(\d+)\.(\d+)\s*$", text, re.MULTILINE)
    octets = sum((root / name).stat().st_size for name in payload)
    computed = f"{octets}.{len(payload)}"
    declared = f"{found.group(1)}.{found.group(2)}" if found else "none"
    if declared != computed:
        raise VerificationError("Payload-Oxum", expected=declared, found=computed)


def _compare(root: Path, name: str, wanted: dict[str, str], digests: Digests) -> None:
    target = root / name
    if not target.is_file():
        raise VerificationError(name, expected="present", found="missing")
    for algorithm, digest in wanted.items():
        computed = digests.of(target, algorithm)
        if computed != digest:
            raise VerificationError(f"{name} {algorithm}", expected=digest, found=computed)


def check_bag(root: Path, digests: Digests | None = None) -> list[CheckResult]:
    """Every BagIt check on the bag at `root`, one result per check.

    Pass `digests` to share file hashes with later checks of the same run.
    """
    digests = digests if digests is not None else Digests()
    results: list[CheckResult] = []
    _check(results, "bagit.txt declaration", lambda: _declaration(root))
    manifests: dict[str, dict[str, dict[str, str]]] = {"": {}, "tag": {}}
    names = sorted(p.name for p in root.iterdir() if _MANIFEST.fullmatch(p.name))
    for name in names:
        kind = "tag" if name.startswith("tag") else ""
        algorithm = name.removeprefix("tag").removeprefix("manifest-").removesuffix(".txt")
        if algorithm not in ALGORITHMS:
            results.append(
                CheckResult(name, VerificationError(name, expected=ALGORITHMS, found=algorithm))
            )
            continue
        try:
            manifests[kind][algorithm] = read_manifest(root, name)
        except VerificationError as error:
            results.append(CheckResult(name, error))
    payload_manifests, tag_manifests = manifests[""], manifests["tag"]

    # 2. A SHA-256 payload manifest is present (the evidence checks rely on it).
    def has_sha256() -> None:
        if "sha256" not in payload_manifests:
            raise VerificationError("payload manifest", expected="manifest-sha256.txt", found=names)

    _check(results, "manifest-sha256.txt present", has_sha256)

    # 3. Every listed payload file exists and hashes as listed, under every algorithm.
    on_disk = _relative_files(root, root / "data") if (root / "data").is_dir() else set()
    listed = {path for entries in payload_manifests.values() for path in entries}
    for path in sorted(listed):
        wanted = {a: e[path] for a, e in payload_manifests.items() if path in e}
        _check(results, f"manifest: {path}", partial(_compare, root, path, wanted, digests))

    # 4. Completeness: every file in data/ is in every payload manifest, and nothing else is.
    for algorithm, entries in payload_manifests.items():
        extra = sorted(on_disk - set(entries))
        outside = sorted(p for p in entries if not p.startswith("data/"))
        _check(
            results,
            f"manifest-{algorithm}.txt lists exactly data/",
            partial(_exactly, "payload manifest", extra, outside),
        )
    _check(results, "Payload-Oxum", lambda: _oxum(root, on_disk))

    # 6. Tag manifests: each listed tag file hashes as listed; all tag files are listed.
    tag_files = {
        p for p in _relative_files(root, root) - on_disk if not p.startswith("tagmanifest-")
    }
    for path in sorted({path for entries in tag_manifests.values() for path in entries}):
        wanted = {a: e[path] for a, e in tag_manifests.items() if path in e}
        _check(results, f"tagmanifest: {path}", partial(_compare, root, path, wanted, digests))
    if not tag_manifests:
        results.append(
            CheckResult(
                "tag manifests",
                VerificationError("tag manifests", expected="tagmanifest-sha256.txt", found="none"),
            )
        )
    for algorithm, entries in tag_manifests.items():
        unlisted = sorted(tag_files - set(entries))
        payload_listed = sorted(p for p in entries if p.startswith("data/"))
        _check(
            results,
            f"tagmanifest-{algorithm}.txt lists every tag file",
            partial(_exactly, "tag manifest", unlisted, payload_listed),
        )
    return results


def _exactly(what: str, unlisted: list[str], misplaced: list[str]) -> None:
    if unlisted:
        raise VerificationError(f"{what} entries", expected="every file listed", found=unlisted)
    if misplaced:
        raise VerificationError(
            f"{what} entries", expected="no file of the other kind", found=misplaced
        )
