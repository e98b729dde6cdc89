"""An RFC 3161 time-stamping authority over HTTP (RFC 3161 section 3.4), via `rfc3161-client`.

Each request carries the SHA-256 of the exact bytes to date, a fresh 64-bit
nonce and asks for the TSA's certificate. A reply is kept only after these
checks, in order: HTTP 200; a TimeStampResp that parses; status granted (with
or without modifications) and a token; the token's message imprint is SHA-256
of those bytes; its nonce is ours. With trusted roots configured, the
signature, the certificate chain at genTime and the TSA certificate's critical
timeStamping key purpose are checked too (`rfc3161_client.Verifier`).

Nothing is contacted until `stamp` is called.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request
from datetime import UTC
from pathlib import Path

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from bodycam_guard.domain.errors import ConfigurationError
from bodycam_guard.domain.timestamps import TIMESTAMP_REPLY_TYPE, TimestampError, TimestampGrant

_logger = logging.getLogger(__name__)
_SHA256 = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
_MAX_REPLY = 1 << 20  # a reply with its certificate chain is a few KiB; refuse a flood
_GRANTED = frozenset({PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS})


def load_roots(path: Path) -> list[x509.Certificate]:
    """The PEM certificates in `path`; ConfigurationError naming the setting otherwise."""
    try:
        roots = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            f"BODYCAM_GUARD_TSA_CA_FILE: expected PEM certificates in {path}, found {exc}"
        ) from exc
    return roots


class Rfc3161Authority:
    """One TSA, at `url`; `roots` (optional) are the certificates its chain must end in."""

    def __init__(
        self, url: str, *, timeout_s: float, roots: list[x509.Certificate] | None = None
    ) -> None:
        self.url = url
        self._timeout_s = timeout_s
        self._roots = roots or []

    def stamp(self, data: bytes) -> TimestampGrant:
        """A checked timestamp of `data`; TimestampError says why there is none."""
        request = (
            TimestampRequestBuilder()
            .data(data)
            .hash_algorithm(HashAlgorithm.SHA256)
            .nonce(nonce=True)
            .cert_request(cert_request=True)
            .build()
        )
        reply = self._post(request.as_bytes())
        try:
            return self._checked(reply, data, request.nonce)
        except ValueError as exc:  # the library's parse errors, e.g. "granted" without a token
            raise TimestampError(
                f"TSA {self.url}: expected a DER TimeStampResp with a token, found {len(reply)} "
                f"bytes that do not parse as one ({exc})"
            ) from exc

    def _checked(self, reply: bytes, data: bytes, nonce: int | None) -> TimestampGrant:
        digest = hashlib.sha256(data).digest()
        response = decode_timestamp_response(reply)
        if response.status not in _GRANTED:
            raise TimestampError(
                f"TSA {self.url}: expected status granted, found {response.status} "
                f"{' '.join(response.status_string)}".rstrip()
            )
        info = response.tst_info
        imprint = info.message_imprint
        if imprint.hash_algorithm != _SHA256 or imprint.message != digest:
            raise TimestampError(
                f"TSA {self.url}: expected a timestamp of SHA-256 {digest.hex()}, "
                f"found one of {imprint.hash_algorithm.dotted_string} {imprint.message.hex()}"
            )
        if info.nonce != nonce:
            raise TimestampError(f"TSA {self.url}: expected nonce {nonce}, found {info.nonce}")
        if self._roots:
            self._verify_signature(nonce, response, digest)
        at = info.gen_time
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        return TimestampGrant(reply=reply, gen_time=at, serial=info.serial_number)

    def _verify_signature(
        self, nonce: int | None, response: TimeStampResponse, digest: bytes
    ) -> None:
        builder = VerifierBuilder()
        if nonce is not None:
            builder = builder.nonce(nonce)
        for root in self._roots:
            builder = builder.add_root_certificate(root)
        try:
            builder.build().verify(response, digest)
        except VerificationError as exc:
            raise TimestampError(
                f"TSA {self.url}: expected a token signed by a certificate for time-stamping "
                f"that chains to BODYCAM_GUARD_TSA_CA_FILE, found: {exc}"
            ) from exc

    def _post(self, query: bytes) -> bytes:
        http = urllib.request.Request(  # noqa: S310 (the URL is validated as http(s) by settings)
            self.url,
            data=query,
            method="POST",
            headers={
                "Content-Type": "application/timestamp-query",
                "Accept": TIMESTAMP_REPLY_TYPE,
            },
        )
        try:
            with urllib.request.urlopen(http, timeout=self._timeout_s) as answer:  # noqa: S310
                body: bytes = answer.read(_MAX_REPLY + 1)
        except urllib.error.HTTPError as exc:
            raise TimestampError(
                f"TSA {self.url}: expected HTTP 200, found {exc.code} {exc.reason}"
            ) from exc
        except (OSError, ValueError) as exc:
            raise TimestampError(f"TSA {self.url}: expected a reply, found {exc}") from exc
        if len(body) > _MAX_REPLY:
            raise TimestampError(
                f"TSA {self.url}: expected a reply under {_MAX_REPLY} bytes, found more"
            )
        _logger.debug("TSA %s replied with %d bytes", self.url, len(body))
        return body
