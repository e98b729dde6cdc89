"""Checks of the log against itself and against the records: the core of `bodycam-guard verify`.

Nothing here trusts a stored hash: the tree is recomputed from the leaves' bytes,
compared with every stored node, and each record (bundle, device log, segment)
must say exactly what its leaf says; each device chain is recomputed both from
the segment leaves (in log order) and from the segment records (in `file_seq`
order). Every difference is a `Failure` naming what was expected and what was found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bodycam_guard.domain import hash_chain, merkle
from bodycam_guard.domain.errors import InputError, IntegrityError
from bodycam_guard.domain.log_leaves import parse_leaf
from bodycam_guard.domain.log_records import LoggedBundle, LoggedSegment
from bodycam_guard.domain.rfc3339 import parse_rfc3339
from bodycam_guard.services.ports import TransparencyLog

MAX_NODE_FAILURES = 20
"""Node mismatches listed one by one before the rest are summed up in one line."""


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed check: what, what was expected, what was found."""

    subject: str
    expected: object
    found: object

    def line(self) -> str:
        """`FAIL <subject>: expected X, found Y`."""
        return f"FAIL {self.subject}: expected {self.expected}, found {self.found}"


@dataclass(slots=True)
class RecomputedLog:
    """The tree rebuilt from the stored leaves, and what each leaf says."""

    size: int
    tree: merkle.MemoryHashStore
    fields: dict[int, dict[str, Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)


Progress = Callable[[str, int, int], None]


def recompute_log(log: TransparencyLog, progress: Progress | None = None) -> RecomputedLog:
    """Rebuild the tree from the leaves' bytes and compare every stored node with it."""
    size = log.size()
    result = RecomputedLog(size=size, tree=merkle.MemoryHashStore())
    expected_index = 0
    for index, leaf_type, data in log.iter_leaves():
        while expected_index < index:  # a leaf row is missing: hash an empty one in its place
            result.failures.append(Failure(f"log leaf {expected_index}", "present", "missing"))
            result.tree.append(b"")
            expected_index += 1
        result.tree.append(data)
        expected_index += 1
        try:
            obj = parse_leaf(data)
        except InputError as exc:
            result.failures.append(Failure(f"log leaf {index}", "a v1 canonical leaf", exc))
            continue
        if obj["type"] != leaf_type:
            result.failures.append(Failure(f"log leaf {index} type", leaf_type, obj["type"]))
        result.fields[index] = obj
        if progress is not None and index % 4096 == 0:
            progress("leaves", index, size)
    _compare_nodes(log, result)
    stored_root = _stored_root(log, size, result)
    if stored_root is not None and stored_root != result.tree.root():
        result.failures.append(
            Failure(f"log root at size {size}", result.tree.root().hex(), stored_root.hex())
        )
    return result


def _stored_root(log: TransparencyLog, size: int, result: RecomputedLog) -> bytes | None:
    try:
        return log.root(size)
    except IntegrityError as exc:  # a missing node is a finding, reported here
        result.failures.append(Failure(f"log root at size {size}", "readable", repr(exc)))
        return None


def _compare_nodes(log: TransparencyLog, result: RecomputedLog) -> None:
    mismatches = 0
    seen: dict[int, int] = {}
    for level, index, value in log.iter_nodes():
        seen[level] = seen.get(level, 0) + 1
        expected = _node(result.tree, level, index)
        if expected != value:
            mismatches += 1
            if mismatches <= MAX_NODE_FAILURES:
                found = value.hex() if value else "empty"
                wanted = expected.hex() if expected else "no node"
                result.failures.append(Failure(f"log node ({level}, {index})", wanted, found))
    if mismatches > MAX_NODE_FAILURES:
        more = mismatches - MAX_NODE_FAILURES
        result.failures.append(Failure("log nodes (not listed above)", 0, f"{more} mismatches"))
    for level in range(result.size.bit_length()):
        if seen.get(level, 0) != result.size >> level:
            result.failures.append(
                Failure(f"log nodes at level {level}", result.size >> level, seen.get(level, 0))
            )


def _node(tree: merkle.MemoryHashStore, level: int, index: int) -> bytes | None:
    try:
        return tree.read(level, index)
    except IntegrityError:  # an address the leaves do not give
        return None


def check_leaf_chains(recomputed: RecomputedLog) -> list[Failure]:
    """Each device's segment leaves, in log order, form its chain from `chain_0`."""
    failures: list[Failure] = []
    heads: dict[str, tuple[int, bytes]] = {}
    for index, obj in sorted(recomputed.fields.items()):
        if obj["type"] != "segment":
            continue
        device = obj["device_id"]
        last_seq, previous = heads.get(device, (-1, hash_chain.CHAIN_START))
        if obj["file_seq"] <= last_seq:
            failures.append(
                Failure(f"leaf {index} file_seq of {device}", f"> {last_seq}", obj["file_seq"])
            )
            continue
        value = hash_chain.extend(previous, device, obj["file_seq"], bytes.fromhex(obj["sha256"]))
        if value.hex() != obj["chain"]:
            failures.append(Failure(f"leaf {index} chain of {device}", value.hex(), obj["chain"]))
        heads[device] = (obj["file_seq"], value)
    return failures


_SEGMENT_FIELDS = ("device_id", "file_seq", "path", "sha256", "bytes", "bundle")


def check_segment_records(
    recomputed: RecomputedLog, segments: Iterable[LoggedSegment]
) -> list[Failure]:
    """Each segment record says what its leaf says; every file leaf has its record."""
    failures: list[Failure] = []
    linked: set[int] = set()
    by_device: dict[str, list[LoggedSegment]] = {}
    for s in segments:
        if s.chain is not None:
            by_device.setdefault(s.device_id, []).append(s)
        if s.leaf_index is None:
            continue
        linked.add(s.leaf_index)
        obj = recomputed.fields.get(s.leaf_index)
        where = f"segment {s.bundle}/{s.path} leaf {s.leaf_index}"
        if obj is None or obj["type"] not in {"segment", "late_segment"}:
            found = obj["type"] if obj else "none"
            failures.append(Failure(where, "a segment leaf", found))
            continue
        record = {
            "device_id": s.device_id,
            "file_seq": s.file_seq,
            "path": s.path,
            "sha256": s.sha256,
            "bytes": s.bytes,
            "bundle": s.bundle,
        }
        failures.extend(
            Failure(f"{where} {name}", obj[name], record[name])
            for name in _SEGMENT_FIELDS
            if obj[name] != record[name]
        )
        if obj.get("chain") != s.chain:
            failures.append(Failure(f"{where} chain", obj.get("chain"), s.chain))
    for index, obj in sorted(recomputed.fields.items()):
        if obj["type"] in {"segment", "late_segment"} and index not in linked:
            where = f"segment record of leaf {index} ({obj['bundle']}/{obj['path']})"
            failures.append(Failure(where, "present", "missing"))
    for device, chained in sorted(by_device.items()):
        failures.extend(_record_chain(device, chained))
    return failures


def _record_chain(device: str, chained: list[LoggedSegment]) -> list[Failure]:
    failures: list[Failure] = []
    previous, last_seq = hash_chain.CHAIN_START, -1
    for s in sorted(chained, key=lambda s: (s.file_seq or 0, s.id)):
        file_seq = s.file_seq if s.file_seq is not None else -1
        if file_seq <= last_seq:
            failures.append(Failure(f"chain of {device} at {s.path}", f"> {last_seq}", file_seq))
            continue
        previous = hash_chain.extend(previous, device, file_seq, bytes.fromhex(s.sha256))
        last_seq = file_seq
        if previous.hex() != s.chain:
            failures.append(
                Failure(f"chain of {device} at file_seq {file_seq}", previous.hex(), s.chain)
            )
    return failures


def check_bundle_records(
    recomputed: RecomputedLog, bundles: Iterable[LoggedBundle]
) -> list[Failure]:
    """Each bundle record says what its bundle and device-log leaves say, and vice versa."""
    failures: list[Failure] = []
    linked: set[int] = set()
    for b in bundles:
        wanted = {
            b.leaf_index: (
                "bundle",
                {
                    "device_id": b.device_id,
                    "bundle": b.name,
                    "manifest_sha256": b.manifest_sha256,
                    "station_id": b.station_id,
                    "docked_at": b.docked_at,
                },
            ),
            b.log_leaf_index: (
                "device_log",
                {
                    "device_id": b.device_id,
                    "bundle": b.name,
                    "sha256": b.log_sha256,
                    "bytes": b.log_bytes,
                },
            ),
        }
        for index, (leaf_type, record) in wanted.items():
            if index is None:
                continue
            linked.add(index)
            obj = recomputed.fields.get(index)
            where = f"bundle {b.name} {leaf_type} leaf {index}"
            if obj is None or obj["type"] != leaf_type:
                failures.append(Failure(where, f"a {leaf_type} leaf", obj["type"] if obj else None))
                continue
            failures.extend(
                Failure(f"{where} {name}", obj[name], value)
                for name, value in record.items()
                if not _same(name, obj[name], value)
            )
    for index, obj in sorted(recomputed.fields.items()):
        if obj["type"] in {"bundle", "device_log"} and index not in linked:
            failures.append(Failure(f"bundle record of leaf {index}", obj["bundle"], "missing"))
    return failures


def _same(name: str, leaf_value: object, record_value: object) -> bool:
    if name == "docked_at" and isinstance(leaf_value, str):
        try:
            return parse_rfc3339(leaf_value) == record_value
        except ValueError:
            return False
    return leaf_value == record_value
