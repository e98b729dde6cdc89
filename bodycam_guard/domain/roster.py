"""Duty rosters: which officer, with which camera, was due on duty when.

Imported from CSV (`officer_id,device_id,start,end`, RFC 3339 times, a header
line first) or over the API. A rostered duty for which the officer's camera
was never undocked is a `no_camera` incident.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from bodycam_guard.domain.errors import InputError
from bodycam_guard.domain.rfc3339 import parse_rfc3339

ROSTER_COLUMNS = ("officer_id", "device_id", "start", "end")


@dataclass(frozen=True, slots=True)
class RosteredDuty:
    """One officer's scheduled duty with their assigned camera."""

    officer_id: str
    device_id: str
    start: datetime
    end: datetime


def parse_roster_csv(text: str, *, file: str = "roster.csv") -> list[RosteredDuty]:
    """Parse a roster; raise InputError naming the line and column of the first bad value."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ROSTER_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"header must name {', '.join(ROSTER_COLUMNS)}; missing {', '.join(missing)}",
            file=file,
            line=1,
        )
    duties = []
    for row in reader:
        line = reader.line_num
        values = {c: (row.get(c) or "").strip() for c in ROSTER_COLUMNS}
        for column in ("officer_id", "device_id"):
            if not values[column]:
                raise InputError("must not be empty", file=file, line=line, field=column)
        times = {}
        for column in ("start", "end"):
            try:
                times[column] = parse_rfc3339(values[column])
            except ValueError as exc:
                raise InputError(str(exc), file=file, line=line, field=column) from exc
        if times["end"] <= times["start"]:
            raise InputError(
                f"expected an end after the start {values['start']}, found {values['end']}",
                file=file,
                line=line,
                field="end",
            )
        duties.append(
            RosteredDuty(
                officer_id=values["officer_id"],
                device_id=values["device_id"],
                start=times["start"],
                end=times["end"],
            )
        )
    return duties
