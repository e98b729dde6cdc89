"""Just enough DER (X.690) to walk an RFC 3161 reply: tag, length, contents; nothing is re-encoded.

Only definite lengths and low tag numbers, as DER requires; anything else is a
VerificationError naming the offset. Object identifiers decode to dotted strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.errors import VerificationError

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
OCTET_STRING = 0x04
OID = 0x06
GENERALIZED_TIME = 0x18


def context(number: int) -> int:
    """The identifier octet of a constructed context-specific tag `[number]`."""
    return 0xA0 | number


@dataclass(frozen=True, slots=True)
class Element:
    """One DER element: its identifier octet, its whole encoding and its contents."""

    tag: int
    raw: bytes
    body: bytes

    def children(self) -> list[Element]:
        """The elements inside a constructed element, in order."""
        return read_all(self.body)

    def expect(self, tag: int, what: str) -> Element:
        """Itself, if its tag is `tag`; VerificationError naming `what` otherwise."""
        if self.tag != tag:
            raise VerificationError(
                what, expected=f"DER tag 0x{tag:02x}", found=f"0x{self.tag:02x}"
            )
        return self

    def integer(self) -> int:
        """The value of an INTEGER."""
        return int.from_bytes(self.expect(INTEGER, "INTEGER").body, "big", signed=True)

    def oid(self) -> str:
        """The dotted form of an OBJECT IDENTIFIER."""
        body = self.expect(OID, "OBJECT IDENTIFIER").body
        arcs, value = [], 0
        for octet in body:
            value = (value << 7) | (octet & 0x7F)
            if not octet & 0x80:
                arcs.append(value)
                value = 0
        if not arcs:
            raise VerificationError("OBJECT IDENTIFIER", expected="at least one arc", found="none")
        first = min(arcs[0] // 40, 2)
        return ".".join(str(a) for a in (first, arcs[0] - 40 * first, *arcs[1:]))


def read(data: bytes, offset: int = 0) -> tuple[Element, int]:
    """The element at `offset`, and the offset after it."""
    if offset + 2 > len(data):
        raise VerificationError("DER", expected=f"an element at offset {offset}", found="the end")
    tag, first = data[offset], data[offset + 1]
    if tag & 0x1F == 0x1F:
        raise VerificationError("DER", expected="a low tag number", found=f"0x{tag:02x}")
    start = offset + 2
    if first < 0x80:
        length = first
    elif first == 0x80 or first > 0x84:
        raise VerificationError(
            "DER", expected="a definite length of at most 4 octets", found=f"0x{first:02x}"
        )
    else:
        count = first & 0x7F
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    end = start + length
    if end > len(data):
        raise VerificationError(
            "DER", expected=f"{length} content octets at offset {start}", found=len(data) - start
        )
    return Element(tag, data[offset:end], data[start:end]), end


def read_one(data: bytes) -> Element:
    """The single element that `data` is, with nothing after it."""
    element, end = read(data)
    if end != len(data):
        raise VerificationError("DER", expected=f"{end} octets", found=len(data))
    return element


def read_all(data: bytes) -> list[Element]:
    """The elements that `data` holds, one after another."""
    elements, offset = [], 0
    while offset < len(data):
        element, offset = read(data, offset)
        elements.append(element)
    return elements
