"""Response models of the public log endpoints."""

from __future__ import annotations

from pydantic import BaseModel


class InclusionProofPublic(BaseModel):
    """RFC 9162 inclusion proof: base64 hashes, the leaf's sibling first."""

    index: int
    size: int
    hashes: list[str]


class ConsistencyProofPublic(BaseModel):
    """RFC 9162 consistency proof from tree size `old` to `new`: base64 hashes."""

    old: int
    new: int
    hashes: list[str]
