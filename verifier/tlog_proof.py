"""Reads `c2sp.org/tlog-proof@v1` files: an entry index, its inclusion proof, a checkpoint."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from verifier.errors import VerificationError

HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True, slots=True)
class TlogProof:
    """A parsed tlog-proof; its checkpoint note is not verified yet."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint_note: str
    extra: bytes | None


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise VerificationError(what, expected="standard base64", found=repr(text)) from exc


def parse_tlog_proof(text: str) -> TlogProof:
    """Parse a tlog-proof file; VerificationError naming the line that is wrong."""
    # 1. Proof lines, a blank line, then the checkpoint note verbatim.
    head, blank, note = text.partition("\n\n")
    lines = head.split("\n")
    if not blank or lines[0] != HEADER:
        raise VerificationError("tlog-proof header", expected=HEADER, found=repr(lines[0]))
    # 2. Optional 'extra <base64>' line.
    rest = lines[1:]
    extra = None
    if rest and rest[0].startswith("extra "):
        extra = _b64(rest.pop(0)[len("extra ") :], "tlog-proof extra")
    # 3. 'index N' in decimal without leading zeros.
    index_text = rest.pop(0).removeprefix("index ") if rest and rest[0].startswith("index ") else ""
    if not (index_text.isascii() and index_text.isdigit()) or (
        index_text != "0" and index_text.startswith("0")
    ):
        raise VerificationError(
            "tlog-proof index line", expected="'index N'", found=repr(index_text)
        )
    # 4. One base64 SHA-256 hash per line.
    hashes = []
    for line in rest:
        value = _b64(line, "tlog-proof hash")
        if len(value) != 32:
            raise VerificationError(
                "tlog-proof hash", expected="32 bytes", found=f"{len(value)} bytes"
            )
        hashes.append(value)
    return TlogProof(index=int(index_text), hashes=tuple(hashes), checkpoint_note=note, extra=extra)
