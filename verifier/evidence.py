"""The bodycam-guard checks on an evidence bag, on top of BagIt's own.

Layout (docs/transparency-log.md): the tag directory `bodycam-guard/` holds
`checkpoint` (signed note), `leaves/<index>.json` (exact leaf bytes),
`proofs/<index>.tlog-proof`, `chain/<device_id>.json` and optionally
`consistency/<old>-<new>.txt`. A payload file `data/<device_id>/<index>-<name>`
is the file that log leaf `<index>` describes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from verifier import rfc9162
from verifier.bag import check_bag
from verifier.digests import Digests
from verifier.errors import CheckResult, VerificationError
from verifier.note import Checkpoint, VerifierKey, verify_checkpoint
from verifier.tlog_proof import parse_tlog_proof

TAG_DIR = "bodycam-guard"
CHAIN_DOMAIN = b"bodycam-chain/v1\n"
_DATA_NAME = re.compile(r"data/([^/]+)/(0|[1-9][0-9]*)-[^/]+")
_LEAF_NAME = re.compile(r"(0|[1-9][0-9]*)\.json")
# A late_segment (a file that arrived after higher file_seqs were chained) is footage too,
# but outside the chain: its file is checked against its leaf, not against the chain.
_FILE_LEAF_TYPES = ("segment", "late_segment", "device_log")
_FOOTAGE_LEAF_TYPES = ("segment", "late_segment")


def _run(results: list[CheckResult], name: str, test: Callable[[], object]) -> bool:
    try:
        test()
    except VerificationError as error:
        results.append(CheckResult(name, error))
        return False
    except (OSError, ValueError) as exc:
        # A file that cannot be read or decoded is a failed check, not a crash.
        unreadable = VerificationError(
            name, expected="a readable, well-formed file", found=repr(exc)
        )
        results.append(CheckResult(name, unreadable))
        return False
    results.append(CheckResult(name))
    return True


def _load_leaves(tags: Path) -> dict[int, bytes]:
    folder = tags / "leaves"
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    leaves: dict[int, bytes] = {}
    for path in files:
        match = _LEAF_NAME.fullmatch(path.name)
        if not match:
            raise VerificationError(f"leaves/{path.name}", expected="<index>.json", found=path.name)
        leaves[int(match.group(1))] = path.read_bytes()
    return leaves


def _leaf_fields(data: bytes, index: int) -> dict[str, Any]:
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerificationError(f"leaf {index}", expected="JSON", found=str(exc)) from exc
    if not isinstance(obj, dict) or obj.get("v") != 1 or not isinstance(obj.get("type"), str):
        raise VerificationError(f"leaf {index}", expected="an object with type and v 1", found=obj)
    return obj


def _inclusion(tags: Path, index: int, leaf: bytes, note: str, checkpoint: Checkpoint) -> None:
    # 3a. The proof file names the same leaf and embeds the bag's checkpoint verbatim.
    proof_path = tags / "proofs" / f"{index}.tlog-proof"
    if not proof_path.is_file():
        raise VerificationError(f"proofs/{index}.tlog-proof", expected="present", found="missing")
    proof = parse_tlog_proof(proof_path.read_text(encoding="utf-8"))
    if proof.index != index:
        raise VerificationError("tlog-proof index", expected=index, found=proof.index)
    if proof.checkpoint_note != note:
        raise VerificationError("tlog-proof checkpoint", expected="the bag's", found="another")
    # 3b. The leaf hash climbs to the checkpoint root (RFC 9162 section 2.1.3.2).
    rfc9162.verify_inclusion(
        rfc9162.leaf_hash(leaf), index, checkpoint.size, proof.hashes, checkpoint.root
    )


def _payload_file(root: Path, name: str, leaves: dict[int, bytes], digests: Digests) -> None:
    # 4. data/<device_id>/<index>-<name> is described by leaf <index>: same device, hash, size.
    match = _DATA_NAME.fullmatch(name)
    if not match:
        raise VerificationError(name, expected="data/<device_id>/<leaf index>-<name>", found=name)
    device_id, index = match.group(1), int(match.group(2))
    if index not in leaves:
        raise VerificationError(name, expected=f"leaves/{index}.json in the bag", found="none")
    fields = _leaf_fields(leaves[index], index)
    if fields["type"] not in _FILE_LEAF_TYPES or fields.get("device_id") != device_id:
        found = f"{fields['type']} leaf of {fields.get('device_id')}"
        raise VerificationError(name, expected=f"a file leaf of device {device_id}", found=found)
    computed = digests.of(root / name, "sha256")
    if computed != fields.get("sha256"):
        raise VerificationError(f"{name} sha256", expected=fields.get("sha256"), found=computed)
    size = (root / name).stat().st_size
    if size != fields.get("bytes"):
        raise VerificationError(f"{name} size", expected=fields.get("bytes"), found=size)


def _chain(tags: Path, device_id: str, segments: list[dict[str, Any]]) -> None:
    # 5a. The chain file lists {file_seq, sha256, chain} from the device's first segment.
    path = tags / "chain" / f"{device_id}.json"
    if not path.is_file():
        raise VerificationError(f"chain/{device_id}.json", expected="present", found="missing")
    entries = json.loads(path.read_bytes())
    if not isinstance(entries, list):
        raise VerificationError(f"chain/{device_id}.json", expected="a list", found=type(entries))
    # 5b. Recompute every chain value from 32 zero bytes, file_seq strictly increasing.
    previous, last_seq = bytes(32), -1
    recorded: dict[int, tuple[str, str]] = {}
    for position, entry in enumerate(entries):
        file_seq, sha256, chain = entry["file_seq"], entry["sha256"], entry["chain"]
        if not isinstance(file_seq, int) or not 0 <= file_seq < 1 << 64 or file_seq <= last_seq:
            raise VerificationError(
                f"chain of {device_id} entry {position} file_seq",
                expected=f"an integer > {last_seq}",
                found=file_seq,
            )
        previous = hashlib.sha256(
            CHAIN_DOMAIN
            + device_id.encode("utf-8")
            + file_seq.to_bytes(8, "big")
            + bytes.fromhex(sha256)
            + previous
        ).digest()
        if previous.hex() != chain:
            raise VerificationError(
                f"chain of {device_id} at file_seq {file_seq}", expected=previous.hex(), found=chain
            )
        recorded[file_seq] = (sha256, chain)
        last_seq = file_seq
    # 5c. Every segment leaf of the device sits in the chain with its hash and chain value.
    for leaf in segments:
        wanted = (leaf.get("sha256"), leaf.get("chain"))
        found = recorded.get(leaf["file_seq"])
        if found != wanted:
            raise VerificationError(
                f"chain of {device_id} at file_seq {leaf['file_seq']}", expected=wanted, found=found
            )


def _consistency(tags: Path, key: VerifierKey, old_note: str, new: Checkpoint) -> None:
    # 6a. The older checkpoint is signed by the same log.
    old = verify_checkpoint(old_note, key)
    if old.size > new.size:
        raise VerificationError("older checkpoint size", expected=f"<= {new.size}", found=old.size)
    proof: list[bytes] = []
    if old.size not in {0, new.size}:
        # 6b. The bag carries the consistency proof from the old size to the bag's size.
        path = tags / "consistency" / f"{old.size}-{new.size}.txt"
        if not path.is_file():
            raise VerificationError(
                f"consistency/{old.size}-{new.size}.txt", expected="present", found="missing"
            )
        lines = path.read_text(encoding="ascii").split()
        proof = [base64.b64decode(line, validate=True) for line in lines]
    if old.size == 0:
        return
    # 6c. RFC 9162 section 2.1.4.2: the old tree is a prefix of the bag's tree.
    rfc9162.verify_consistency(old.size, new.size, proof, old.root, new.root)


def check_evidence(
    root: Path, key: VerifierKey, old_checkpoint_note: str | None = None
) -> list[CheckResult]:
    """Every check on the evidence bag at `root`, one result per check, BagIt's first."""
    # 1. BagIt: declaration, manifests, completeness, Payload-Oxum, tag manifests. Each file is
    # read once: its digests serve BagIt's manifests and the leaves alike.
    digests = Digests()
    try:
        return _check_evidence(root, key, old_checkpoint_note, digests)
    finally:
        digests.close()


