"""An RFC 3161 timestamp of the bag's checkpoint, checked with `cryptography` and a small DER reader.

`check_reply` takes a DER TimeStampResp (what `openssl ts -reply` writes and
what bodycam-guard stores as received) and the exact bytes it should date, and
checks, in order:

1. status granted (0) or granted with modifications (1), with a token that is a
   CMS SignedData whose content is a TSTInfo;
2. the TSTInfo's message imprint is SHA-256 (or -384, -512) of those bytes;
3. the signed attributes name TSTInfo as content type and carry its digest, and
   an ESS signing-certificate attribute binds the signer's certificate;
4. the signature over the signed attributes verifies with that certificate
   (RSA PKCS #1 v1.5, ECDSA or Ed25519);
5. with trust anchors: the certificate is for time-stamping (critical extended
   key usage timeStamping), and it chains, through certificates in the token,
   to an anchor; every certificate on the way is valid at genTime.

Revocation is not checked (offline by design); `openssl ts -verify` is the
second opinion docs/auditor.md describes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from verifier import der
from verifier.errors import CheckResult, VerificationError

_SIGNED_DATA = "1.2.840.113549.1.7.2"
_TST_INFO = "1.2.840.113549.1.9.16.1.4"
_CONTENT_TYPE = "1.2.840.113549.1.9.3"
_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_SIGNING_CERT = "1.2.840.113549.1.9.16.2.12"  # ESS, SHA-1 certificate hash (RFC 2634)
_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47"  # ESS v2, SHA-256 by default (RFC 5035)
_RSA_PSS = "1.2.840.113549.1.1.10"
_HASHES = {
    "2.16.840.1.101.3.4.2.1": ("sha256", hashes.SHA256),
    "2.16.840.1.101.3.4.2.2": ("sha384", hashes.SHA384),
    "2.16.840.1.101.3.4.2.3": ("sha512", hashes.SHA512),
}
_MAX_CHAIN = 6


@dataclass(frozen=True, slots=True)
class Timestamp:
    """What a checked reply states."""

    gen_time: datetime
    serial: int
    tsa: str
    """The signing certificate's subject (RFC 4514)."""
    anchored: bool
    """Whether its chain was checked against trust anchors."""


def _hash(oid: str, what: str) -> tuple[str, type[hashes.HashAlgorithm]]:
    if oid not in _HASHES:
        raise VerificationError(what, expected="SHA-256, SHA-384 or SHA-512", found=oid)
    return _HASHES[oid]


