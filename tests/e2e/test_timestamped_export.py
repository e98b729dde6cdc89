"""Trusted time end to end: real commands, a real server and a loopback TSA (`openssl ts -reply`).

With BODYCAM_GUARD_TSA_URL set, `bodycam-guard export` puts the checkpoint's
RFC 3161 reply in the bag (`bodycam-guard/checkpoint.tsr`); `openssl ts -verify`
and `bodycam-verify --tsa-ca` accept it; the API serves the same bytes. With
the TSA down, the export still succeeds, without a timestamp.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bagit
import httpx
import pytest

from tests.e2e.server import free_port, serving
from tests.local_tsa import LocalTsa, Pki, make_pki, openssl_verify, other_digest_query
from tests.support import sample_bundle

BIN = Path(sys.executable).parent
DEVICE = "KZ-AST-0003"


@dataclass(frozen=True)
class Stamped:
    home: Path
    bag: Path
    key: str
    pki: Pki
    tsa: LocalTsa
    tmp: Path


def _run(
    home: Path, tsa_url: str, tool: str, *args: str | Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BODYCAM_GUARD_HOME": str(home), "BODYCAM_GUARD_TSA_URL": tsa_url}
    return subprocess.run(
        [str(BIN / tool), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _ingest_and_export(home: Path, tsa_url: str, bag: Path) -> str:
    done = _run(home, tsa_url, "bodycam-guard", "ingest", sample_bundle(DEVICE))
    assert done.returncode == 0, done.stdout + done.stderr
    window = ("--from", "2026-11-24T06:00:00Z", "--to", "2026-11-24T07:00:00Z")
    done = _run(home, tsa_url, "bodycam-guard", "export", "--device", DEVICE, *window, "--out", bag)
    assert done.returncode == 0, done.stdout + done.stderr
    return _run(home, tsa_url, "bodycam-guard", "log-key").stdout.strip()


@pytest.fixture(scope="module")
def stamped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stamped]:
    tmp = tmp_path_factory.mktemp("stamped")
    pki = make_pki(tmp / "pki")
    with LocalTsa(pki) as tsa:
        key = _ingest_and_export(tmp / "home", tsa.url, tmp / "bag")
        yield Stamped(tmp / "home", tmp / "bag", key, pki, tsa, tmp)


def _verify(stamped: Stamped, bag: Path, *extra: str | Path) -> subprocess.CompletedProcess[str]:
    return _run(
        stamped.home, stamped.tsa.url, "bodycam-verify", bag, "--log-key", stamped.key, *extra
    )


def test_the_bag_carries_a_timestamp_that_openssl_verifies(stamped: Stamped) -> None:
    tags = stamped.bag / "bodycam-guard"
    assert (tags / "checkpoint.tsr").is_file()
    done = openssl_verify(stamped.pki, tags / "checkpoint", tags / "checkpoint.tsr")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Verification: OK" in done.stdout
    bagit.Bag(str(stamped.bag)).validate()


def test_bodycam_verify_checks_the_timestamp_against_the_auditors_ca(stamped: Stamped) -> None:
    done = _verify(stamped, stamped.bag, "--tsa-ca", stamped.pki.ca)
    assert done.returncode == 0, done.stdout
    assert "ok   checkpoint timestamped 20" in done.stdout
    assert "by CN=Test TSA, serial" in done.stdout

    without = _verify(stamped, stamped.bag)
    assert without.returncode == 0, without.stdout
    assert "(TSA not checked against a CA: pass --tsa-ca)" in without.stdout

    stranger = make_pki(stamped.tmp / "stranger", name="Stranger")
    refused = _verify(stamped, stamped.bag, "--tsa-ca", stranger.ca)
    assert refused.returncode == 1
    assert "FAIL checkpoint timestamp: expected a path to a --tsa-ca certificate" in refused.stdout


def _reseal_tags(bag: Path) -> None:
    """Re-write the tag manifests, as a forger who swapped a tag file would."""
    tags = sorted(
        p
        for p in bag.rglob("*")
        if p.is_file() and p.relative_to(bag).parts[0] != "data" and "tagmanifest-" not in p.name
    )
    for algorithm in ("sha256", "sha512"):
        lines = "".join(
            f"{hashlib.new(algorithm, p.read_bytes()).hexdigest()}  {p.relative_to(bag).as_posix()}\n"
            for p in tags
        )
        (bag / f"tagmanifest-{algorithm}.txt").write_text(lines)


def test_a_timestamp_of_other_bytes_fails_even_resealed(stamped: Stamped) -> None:
    forged = stamped.tmp / "forged"
    shutil.copytree(stamped.bag, forged)
    note = forged / "bodycam-guard" / "checkpoint"
    query = stamped.tmp / "query.tsq"
    subprocess.run(
        ["openssl", "ts", "-query", "-data", str(note), "-sha256", "-cert", "-out", str(query)],
        check=True,
        capture_output=True,
    )
    # A genuine token from the trusted TSA, but for other bytes than the bag's checkpoint.
    other = stamped.tsa.reply(other_digest_query(query.read_bytes()))
    (forged / "bodycam-guard" / "checkpoint.tsr").write_bytes(other)
    _reseal_tags(forged)
    done = _verify(stamped, forged, "--tsa-ca", stamped.pki.ca)
    assert done.returncode == 1
    assert "FAIL checkpoint timestamp: expected sha256 " in done.stdout
    assert done.stdout.count("FAIL") == 1, done.stdout  # BagIt is satisfied: only this fails


def test_the_api_serves_the_same_reply(stamped: Stamped) -> None:
    with serving(stamped.home, stamped.tmp / "serve.log", tsa_url=stamped.tsa.url) as root:
        base = f"{root}/api/v1/log"
        served = httpx.get(f"{base}/checkpoint/timestamp", timeout=10)
        assert served.status_code == 200
        assert served.headers["content-type"] == "application/timestamp-reply"
        assert served.content == (stamped.bag / "bodycam-guard" / "checkpoint.tsr").read_bytes()
        size = int(httpx.get(f"{base}/checkpoint", timeout=10).text.splitlines()[1])
        assert httpx.get(f"{base}/checkpoint/timestamp?size={size}", timeout=10).content == (
            served.content
        )
        missing = httpx.get(f"{base}/checkpoint/timestamp?size={size + 1000}", timeout=10)
        assert missing.status_code == 404


def test_with_the_tsa_down_the_export_succeeds_without_a_timestamp(
    tmp_path: Path, stamped: Stamped
) -> None:
    down = f"http://127.0.0.1:{free_port()}/tsa"
    key = _ingest_and_export(tmp_path / "home", down, tmp_path / "bag")
    assert not (tmp_path / "bag" / "bodycam-guard" / "checkpoint.tsr").exists()
    verify = ("bodycam-verify", tmp_path / "bag", "--log-key", key)
    assert _run(tmp_path / "home", down, *verify).returncode == 0
    asked = _run(tmp_path / "home", down, *verify, "--tsa-ca", stamped.pki.ca)
    assert asked.returncode == 1
    assert "FAIL checkpoint timestamp: expected an RFC 3161 timestamp (--tsa-ca)" in asked.stdout