def _check_evidence(
    root: Path, key: VerifierKey, old_checkpoint_note: str | None, digests: Digests
) -> list[CheckResult]:
    results = check_bag(root, digests)
    tags = root / TAG_DIR
    # 2. The checkpoint is signed by the log key and names the log as its origin.
    note_path = tags / "checkpoint"
    note = ""
    checkpoints: list[Checkpoint] = []

    def signed_checkpoint() -> None:
        nonlocal note
        note = note_path.read_text(encoding="utf-8") if note_path.is_file() else ""
        checkpoints.append(verify_checkpoint(note, key))

    _run(results, f"checkpoint signed by {key.name}", signed_checkpoint)
    checkpoint = checkpoints[0] if checkpoints else None
    leaves: dict[int, bytes] = {}
    _run(results, "leaf file names", lambda: leaves.update(_load_leaves(tags)))
    # 3. Each leaf is included in the checkpointed tree.
    for index, leaf in sorted(leaves.items()):
        if checkpoint is None:
            error = VerificationError("inclusion", expected="a verified checkpoint", found="none")
            results.append(CheckResult(f"leaf {index} included", error))
            continue
        test = partial(_inclusion, tags, index, leaf, note, checkpoint)
        _run(results, f"leaf {index} included in tree of size {checkpoint.size}", test)
    fields = _check_payload(results, root, leaves, digests)
    _check_chains(results, tags, fields)
    # 6. Optionally, the older checkpoint is consistent with (a prefix of) the bag's.
    if old_checkpoint_note is not None:
        if checkpoint is None:
            error = VerificationError("consistency", expected="a verified checkpoint", found="none")
            results.append(CheckResult("older checkpoint consistent", error))
        else:
            test = partial(_consistency, tags, key, old_checkpoint_note, checkpoint)
            _run(results, "older checkpoint is a prefix of the bag's", test)
    return results