def _gen_time(element: der.Element) -> datetime:
    text = element.expect(der.GENERALIZED_TIME, "TSTInfo genTime").body.decode("ascii")
    if not text.endswith("Z"):
        raise VerificationError("TSTInfo genTime", expected="UTC (…Z)", found=text)
    whole, _, fraction = text[:-1].partition(".")
    at = datetime.strptime(whole, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return at.replace(microsecond=int((fraction + "000000")[:6])) if fraction else at


def _signed_data(reply: bytes) -> list[der.Element]:
    """Step 1: the SignedData's fields, from a granted reply."""
    fields = der.read_one(reply).expect(der.SEQUENCE, "TimeStampResp").children()
    status = fields[0].expect(der.SEQUENCE, "PKIStatusInfo").children()[0].integer()
    if status not in (0, 1) or len(fields) < 2:
        raise VerificationError("timestamp status", expected="granted with a token", found=status)
    content = fields[1].expect(der.SEQUENCE, "TimeStampToken").children()
    if content[0].oid() != _SIGNED_DATA:
        raise VerificationError("TimeStampToken", expected="CMS SignedData", found=content[0].oid())
    return content[1].expect(der.context(0), "SignedData").children()[0].children()


def _attributes(signed_attrs: der.Element) -> dict[str, der.Element]:
    found = {}
    for attribute in signed_attrs.children():
        oid, values = attribute.children()
        found[oid.oid()] = values.expect(der.SET, "attribute values").children()[0]
    return found


def _signer(certs: list[x509.Certificate], sid: der.Element) -> x509.Certificate:
    if sid.tag == der.SEQUENCE:  # issuerAndSerialNumber
        issuer, serial = sid.children()
        for cert in certs:
            if cert.serial_number == serial.integer() and cert.issuer.public_bytes() == issuer.raw:
                return cert
    elif sid.tag == 0x80:  # [0] subjectKeyIdentifier
        for cert in certs:
            try:
                ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if ski.value.digest == sid.body:
                return cert
    raise VerificationError(
        "timestamp signer", expected="its certificate in the token", found=f"{len(certs)} others"
    )


def _ess_binds(attributes: dict[str, der.Element], cert: x509.Certificate) -> None:
    cert_der = cert.public_bytes(Encoding.DER)
    if _SIGNING_CERT_V2 in attributes:
        first = attributes[_SIGNING_CERT_V2].children()[0].children()[0].children()
        name = "sha256"
        if first[0].tag == der.SEQUENCE:  # hashAlgorithm present (default SHA-256)
            name = _hash(first.pop(0).children()[0].oid(), "ESS certificate hash")[0]
        expected = first[0].expect(der.OCTET_STRING, "ESSCertIDv2").body
    elif _SIGNING_CERT in attributes:
        first = attributes[_SIGNING_CERT].children()[0].children()[0].children()
        name, expected = "sha1", first[0].expect(der.OCTET_STRING, "ESSCertID").body
    else:
        raise VerificationError(
            "signed attributes", expected="ESS signing-certificate", found="none"
        )
    found = hashlib.new(name, cert_der).digest()
    if found != expected:
        raise VerificationError(
            "ESS signing-certificate", expected=expected.hex(), found=f"{name} {found.hex()}"
        )


def _verify_signature(
    cert: x509.Certificate,
    algorithm: str,
    digest: type[hashes.HashAlgorithm],
    sig: bytes,
    data: bytes,
) -> None:
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm != _RSA_PSS:
            key.verify(sig, data, padding.PKCS1v15(), digest())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(sig, data, ec.ECDSA(digest()))
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(sig, data)
        else:
            raise VerificationError(
                "timestamp signature", expected="RSA, ECDSA or Ed25519", found=algorithm
            )
    except InvalidSignature as exc:
        raise VerificationError(
            "timestamp signature",
            expected=f"valid by {cert.subject.rfc4514_string()}",
            found="invalid",
        ) from exc


def _chain(
    signer: x509.Certificate,
    pool: list[x509.Certificate],
    anchors: list[x509.Certificate],
    at: datetime,
) -> None:
    """Step 5: time-stamping purpose, then a path to an anchor, each certificate valid at `at`."""
    try:
        eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        eku = None
    if eku is None or not eku.critical or ExtendedKeyUsageOID.TIME_STAMPING not in eku.value:
        raise VerificationError(
            "TSA certificate", expected="critical extended key usage timeStamping", found=eku
        )
    cert = signer
    for _ in range(_MAX_CHAIN):
        if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
            raise VerificationError(
                f"certificate {cert.subject.rfc4514_string()}",
                expected=f"valid at genTime {at.isoformat()}",
                found=f"{cert.not_valid_before_utc.isoformat()}..{cert.not_valid_after_utc.isoformat()}",
            )
        if cert in anchors:
            return
        issuers = [c for c in [*anchors, *pool] if c.subject == cert.issuer and c != cert]
        for issuer in issuers:
            try:
                cert.verify_directly_issued_by(issuer)
                basic = issuer.extensions.get_extension_for_class(x509.BasicConstraints)
            except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
                continue
            if basic.value.ca:
                cert = issuer
                break
        else:
            raise VerificationError(
                "TSA certificate chain",
                expected="a path to a --tsa-ca certificate",
                found=f"none from {cert.subject.rfc4514_string()}",
            )
    raise VerificationError(
        "TSA certificate chain", expected=f"at most {_MAX_CHAIN}", found="longer"
    )


def check_reply(reply: bytes, data: bytes, anchors: list[x509.Certificate]) -> Timestamp:
    """Check `reply` as an RFC 3161 timestamp of `data` (steps 1-5 above); what it states."""
    fields = _signed_data(reply)
    encap = fields[2].expect(der.SEQUENCE, "encapContentInfo").children()
    if encap[0].oid() != _TST_INFO:
        raise VerificationError("eContentType", expected="TSTInfo", found=encap[0].oid())
    e_content = encap[1].expect(der.context(0), "eContent").children()[0].body
    tst = der.read_one(e_content).children()
    # 2. The imprint is the hash of the exact bytes.
    algorithm, imprint = tst[2].children()
    name = _hash(algorithm.children()[0].oid(), "message imprint")[0]
    if imprint.body != hashlib.new(name, data).digest():
        raise VerificationError(
            "message imprint",
            expected=f"{name} {hashlib.new(name, data).hexdigest()}",
            found=imprint.body.hex(),
        )
    gen_time = _gen_time(tst[4])
    certs = [
        x509.load_der_x509_certificate(c.raw)
        for f in fields
        if f.tag == der.context(0)
        for c in f.children()
        if c.tag == der.SEQUENCE
    ]
    (signer_info,) = fields[-1].expect(der.SET, "signerInfos").children()
    info = signer_info.children()
    signed_attrs = info[3].expect(der.context(0), "signedAttrs")
    # 3. Signed attributes: content type, digest of the TSTInfo, ESS certificate binding.
    attributes = _attributes(signed_attrs)
    digest_name, digest = _hash(info[2].children()[0].oid(), "SignerInfo digest")
    if _CONTENT_TYPE not in attributes or attributes[_CONTENT_TYPE].oid() != _TST_INFO:
        raise VerificationError("content-type attribute", expected="TSTInfo", found="other")
    wanted = hashlib.new(digest_name, e_content).digest()
    if attributes.get(_MESSAGE_DIGEST, der.Element(0, b"", b"")).body != wanted:
        raise VerificationError("message-digest attribute", expected=wanted.hex(), found="other")
    signer = _signer(certs, info[1])
    _ess_binds(attributes, signer)
    # 4. The signature covers the signed attributes, re-tagged as a SET (RFC 5652 5.4).
    to_sign = bytes([der.SET]) + signed_attrs.raw[1:]
    signature = info[5].expect(der.OCTET_STRING, "signature").body
    _verify_signature(signer, info[4].children()[0].oid(), digest, signature, to_sign)
    if anchors:
        _chain(signer, certs, anchors, gen_time)
    serial = tst[3].integer()
    return Timestamp(gen_time, serial, signer.subject.rfc4514_string(), anchored=bool(anchors))


def load_anchors(path: Path) -> list[x509.Certificate]:
    """The PEM certificates of `path` (the auditor's trust anchors for the TSA)."""
    return x509.load_pem_x509_certificates(path.read_bytes())


def check_bag_timestamp(tags: Path, anchors: list[x509.Certificate] | None) -> list[CheckResult]:
    """Step 7: `checkpoint.tsr`, if the bag has one (or anchors ask for one), dates `checkpoint`."""
    what = "checkpoint timestamp"
    reply = tags / "checkpoint.tsr"
    if not reply.is_file():
        if anchors is None:
            return []
        missing = VerificationError(
            "bodycam-guard/checkpoint.tsr",
            expected="an RFC 3161 timestamp (--tsa-ca)",
            found="none",
        )
        return [CheckResult(what, missing)]
    try:
        stamp = check_reply(reply.read_bytes(), (tags / "checkpoint").read_bytes(), anchors or [])
    except VerificationError as error:
        return [CheckResult(what, error)]
    except (OSError, IndexError, ValueError) as exc:
        # A malformed reply is a failed check, not a crash.
        bad = VerificationError(what, expected="a well-formed RFC 3161 reply", found=repr(exc))
        return [CheckResult(what, bad)]
    trust = "" if stamp.anchored else " (TSA not checked against a CA: pass --tsa-ca)"
    when = stamp.gen_time.isoformat().replace("+00:00", "Z")
    return [
        CheckResult(f"checkpoint timestamped {when} by {stamp.tsa}, serial {stamp.serial}{trust}")
    ]
