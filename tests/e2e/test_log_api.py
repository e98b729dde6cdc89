"""The public log endpoints on a real server: checkpoint, tlog-tiles, proofs (no token)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest

from bodycam_guard.bootstrap import bootstrap
from bodycam_guard.config import Settings
from bodycam_guard.domain import merkle
from bodycam_guard.services.publish_checkpoint import publish_checkpoint
from tests.e2e.server import serving
from verifier import rfc9162
from verifier.note import parse_verifier_key, verify_checkpoint

LEAVES = 300  # one full tile at level 0 (256) and a partial one (44)


@dataclass(frozen=True)
class Server:
    base: str
    key: str
    leaves: list[bytes]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("log-api")
    home = tmp / "home"
    rt = bootstrap(Settings(home=home))
    leaves = [f'{{"n":{n},"type":"review","v":1}}'.encode() for n in range(LEAVES)]
    with rt.uow() as work:
        work.log.append([("review", leaf) for leaf in leaves], datetime.now(UTC))
        work.commit()
    publish_checkpoint(uow=rt.uow, signer=rt.signer, clock=rt.clock)
    key = rt.signer.verifier_key()
    rt.engine.dispose()
    with serving(home, tmp / "serve.log") as base:
        yield Server(base, key, leaves)


def _get(server: Server, path: str, **params: int) -> httpx.Response:
    return httpx.get(f"{server.base}/api/v1/log/{path}", params=params, timeout=5)


def test_checkpoint_is_signed_text(server: Server) -> None:
    found = _get(server, "checkpoint")
    assert found.status_code == 200
    assert found.headers["content-type"].startswith("text/plain")
    head = verify_checkpoint(found.text, parse_verifier_key(server.key))
    assert head.size == LEAVES


def test_tiles_and_entry_bundles(server: Server) -> None:
    reference = merkle.MemoryHashStore()
    for leaf in server.leaves:
        reference.append(leaf)
    full = _get(server, "tile/0/000")
    assert full.status_code == 200
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert full.content == b"".join(reference.read(0, i) for i in range(256))
    partial = _get(server, "tile/0/001.p/44")
    assert partial.status_code == 200 and "immutable" not in partial.headers["cache-control"]
    assert partial.content == b"".join(reference.read(0, 256 + i) for i in range(44))
    level_one = _get(server, "tile/1/000.p/1")
    assert level_one.content == reference.read(8, 0)
    entries = _get(server, "tile/entries/000")
    assert entries.content == merkle.entry_bundle(server.leaves[:256])
    assert _get(server, "tile/0/001.p/45").status_code == 404
    assert _get(server, "tile/0/001").status_code == 404
    assert _get(server, "tile/0/1").status_code == 400


def test_proofs_verify_against_the_checkpoint(server: Server) -> None:
    head = verify_checkpoint(_get(server, "checkpoint").text, parse_verifier_key(server.key))
    found = _get(server, "proof/inclusion", index=123, size=LEAVES)
    assert found.status_code == 200
    body = found.json()
    assert (body["index"], body["size"]) == (123, LEAVES)
    hashes = [base64.b64decode(h) for h in body["hashes"]]
    rfc9162.verify_inclusion(rfc9162.leaf_hash(server.leaves[123]), 123, LEAVES, hashes, head.root)
    reference = merkle.MemoryHashStore()
    for leaf in server.leaves[:100]:
        reference.append(leaf)
    consistency = _get(server, "proof/consistency", old=100, new=LEAVES).json()
    proof = [base64.b64decode(h) for h in consistency["hashes"]]
    rfc9162.verify_consistency(100, LEAVES, proof, reference.root(), head.root)
    too_big = _get(server, "proof/inclusion", index=1, size=LEAVES + 1)
    assert too_big.status_code == 400
    assert f"expected a tree size <= {LEAVES}" in too_big.json()["detail"]
    assert _get(server, "proof/inclusion", index=LEAVES, size=LEAVES).status_code == 400
