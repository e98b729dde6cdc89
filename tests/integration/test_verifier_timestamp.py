"""bodycam-verify's own RFC 3161 check (cryptography only) on replies from `openssl ts -reply`.

It agrees with `openssl ts -verify` on honest replies (ECDSA and RSA, ESS v1 and v2),
and refuses other bytes, a flipped signature, a stranger CA and an expired TSA.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.local_tsa import LocalTsa, Pki, make_pki, openssl_verify
from verifier.errors import VerificationError
from verifier.rfc3161 import check_reply, load_anchors

DATA = b"bodycam-guard.local/log\n3\nq2u0hwL7Qh6kbWqZ2Dl4y4yxT9Q8FtBpyh4vC7kQ3rE=\n"


def _reply(pki: Pki) -> bytes:
    data, query = pki.dir / "data", pki.dir / "query.tsq"
    data.write_bytes(DATA)
    subprocess.run(
        ["openssl", "ts", "-query", "-data", str(data), "-sha256", "-cert", "-out", str(query)],
        check=True,
        capture_output=True,
    )
    return LocalTsa(pki).reply(query.read_bytes())


@pytest.mark.parametrize(("rsa", "ess"), [(False, "sha256"), (True, "sha256"), (True, "sha1")])
def test_agrees_with_openssl_on_honest_replies(tmp_path: Path, rsa: bool, ess: str) -> None:
    pki = make_pki(tmp_path / "pki", rsa=rsa, ess=ess)
    reply = _reply(pki)
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "reply.tsr").write_bytes(reply)
    assert openssl_verify(pki, tmp_path / "data", tmp_path / "reply.tsr").returncode == 0

    stamp = check_reply(reply, DATA, load_anchors(pki.ca))
    assert stamp.anchored and stamp.tsa == "CN=Test TSA"
    assert abs(stamp.gen_time - datetime.now(UTC)) < timedelta(minutes=1)
    assert not check_reply(reply, DATA, []).anchored


def test_refuses_what_openssl_refuses(tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "pki")
    reply = _reply(pki)
    with pytest.raises(VerificationError, match="message imprint"):
        check_reply(reply, DATA + b"x", load_anchors(pki.ca))

    flipped = bytearray(reply)
    flipped[-10] ^= 0x01  # inside the signature, the last field of the token
    with pytest.raises(VerificationError, match="timestamp signature"):
        check_reply(bytes(flipped), DATA, [])

    stranger = make_pki(tmp_path / "stranger", name="Stranger")
    with pytest.raises(VerificationError, match="a path to a --tsa-ca certificate"):
        check_reply(reply, DATA, load_anchors(stranger.ca))
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "reply.tsr").write_bytes(reply)
    assert openssl_verify(stranger, tmp_path / "data", tmp_path / "reply.tsr").returncode != 0


def _expired_copy(pki: Pki, folder: Path) -> Pki:
    """The same TSA key, certified by the same CA for a period that ended in 2020."""
    ca = x509.load_pem_x509_certificate(pki.ca.read_bytes())
    ca_key = serialization.load_pem_private_key((pki.dir / "ca.key").read_bytes(), None)
    tsa_key = serialization.load_pem_private_key(pki.tsa_key.read_bytes(), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    assert isinstance(tsa_key, ec.EllipticCurvePrivateKey)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(ca.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2020, 1, 2, tzinfo=UTC))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    expired = make_pki(folder)
    expired.tsa_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    expired.tsa_key.write_bytes(pki.tsa_key.read_bytes())
    return expired


def test_a_tsa_certificate_must_be_valid_at_gen_time(tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "pki")
    stale = _reply(_expired_copy(pki, tmp_path / "expired"))
    assert not check_reply(stale, DATA, []).anchored  # the signature itself is fine
    with pytest.raises(VerificationError, match="valid at genTime"):
        check_reply(stale, DATA, load_anchors(pki.ca))
