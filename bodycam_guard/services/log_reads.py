"""Use cases: what the public log endpoints serve (C2SP tlog-tiles, RFC 9162 proofs).

Tiles are cut from the stored hashes at the log's current size: a full tile never
changes again (immutable), a partial one grows until it is full. A partial tile
of width W is served while the tile holds at least W hashes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bodycam_guard.domain import merkle
from bodycam_guard.domain.errors import InputError, NotFoundError
from bodycam_guard.services.ports import UnitOfWorkFactory

_PROOF = "proof request"


@dataclass(frozen=True, slots=True)
class Tile:
    """A tile's bytes, and whether it is full (so it may be cached forever)."""

    content: bytes
    full: bool


def read_tile(path: str, *, uow: UnitOfWorkFactory) -> Tile:
    """The hash tile or entry bundle at `tile/<L>/<N>[.p/<W>]`; NotFoundError if not there yet."""
    level, index, width = merkle.parse_tile_path(path)
    with uow() as work:
        size = work.log.size()
        available = merkle.tile_width(0 if level == "entries" else int(level), index, size)
        if available < width:
            raise NotFoundError(f"{path}: expected a tile of width {width}, found {available}")
        first = index * merkle.TILE_WIDTH
        if level == "entries":
            content = merkle.entry_bundle(work.log.leaves(first, first + width))
        else:
            level_in_tree = merkle.TILE_HEIGHT * int(level)
            content = b"".join(work.log.node_range(level_in_tree, first, first + width))
    return Tile(content=content, full=width == merkle.TILE_WIDTH)


def _check_size(size: int, current: int, field: str) -> None:
    if size > current:
        raise InputError(
            f"expected a tree size <= {current} (the log's size), found {size}",
            file=_PROOF,
            field=field,
        )


def inclusion_proof(index: int, size: int, *, uow: UnitOfWorkFactory) -> list[bytes]:
    """RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves."""
    with uow() as work:
        _check_size(size, work.log.size(), "size")
        return work.log.inclusion_proof(index, size)


def consistency_proof(old: int, new: int, *, uow: UnitOfWorkFactory) -> list[bytes]:
    """RFC 9162 consistency proof from the tree of `old` leaves to that of `new`."""
    with uow() as work:
        _check_size(new, work.log.size(), "new")
        return work.log.consistency_proof(old, new)
