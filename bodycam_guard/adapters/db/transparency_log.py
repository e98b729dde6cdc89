"""The transparency log in the database: leaves, complete-subtree hashes, signed checkpoints.

Stored densely (docs/transparency-log.md section 1): `log_leaves` holds each
leaf's exact bytes, `log_nodes` one hash per complete subtree at
`(level, index)`. An append writes the leaf and the subtrees it completes and
never touches an existing row. Roots, proofs and tiles are planned as node
addresses by `domain.merkle` and read in one query.

Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock, on
SQLite by its single writer. Two appenders that still race collide on the
primary key, and one transaction fails whole: never two leaves at one index.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import Table, and_, func, insert, or_, select, text
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.tables import CheckpointRow, LogLeaf, LogNode
from bodycam_guard.domain import merkle
from bodycam_guard.domain.errors import IntegrityError
from bodycam_guard.domain.log_records import PublishedCheckpoint

# Addresses per query: well under SQLite's 32,766 bound parameters (two per address).
_READ_CHUNK = 4000
_ADVISORY_LOCK = 0x6263_676C_6F67  # "bcglog"
_LEAVES: Table = LogLeaf.__table__  # type: ignore[assignment]
_NODES: Table = LogNode.__table__  # type: ignore[assignment]


class SqlTransparencyLog:
    """The append-only Merkle log over one session."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def size(self) -> int:
        """How many leaves the log holds (primary-key lookup, not a count)."""
        last = self._s.scalar(select(func.max(LogLeaf.index)))
        return 0 if last is None else last + 1

    def read_nodes(self, addresses: Sequence[merkle.NodeAddress]) -> list[bytes]:
        """Stored hashes at `addresses`, in order, in one query (chunked past 4,000 addresses)."""
        found: dict[merkle.NodeAddress, bytes] = {}
        for start in range(0, len(addresses), _READ_CHUNK):
            by_level: dict[int, list[int]] = {}
            for level, index in addresses[start : start + _READ_CHUNK]:
                by_level.setdefault(level, []).append(index)
            wanted = or_(
                *(
                    and_(LogNode.level == level, LogNode.index.in_(indexes))
                    for level, indexes in by_level.items()
                )
            )
            rows = self._s.execute(select(LogNode.level, LogNode.index, LogNode.hash).where(wanted))
            found.update(((level, index), value) for level, index, value in rows)
        missing = [address for address in addresses if address not in found]
        if missing:
            raise IntegrityError(
                f"log nodes: expected stored hashes at {missing[:5]}, found none there"
            )
        return [found[address] for address in addresses]

    def read_node(self, level: int, index: int) -> bytes:
        """One stored hash."""
        return self.read_nodes([(level, index)])[0]

    def append(self, leaves: Sequence[tuple[str, bytes]], at: datetime) -> list[int]:
        """Append `(type, bytes)` leaves in order; returns their indexes."""
        if not leaves:
            return []
        if self._s.get_bind().dialect.name == "postgresql":
            self._s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        size = self.size()
        # The left siblings an append reads are the complete subtrees of the current tree
        # (its root plan): fetch them once, then keep every new node in memory.
        frontier = merkle.root_plan(size) if size else []
        known = dict(zip(frontier, self.read_nodes(frontier), strict=True))
        leaf_rows, node_rows = [], []
        for offset, (leaf_type, data) in enumerate(leaves):
            index = size + offset
            rows = merkle.nodes_to_store_on_append(
                index, merkle.leaf_hash(data), lambda lv, ix: known[(lv, ix)]
            )
            for level, position, value in rows:
                known[(level, position)] = value
                node_rows.append({"level": level, "index": position, "hash": value})
            leaf_rows.append({"index": index, "data": data, "type": leaf_type, "appended_at": at})
        # Core executemany, not the ORM's bulk path: five times faster for these plain rows.
        connection = self._s.connection()
        connection.execute(insert(_LEAVES), leaf_rows)
        connection.execute(insert(_NODES), node_rows)
        return [size + offset for offset in range(len(leaves))]

    def evaluate(self, plan: merkle.Plan) -> list[bytes]:
        """Fold a plan (root, proof, or several at once) from one read of its stored hashes."""
        return merkle.evaluate_batch(plan, self.read_nodes)

    def root(self, size: int) -> bytes:
        """RFC 9162 root of the first `size` leaves."""
        if size == 0:
            return merkle.EMPTY_ROOT
        return self.evaluate([merkle.root_plan(size)])[0]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves."""
        return self.evaluate(merkle.inclusion_plan(index, size))

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """RFC 9162 consistency proof from `old_size` leaves to `new_size`."""
        return self.evaluate(merkle.consistency_plan(old_size, new_size))

    def leaves(self, start: int, end: int) -> list[bytes]:
        """The bytes of leaves `[start, end)`; IntegrityError if any is missing."""
        rows = self._s.execute(
            select(LogLeaf.index, LogLeaf.data)
            .where(LogLeaf.index >= start, LogLeaf.index < end)
            .order_by(LogLeaf.index)
        ).all()
        if [index for index, _ in rows] != list(range(start, end)):
            raise IntegrityError(f"log leaves: expected {start}..{end - 1}, found {len(rows)} rows")
        return [data for _, data in rows]

    def leaf(self, index: int) -> bytes | None:
        """One leaf's bytes, or None."""
        return self._s.scalar(select(LogLeaf.data).where(LogLeaf.index == index))

    def node_range(self, level: int, start: int, end: int) -> list[bytes]:
        """Stored hashes `(level, start..end-1)` in order, in one range query (tiles)."""
        rows = self._s.execute(
            select(LogNode.index, LogNode.hash)
            .where(LogNode.level == level, LogNode.index >= start, LogNode.index < end)
            .order_by(LogNode.index)
        ).all()
        if [index for index, _ in rows] != list(range(start, end)):
            raise IntegrityError(
                f"log nodes at level {level}: expected {start}..{end - 1}, found {len(rows)} rows"
            )
        return [value for _, value in rows]

    def iter_leaves(self) -> Iterator[tuple[int, str, bytes]]:
        """Every stored leaf `(index, type, bytes)` in index order, streamed."""
        query = select(LogLeaf.index, LogLeaf.type, LogLeaf.data).order_by(LogLeaf.index)
        for index, leaf_type, data in self._s.execute(query.execution_options(yield_per=5000)):
            yield int(index), str(leaf_type), bytes(data)

    def iter_nodes(self) -> Iterator[tuple[int, int, bytes]]:
        """Every stored node `(level, index, hash)` in address order, streamed."""
        query = select(LogNode.level, LogNode.index, LogNode.hash).order_by(
            LogNode.level, LogNode.index
        )
        for level, index, value in self._s.execute(query.execution_options(yield_per=5000)):
            yield int(level), int(index), bytes(value)


class SqlCheckpoints:
    """Every signed checkpoint ever published, oldest first."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def latest(self) -> PublishedCheckpoint | None:
        """The newest checkpoint, or None before the first is published."""
        row = self._s.scalar(
            select(CheckpointRow).order_by(CheckpointRow.size.desc(), CheckpointRow.id.desc())
        )
        return _published(row) if row is not None else None

    def add(self, *, size: int, root: bytes, note: str, at: datetime) -> None:
        """Keep a newly signed checkpoint."""
        self._s.add(CheckpointRow(size=size, root=root.hex(), note=note, published_at=at))
        self._s.flush()

    def all(self) -> list[PublishedCheckpoint]:
        """Every kept checkpoint, in publication order."""
        rows = self._s.scalars(select(CheckpointRow).order_by(CheckpointRow.id))
        return [_published(row) for row in rows]


def _published(row: CheckpointRow) -> PublishedCheckpoint:
    return PublishedCheckpoint(
        size=row.size, root=bytes.fromhex(row.root), note=row.note, published_at=row.published_at
    )
