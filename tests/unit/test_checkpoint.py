"""Checkpoints and signed notes: built by the domain, signed by the log key, verified by verifier/."""

from __future__ import annotations

import base64
import contextlib
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from bodycam_guard.adapters.log_signer import LogSigner
from bodycam_guard.domain import checkpoint
from bodycam_guard.domain.errors import InputError, IntegrityError
from verifier import note
from verifier.errors import VerificationError

NAME = "bodycam-guard.example/precinct-7"
ROOT = bytes(range(32))


def _signer(seed: int = 1, name: str = NAME) -> LogSigner:
    return LogSigner(name, Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32))


def _signed(size: int = 12, signer: LogSigner | None = None) -> str:
    signer = signer or _signer()
    return signer.sign_checkpoint(checkpoint.Checkpoint(NAME, size, ROOT))


def test_body_format() -> None:
    body = checkpoint.Checkpoint(NAME, 12, ROOT, ("ext line",)).body()
    assert body == f"{NAME}\n12\n{base64.b64encode(ROOT).decode()}\next line\n"
    assert checkpoint.parse_checkpoint_body(body) == checkpoint.Checkpoint(
        NAME, 12, ROOT, ("ext line",)
    )


def test_key_id_and_verifier_key_follow_signed_note() -> None:
    signer = _signer()
    vkey = signer.verifier_key()
    name, hex_id, encoded = vkey.split("+")
    assert name == NAME
    assert base64.b64decode(encoded) == b"\x01" + signer.public_key
    assert hex_id == hashlib.sha256(NAME.encode() + b"\n\x01" + signer.public_key).hexdigest()[:8]
    parsed = note.parse_verifier_key(vkey)
    assert (parsed.name, parsed.key_id, parsed.public_key) == (
        NAME,
        signer.key_id,
        signer.public_key,
    )


@pytest.mark.parametrize("seed", range(16))
def test_verifier_keys_round_trip_whatever_base64_they_hold(seed: int) -> None:
    # Base64 key material often contains '+', the field separator: split at most twice.
    signer = _signer(seed)
    parsed = note.parse_verifier_key(signer.verifier_key())
    assert parsed.public_key == signer.public_key


def test_known_go_note_vector_key_id() -> None:
    # From golang.org/x/mod/sumdb/note docs: PeterNeumann's verifier key.
    vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    parsed = note.parse_verifier_key(vkey)
    assert checkpoint.verifier_key(parsed.name, parsed.public_key) == vkey


def test_signed_checkpoint_verifies() -> None:
    signed = _signed()
    assert signed.count("\n\n") == 1
    assert "\n\u2014 " + NAME + " " in signed
    verified = note.verify_checkpoint(signed, note.parse_verifier_key(_signer().verifier_key()))
    assert (verified.origin, verified.size, verified.root) == (NAME, 12, ROOT)


def test_domain_opens_its_own_note() -> None:
    signer = _signer()
    text = checkpoint.open_note(_signed(), NAME, signer.public_key, signer.verify)
    assert checkpoint.parse_checkpoint_body(text).size == 12
    other = _signer(2)
    with pytest.raises(IntegrityError):
        checkpoint.open_note(_signed(), NAME, other.public_key, other.verify)


def test_forged_signature_is_rejected() -> None:
    signed = _signed()
    text, sigs = checkpoint.parse_note(signed)
    forged_sig = bytes(64)
    line = base64.b64encode(sigs[0].key_id + forged_sig).decode()
    forged = f"{text}\n\u2014 {NAME} {line}\n"
    with pytest.raises(VerificationError, match="forgery"):
        note.verify_checkpoint(forged, note.parse_verifier_key(_signer().verifier_key()))


def test_wrong_key_is_rejected() -> None:
    with pytest.raises(VerificationError, match="expected one by"):
        note.verify_checkpoint(_signed(), note.parse_verifier_key(_signer(2).verifier_key()))


def test_signature_by_another_log_with_our_name_is_rejected() -> None:
    impostor = _signer(3)
    with pytest.raises(VerificationError):
        note.verify_checkpoint(
            _signed(signer=impostor), note.parse_verifier_key(_signer().verifier_key())
        )


@pytest.mark.parametrize(
    ("old", "new"),
    [("\n12\n", "\n13\n"), (base64.b64encode(ROOT).decode(), base64.b64encode(bytes(32)).decode())],
    ids=["size", "root"],
)
def test_edited_checkpoint_is_rejected(old: str, new: str) -> None:
    edited = _signed().replace(old, new, 1)
    with pytest.raises(VerificationError, match="forgery"):
        note.verify_checkpoint(edited, note.parse_verifier_key(_signer().verifier_key()))


def test_origin_must_be_the_key_name() -> None:
    signer = _signer(name="other.example/log")
    signed = signer.sign_checkpoint(checkpoint.Checkpoint(NAME, 1, ROOT))
    with pytest.raises(VerificationError, match="origin"):
        note.verify_checkpoint(signed, note.parse_verifier_key(signer.verifier_key()))


def test_foreign_signature_lines_are_ignored() -> None:
    signed = _signed()
    cosigned = signed + "\u2014 witness.example " + base64.b64encode(bytes(68)).decode() + "\n"
    note.verify_checkpoint(cosigned, note.parse_verifier_key(_signer().verifier_key()))


@pytest.mark.parametrize("bad", ["", "a+b", "x+00000000+AQ==", "x y+00000000+" + "A" * 44])
def test_malformed_verifier_keys(bad: str) -> None:
    with pytest.raises(VerificationError):
        note.parse_verifier_key(bad)


@pytest.mark.parametrize("text", ["a\n1\n", "a\n01\nAAAA\n", "a\n1\nAAAA\n", "a\n1\n" + "A" * 44])
def test_malformed_checkpoint_bodies(text: str) -> None:
    with pytest.raises(InputError):
        checkpoint.parse_checkpoint_body(text)
    with pytest.raises(VerificationError):
        note.parse_checkpoint(text)


def test_tlog_proof_round_trip() -> None:
    from verifier.tlog_proof import parse_tlog_proof

    hashes = [bytes([i]) * 32 for i in range(3)]
    text = checkpoint.format_tlog_proof(7, hashes, _signed(), extra=b"ctx")
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra Y3R4\nindex 7\n")
    parsed = checkpoint.parse_tlog_proof(text)
    assert (parsed.index, list(parsed.hashes), parsed.checkpoint_note, parsed.extra) == (
        7,
        hashes,
        _signed(),
        b"ctx",
    )
    independent = parse_tlog_proof(text)
    assert (independent.index, independent.hashes, independent.extra) == (7, tuple(hashes), b"ctx")
    assert checkpoint.parse_tlog_proof(checkpoint.format_tlog_proof(0, [], _signed())).hashes == ()


@given(
    origin=st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0x2FFF), min_size=1, max_size=30
    ),
    size=st.integers(0, 2**63),
    root=st.binary(min_size=32, max_size=32),
)
def test_checkpoint_body_round_trips(origin: str, size: int, root: bytes) -> None:
    cp = checkpoint.Checkpoint(origin, size, root)
    assert checkpoint.parse_checkpoint_body(cp.body()) == cp
    parsed = note.parse_checkpoint(cp.body())
    assert (parsed.origin, parsed.size, parsed.root) == (origin, size, root)


@given(st.text(max_size=200))
def test_note_parsers_never_crash(text: str) -> None:
    with contextlib.suppress(InputError):
        checkpoint.parse_note(text)
    with contextlib.suppress(VerificationError):
        note.verify_note(text, note.parse_verifier_key(_signer().verifier_key()))
