"""RFC 9162 Merkle tree hashing over a dense store of complete-subtree hashes.

The log keeps one hash per *complete* subtree, addressed by `(level, index)`:
the node at level L, index i covers leaves `[i * 2**L, (i + 1) * 2**L)`. Level 0
holds the leaf hashes. Appending a leaf stores the leaf hash and every subtree it
completes; nothing stored ever changes afterwards, so the store is append-only
like the log itself.

A root or proof element over a range that is not a complete subtree (the ragged
right edge of the tree) is folded from the complete subtrees that tile it, so
every function here reads O(log n) stored hashes. Each operation is first
*planned* as a list of node addresses (pure integer arithmetic), then the hashes
are read one by one (`NodeReader`) or in one batch (`BatchNodeReader`, e.g. one
SQL query) and folded.

Tiles (C2SP tlog-tiles, height 8) are runs of stored hashes at levels that are
multiples of 8, so the API serves them from the same store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from bodycam_guard.domain.errors import InputError, IntegrityError

_LOG = "transparency log"
_TILES = "tlog tiles"

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
HASH_SIZE = 32
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeAddress = tuple[int, int]
"""A stored complete subtree: `(level, index)`."""

NodeReader = Callable[[int, int], bytes]
"""Returns the stored hash of the complete subtree at `(level, index)`."""

BatchNodeReader = Callable[[Sequence[NodeAddress]], Sequence[bytes]]
"""Returns the stored hashes of many complete subtrees, in the order asked."""

Plan = list[list[NodeAddress]]
"""One entry per output hash: the complete subtrees, left to right, that fold into it."""


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def fold(hashes: Sequence[bytes]) -> bytes:
    """Hash of a range from its complete subtrees (largest first), folded right to left."""
    if not hashes:
        raise ValueError("cannot fold an empty list of subtree hashes")
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def subtree_addresses(start: int, end: int) -> list[NodeAddress]:
    """Complete subtrees, left to right, that tile the range `[start, end)`.

    `start` must be a multiple of the largest power of two not above `end - start`
    (true of every range RFC 9162's recursion visits), so that the tiling has
    exactly the shape of RFC 9162's MTH over that range.
    """
    if not 0 <= start < end:
        raise ValueError(f"expected 0 <= start < end, found start={start}, end={end}")
    addresses: list[NodeAddress] = []
    position = start
    remaining = end - start
    while remaining:
        level = remaining.bit_length() - 1
        width = 1 << level
        if position % width:
            raise ValueError(f"range [{start}, {end}) is not aligned at {position} for 2**{level}")
        addresses.append((level, position >> level))
        position += width
        remaining -= width
    return addresses


def _split(n: int) -> int:
    """The largest power of two strictly below n (n >= 2), RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


def root_plan(size: int) -> list[NodeAddress]:
    """Stored subtrees whose fold is the root of a tree of `size` leaves (size >= 1)."""
    return subtree_addresses(0, size)


def inclusion_plan(index: int, size: int) -> Plan:
    """RFC 9162 PATH(index, D[0:size]) as subtree addresses, leaf's sibling first."""
    if not 0 <= index < size:
        raise InputError(
            f"expected 0 <= index < size, found index={index}, size={size}",
            file=_LOG,
            field="index",
        )
    top_down: Plan = []
    start, n, m = 0, size, index
    while n > 1:
        k = _split(n)
        if m < k:
            top_down.append(subtree_addresses(start + k, start + n))
            n = k
        else:
            top_down.append(subtree_addresses(start, start + k))
            start, n, m = start + k, n - k, m - k
    top_down.reverse()
    return top_down


def consistency_plan(old_size: int, new_size: int) -> Plan:
    """RFC 9162 PROOF(old_size, D[0:new_size]) as subtree addresses, deepest first."""
    if not 0 < old_size <= new_size:
        raise InputError(
            f"expected 0 < old <= new, found old={old_size}, new={new_size}", file=_LOG, field="old"
        )
    top_down: Plan = []
    start, n, m, whole_old_tree = 0, new_size, old_size, True
    while m != n:
        k = _split(n)
        if m <= k:
            top_down.append(subtree_addresses(start + k, start + n))
            n = k
        else:
            top_down.append(subtree_addresses(start, start + k))
            start, n, m, whole_old_tree = start + k, n - k, m - k, False
    if not whole_old_tree:
        top_down.append(subtree_addresses(start, start + n))
    top_down.reverse()
    return top_down


def evaluate(plan: Plan, read: NodeReader) -> list[bytes]:
    """Fold each entry of a plan, reading stored hashes one at a time."""
    return [fold([read(level, index) for level, index in entry]) for entry in plan]


def evaluate_batch(plan: Plan, read_many: BatchNodeReader) -> list[bytes]:
    """Fold each entry of a plan, reading every stored hash it needs in one call."""
    wanted = sorted({address for entry in plan for address in entry})
    found = read_many(wanted)
    if len(found) != len(wanted):
        raise IntegrityError(f"expected {len(wanted)} stored hashes, found {len(found)}")
    by_address = dict(zip(wanted, found, strict=True))
    return [fold([by_address[address] for address in entry]) for entry in plan]


def nodes_to_store_on_append(
    size_before: int, new_leaf_hash: bytes, read: NodeReader
) -> list[tuple[int, int, bytes]]:
    """The `(level, index, hash)` rows to store when appending leaf number `size_before`.

    The leaf itself at level 0, then every subtree it completes, reading one stored
    left sibling per completed level.
    """
    if size_before < 0:
        raise InputError(f"expected a size >= 0, found {size_before}", file=_LOG, field="size")
    rows = [(0, size_before, new_leaf_hash)]
    level, index, current = 0, size_before, new_leaf_hash
    while index & 1:
        current = node_hash(read(level, index - 1), current)
        level, index = level + 1, index >> 1
        rows.append((level, index, current))
    return rows


def root(size: int, read: NodeReader) -> bytes:
    """RFC 9162 Merkle tree hash of the first `size` leaves (SHA-256 of "" when empty)."""
    if size == 0:
        return EMPTY_ROOT
    return fold([read(level, index) for level, index in root_plan(size)])


def inclusion_proof(index: int, size: int, read: NodeReader) -> list[bytes]:
    """RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves."""
    return evaluate(inclusion_plan(index, size), read)


def consistency_proof(old_size: int, new_size: int, read: NodeReader) -> list[bytes]:
    """RFC 9162 consistency proof from the tree of `old_size` leaves to `new_size`."""
    return evaluate(consistency_plan(old_size, new_size), read)


class MemoryHashStore:
    """A dense in-memory node store, for tests and benchmarks."""

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = []
        self.size = 0

    def read(self, level: int, index: int) -> bytes:
        """The stored hash at `(level, index)`; IntegrityError when it is not stored."""
        try:
            return self._levels[level][index]
        except IndexError:
            raise IntegrityError(f"no stored hash at level {level}, index {index}") from None

    def read_many(self, addresses: Sequence[NodeAddress]) -> list[bytes]:
        """The stored hashes at many addresses, in order."""
        return [self.read(level, index) for level, index in addresses]

    def append_leaf_hash(self, new_leaf_hash: bytes) -> int:
        """Append a leaf by its hash; returns its index."""
        index = self.size
        for level, position, value in nodes_to_store_on_append(index, new_leaf_hash, self.read):
            if level == len(self._levels):
                self._levels.append([])
            if len(self._levels[level]) != position:
                raise IntegrityError(
                    f"expected next node at level {level} to be {len(self._levels[level])}, "
                    f"found {position}"
                )
            self._levels[level].append(value)
        self.size += 1
        return index

    def append(self, data: bytes) -> int:
        """Append a leaf by its data; returns its index."""
        return self.append_leaf_hash(leaf_hash(data))

    def root(self, size: int | None = None) -> bytes:
        """Root at `size` (default: the current size)."""
        return root(self.size if size is None else size, self.read)


# --- C2SP tlog-tiles ---------------------------------------------------------------


def tile_width(tile_level: int, tile_index: int, size: int) -> int:
    """How many hashes tile `tile_index` at tile level `tile_level` holds at tree `size`.

    256 for a full tile, 1..255 for a partial one, 0 when the tile does not exist.
    """
    hashes_at_level = size >> (TILE_HEIGHT * tile_level)
    return max(0, min(TILE_WIDTH, hashes_at_level - tile_index * TILE_WIDTH))


def tile_addresses(tile_level: int, tile_index: int, width: int) -> list[NodeAddress]:
    """The stored `(level, index)` hashes, in order, that make up a tile's content."""
    if not 1 <= width <= TILE_WIDTH:
        raise InputError(f"expected a tile width in 1..{TILE_WIDTH}, found {width}", file=_TILES)
    level = TILE_HEIGHT * tile_level
    first = tile_index * TILE_WIDTH
    return [(level, first + offset) for offset in range(width)]


def _encode_tile_index(tile_index: int) -> str:
    groups = []
    while True:
        groups.append(f"{tile_index % 1000:03d}")
        tile_index //= 1000
        if tile_index == 0:
            break
    groups.reverse()
    return "/".join([*("x" + group for group in groups[:-1]), groups[-1]])


def tile_path(tile_level: int | str, tile_index: int, width: int = TILE_WIDTH) -> str:
    """The tlog-tiles path `tile/<L>/<N>[.p/<W>]`; `tile_level="entries"` for entry bundles."""
    if tile_index < 0:
        raise InputError(f"expected a tile index >= 0, found {tile_index}", file=_TILES)
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    if not 1 <= width <= TILE_WIDTH:
        raise InputError(f"expected a tile width in 1..{TILE_WIDTH}, found {width}", file=_TILES)
    return f"tile/{tile_level}/{_encode_tile_index(tile_index)}{suffix}"


def parse_tile_path(path: str) -> tuple[int | str, int, int]:
    """Parse `tile/<L>/<N>[.p/<W>]` into `(level or "entries", index, width)`; InputError if bad."""
    parts = path.split("/")
    width = TILE_WIDTH
    if len(parts) >= 2 and parts[-2].endswith(".p"):
        width_text = parts.pop()
        parts[-1] = parts[-1][: -len(".p")]
        if not _canonical_decimal(width_text) or not 1 <= int(width_text) < TILE_WIDTH:
            raise InputError(
                f"expected a partial width 1..255 in {path!r}, found {width_text!r}", file=_TILES
            )
        width = int(width_text)
    if len(parts) < 3 or parts[0] != "tile":
        raise InputError(f"expected tile/<L>/<N>[.p/<W>], found {path!r}", file=_TILES)
    level_text, groups = parts[1], parts[2:]
    level: int | str
    if level_text == "entries":
        level = level_text
    elif _canonical_decimal(level_text) and int(level_text) <= 63:
        level = int(level_text)
    else:
        raise InputError(f"expected a tile level 0..63 or 'entries' in {path!r}", file=_TILES)
    digits = [group[1:] for group in groups[:-1] if group.startswith("x")] + [groups[-1]]
    if len(digits) != len(groups) or not all(
        len(group) == 3 and group.isascii() and group.isdigit() for group in digits
    ):
        raise InputError(
            f"expected 3-digit index groups, 'x' before all but the last: {path!r}", file=_TILES
        )
    index = int("".join(digits))
    if tile_path(level, index, width) != path:
        raise InputError(f"tile path {path!r} is not in canonical form", file=_TILES)
    return level, index, width


def _canonical_decimal(text: str) -> bool:
    return text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0"))


def entry_bundle(entries: Sequence[bytes]) -> bytes:
    """A tlog-tiles entry bundle: each entry prefixed by its big-endian uint16 length."""
    out = bytearray()
    for entry in entries:
        if len(entry) > 0xFFFF:
            raise InputError(
                f"expected an entry of at most 65535 bytes, found {len(entry)}", file=_TILES
            )
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)
