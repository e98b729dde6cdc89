"""RFC 9162 proof vectors (transparency-dev/merkle testdata) through verifier/ and the domain."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from bodycam_guard.domain import merkle
from verifier import rfc9162
from verifier.errors import VerificationError

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "testvectors" / "rfc9162"
RFC6962_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
SIZE8_ROOT = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


def _files(kind: str) -> list[Path]:
    folder = VECTORS / kind
    # Fail, never skip: a missing vector directory must not pass silently.
    assert folder.is_dir(), f"expected test vectors at {folder}"
    files = sorted(folder.rglob("*.json"))
    assert files, f"expected vector files under {folder}"
    return files


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _proof(vector: dict[str, Any]) -> list[bytes]:
    return [_b64(h) for h in vector["proof"] or []]


def _id(path: Path) -> str:
    return str(path.relative_to(VECTORS))


INCLUSION = _files("inclusion")
CONSISTENCY = _files("consistency")


def _store() -> merkle.MemoryHashStore:
    store = merkle.MemoryHashStore()
    for leaf in RFC6962_LEAVES:
        store.append(leaf)
    return store


def test_vector_counts() -> None:
    assert len(INCLUSION) == 98
    assert len(CONSISTENCY) == 98


@pytest.mark.parametrize("path", INCLUSION, ids=_id)
def test_inclusion_vector(path: Path) -> None:
    v = _load(path)
    args = (_b64(v["leafHash"]), v["leafIdx"], v["treeSize"], _proof(v), _b64(v["root"]))
    if v["wantErr"]:
        with pytest.raises(VerificationError):
            rfc9162.verify_inclusion(*args)
    else:
        rfc9162.verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=_id)
def test_consistency_vector(path: Path) -> None:
    v = _load(path)
    args = (v["size1"], v["size2"], _proof(v), _b64(v["root1"]), _b64(v["root2"]))
    if v["wantErr"]:
        with pytest.raises(VerificationError):
            rfc9162.verify_consistency(*args)
    else:
        rfc9162.verify_consistency(*args)


def test_domain_root_matches_rfc6962_size8_root() -> None:
    assert _store().root().hex() == SIZE8_ROOT


def _happy(paths: list[Path]) -> list[dict[str, Any]]:
    return [_load(p) for p in paths if p.name == "happy-path.json"]


def test_domain_reproduces_happy_inclusion_proofs() -> None:
    store = _store()
    checked = 0
    for v in _happy(INCLUSION):
        index, size = v["leafIdx"], v["treeSize"]
        if size > len(RFC6962_LEAVES) or store.root(size) != _b64(v["root"]):
            continue
        assert merkle.leaf_hash(RFC6962_LEAVES[index]) == _b64(v["leafHash"])
        assert merkle.inclusion_proof(index, size, store.read) == _proof(v)
        checked += 1
    assert checked == 5


def test_domain_reproduces_happy_consistency_proofs() -> None:
    store = _store()
    checked = 0
    for v in _happy(CONSISTENCY):
        size1, size2 = v["size1"], v["size2"]
        if store.root(size1) != _b64(v["root1"]) or store.root(size2) != _b64(v["root2"]):
            continue
        assert merkle.consistency_proof(size1, size2, store.read) == _proof(v)
        checked += 1
    assert checked == 5
