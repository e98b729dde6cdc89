"""The stored runs of some bundles, with what a slice needs to leave their inner members unread.

For incremental detection (`domain.slice_runs`): each run of the named bundles, the
earliest and latest times of its lines, its latest logged end and earliest file
creation time (aggregates over its rows, by the bundle index), and whether its files
are plain: no name clash recorded for the device (a `delete` naming a member's file
is one). A `delete` naming only a member's counter is not looked for here: the
slice reads whole a run whose inner counter one of its lines names (`crowded`), and
reaches the bundles whose lines name its counters. Two indexed queries for any
number of bundles.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.tables import DeviceEventRow, NameClashRow, Segment, SegmentRunRow
from bodycam_guard.domain.slice_runs import StoredRun

_E = DeviceEventRow
_S = Segment
_R = SegmentRunRow
_RUN_NAMES = (  # as StoredRun names them
    "id",
    "bundle_id",
    "first_line",
    "last_line",
    "seq_lo",
    "seq_hi",
    "file_seq_lo",
    "file_seq_hi",
    "start_us",
    "end_us",
    "max_shortfall_us",
    "max_hole_us",
)
_RUN_COLUMNS = tuple(getattr(_R, name) for name in _RUN_NAMES)


def runs_of_bundles(
    session: Session, chunks: Collection[Collection[int]]
) -> dict[int, list[StoredRun]]:
    """The runs of these bundles (ids in chunks short enough to bind), by bundle id, in line order."""
    found: dict[int, list[StoredRun]] = {b: [] for chunk in chunks for b in chunk}
    db = session.connection()
    for chunk in chunks:
        runs = db.execute(
            select(*_RUN_COLUMNS, func.min(_E.ts), func.max(_E.ts), func.max(_E.end_us))
            .join(
                _E,
                and_(_E.bundle_id == _R.bundle_id, _E.line.between(_R.first_line, _R.last_line)),
            )
            .where(_R.bundle_id.in_(chunk))
            .group_by(_R.id)
            .order_by(_R.bundle_id, _R.first_line)
        ).all()
        if not runs:
            continue
        files = {
            run_id: (first_creation, bool(clashes))
            for run_id, first_creation, clashes in db.execute(
                select(_S.run_id, func.min(_S.creation_time), func.count(NameClashRow.path))
                .outerjoin(
                    NameClashRow,
                    and_(NameClashRow.device_id == _S.device_id, NameClashRow.path == _S.path),
                )
                .where(_S.bundle_id.in_(chunk), _S.run_id.is_not(None))
                .group_by(_S.run_id)
            )
        }
        for *columns, first_ts, last_ts, latest_end in runs:
            run = dict(zip(_RUN_NAMES, columns, strict=True))
            first_creation, clashes = files.get(run["id"], (None, False))
            found[run["bundle_id"]].append(
                StoredRun(
                    **run,
                    first_ts=first_ts,
                    last_ts=last_ts,
                    latest_end_us=run["end_us"] if latest_end is None else latest_end,
                    first_creation=first_creation,
                    plain=not clashes and latest_end is not None,
                )
            )
    return found
