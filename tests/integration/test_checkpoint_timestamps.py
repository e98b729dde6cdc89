"""RFC 3161 timestamps of checkpoints against a real TSA on loopback (`openssl ts -reply`).

The stored reply verifies with `openssl ts -verify` over the checkpoint's exact
bytes; a TSA that is down leaves the checkpoint without one and a later publish
retries; a reply for another digest, or signed outside the configured CA, is refused.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rfc3161_client import decode_timestamp_response

from bodycam_guard.bootstrap import Runtime, bootstrap
from bodycam_guard.config import Settings
from bodycam_guard.domain.errors import ConfigurationError
from bodycam_guard.domain.timestamps import TimestampError
from bodycam_guard.services.timestamp_checkpoints import (
    checkpoint_timestamp,
    publish_timestamped_checkpoint,
    stamp_checkpoints,
)
from ingest.daemon import publish_if_grown
from ingest.metrics import TIMESTAMP_FAILURES
from tests.local_tsa import LocalTsa, Pki, make_pki, openssl_verify
from tests.support import FIXED_NOW


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tsa(pki: Pki) -> Iterator[LocalTsa]:
    with LocalTsa(pki) as running:
        yield running


def _runtime(tmp_path: Path, url: str, **settings: object) -> Runtime:
    return bootstrap(
        Settings(home=tmp_path / "home", tsa_url=url, tsa_timeout_s=5, **settings),  # type: ignore[arg-type]
        clock=lambda: FIXED_NOW,
    )


def _grow(rt: Runtime, n: int, start: int = 0) -> None:
    with rt.uow() as work:
        leaves = [f'{{"n":{i},"type":"review","v":1}}'.encode() for i in range(start, start + n)]
        work.log.append([("review", leaf) for leaf in leaves], FIXED_NOW)
        work.commit()


def _publish(rt: Runtime) -> str:
    return publish_timestamped_checkpoint(
        uow=rt.uow, signer=rt.signer, clock=rt.clock, tsa=rt.tsa
    ).note


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_published_checkpoint_is_timestamped_and_openssl_verifies_it(
    tmp_path: Path, pki: Pki, tsa: LocalTsa
) -> None:
    rt = _runtime(tmp_path, tsa.url)
    _grow(rt, 5)
    before = datetime.now(UTC)
    note = _publish(rt)
    reply = checkpoint_timestamp(uow=rt.uow)
    assert reply is not None
    assert checkpoint_timestamp(uow=rt.uow, size=5) == reply
    assert checkpoint_timestamp(uow=rt.uow, size=4) is None

    response = decode_timestamp_response(reply)
    assert response.tst_info.message_imprint.message == hashlib.sha256(note.encode()).digest()
    assert before - timedelta(seconds=2) <= response.tst_info.gen_time <= datetime.now(UTC)

    (tmp_path / "checkpoint").write_bytes(note.encode())
    (tmp_path / "checkpoint.tsr").write_bytes(reply)
    done = openssl_verify(pki, tmp_path / "checkpoint", tmp_path / "checkpoint.tsr")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Verification: OK" in done.stdout
    # The check is real: the same reply does not verify for other bytes.
    (tmp_path / "other").write_bytes(note.encode() + b"\n")
    assert openssl_verify(pki, tmp_path / "other", tmp_path / "checkpoint.tsr").returncode != 0
    rt.engine.dispose()


def test_a_tsa_that_is_down_leaves_no_token_and_a_later_publish_retries(
    tmp_path: Path, pki: Pki
) -> None:
    port = _free_port()
    rt = _runtime(tmp_path, f"http://127.0.0.1:{port}/tsa")
    _grow(rt, 3)
    first = _publish(rt)  # connection refused: published all the same
    with rt.uow() as work:
        assert work.checkpoints.latest() is not None
        assert work.timestamps.failures() == 1
        assert work.timestamps.count_pending() == 1
    assert checkpoint_timestamp(uow=rt.uow) is None

    with LocalTsa(pki, port=port) as tsa:
        assert _publish(rt) == first  # the log did not grow: same checkpoint, now timestamped
        assert tsa.requests == 1
        _grow(rt, 2, start=3)
        second = _publish(rt)
        assert tsa.requests == 2
    for size, note in ((3, first), (5, second)):
        reply = checkpoint_timestamp(uow=rt.uow, size=size)
        assert reply is not None
        imprint = decode_timestamp_response(reply).tst_info.message_imprint.message
        assert imprint == hashlib.sha256(note.encode()).digest()
    with rt.uow() as work:
        assert work.timestamps.count_pending() == 0
        assert work.timestamps.failures() == 1
    rt.engine.dispose()


def test_a_reply_for_another_digest_is_refused(tmp_path: Path, tsa: LocalTsa) -> None:
    rt = _runtime(tmp_path, tsa.url)
    assert rt.tsa is not None
    tsa.mode = "other_digest"
    with pytest.raises(
        TimestampError, match=r"expected a timestamp of SHA-256 [0-9a-f]{64}, found"
    ):
        rt.tsa.stamp(b"checkpoint bytes")

    _grow(rt, 2)
    _publish(rt)
    assert tsa.requests == 2
    assert checkpoint_timestamp(uow=rt.uow) is None
    with rt.uow() as work:
        assert work.timestamps.failures() == 1
    rt.engine.dispose()


def test_an_http_error_is_a_failure_the_daemon_counts(tmp_path: Path, tsa: LocalTsa) -> None:
    rt = _runtime(tmp_path, tsa.url)
    _grow(rt, 1)
    tsa.mode = "http_error"
    before = TIMESTAMP_FAILURES._value.get()
    publish_if_grown(rt)
    assert TIMESTAMP_FAILURES._value.get() == before + 1
    tsa.mode = "ok"
    publish_if_grown(rt)
    assert TIMESTAMP_FAILURES._value.get() == before + 1
    assert checkpoint_timestamp(uow=rt.uow) is not None
    rt.engine.dispose()


def test_with_a_ca_file_the_signature_and_chain_are_checked(
    tmp_path: Path, pki: Pki, tsa: LocalTsa
) -> None:
    trusted = _runtime(tmp_path / "a", tsa.url, tsa_ca_file=pki.ca)
    assert trusted.tsa is not None
    assert trusted.tsa.stamp(b"checkpoint bytes").gen_time.tzinfo is UTC

    stranger = make_pki(tmp_path / "other-pki", name="Stranger")
    refusing = _runtime(tmp_path / "b", tsa.url, tsa_ca_file=stranger.ca)
    assert refusing.tsa is not None
    with pytest.raises(TimestampError, match="chains to BODYCAM_GUARD_TSA_CA_FILE"):
        refusing.tsa.stamp(b"checkpoint bytes")
    trusted.engine.dispose()
    refusing.engine.dispose()


def test_a_bad_tsa_setting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="BODYCAM_GUARD_TSA_CA_FILE"):
        _runtime(tmp_path, "http://127.0.0.1:9/tsa", tsa_ca_file=tmp_path / "missing.pem")
    with pytest.raises(ValueError, match="tsa_url"):
        Settings(home=tmp_path, tsa_url="ftp://tsa.example")


def test_pending_checkpoints_are_stamped_newest_first_a_few_per_pass(
    tmp_path: Path, tsa: LocalTsa
) -> None:
    rt = _runtime(tmp_path, tsa.url)
    assert rt.tsa is not None
    for n in range(3):  # three checkpoints published without the TSA (as ingest does)
        _grow(rt, 1, start=n)
        publish_timestamped_checkpoint(uow=rt.uow, signer=rt.signer, clock=rt.clock, tsa=None)
    run = stamp_checkpoints(uow=rt.uow, tsa=rt.tsa, clock=rt.clock, limit=2)
    assert (run.stamped, run.failed, run.pending) == (2, 0, 1)
    assert checkpoint_timestamp(uow=rt.uow, size=1) is None
    assert checkpoint_timestamp(uow=rt.uow, size=3) is not None
    run = stamp_checkpoints(uow=rt.uow, tsa=rt.tsa, clock=rt.clock)
    assert (run.stamped, run.failed, run.pending) == (1, 0, 0)
    rt.engine.dispose()