def _chain_checked(tags: Path, device_id: str, segments: list[dict[str, Any]]) -> None:
    try:
        _chain(tags, device_id, segments)
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(
            f"chain/{device_id}.json", expected="a list of {file_seq, sha256, chain}", found=exc
        ) from exc


def _check_payload(
    results: list[CheckResult], root: Path, leaves: dict[int, bytes], digests: Digests
) -> dict[int, dict[str, Any]]:
    """Step 4: each payload file matches its leaf; each segment leaf has its payload file."""
    payload = sorted(
        p.relative_to(root).as_posix() for p in (root / "data").rglob("*") if p.is_file()
    )
    for name in payload:
        _run(
            results, f"{name} matches its leaf", partial(_payload_file, root, name, leaves, digests)
        )
    named = {int(m.group(2)) for m in map(_DATA_NAME.fullmatch, payload) if m}
    fields: dict[int, dict[str, Any]] = {}
    for index, leaf in sorted(leaves.items()):
        if _run(results, f"leaf {index} is a v1 leaf", partial(_leaf_fields, leaf, index)):
            fields[index] = _leaf_fields(leaf, index)
    for index, obj in sorted(fields.items()):
        if obj["type"] in _FOOTAGE_LEAF_TYPES and index not in named:
            error = VerificationError(
                f"leaf {index}", expected="its footage in data/", found="none"
            )
            results.append(CheckResult(f"leaf {index} footage present", error))
    return fields


def _check_chains(
    results: list[CheckResult], tags: Path, fields: dict[int, dict[str, Any]]
) -> None:
    """Step 5: each device's hash chain recomputes and binds its segment leaves."""
    devices: dict[str, list[dict[str, Any]]] = {}
    for obj in fields.values():
        if obj["type"] == "segment":
            devices.setdefault(str(obj.get("device_id")), []).append(obj)
    chain_dir = tags / "chain"
    for path in sorted(chain_dir.glob("*.json")) if chain_dir.is_dir() else []:
        devices.setdefault(path.name.removesuffix(".json"), [])
    for device_id, segments in sorted(devices.items()):
        test = partial(_chain_checked, tags, device_id, segments)
        _run(results, f"device {device_id} hash chain binds {len(segments)} segment leaves", test)
