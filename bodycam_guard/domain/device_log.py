"""The camera's own event log (`device.log.jsonl`, dock-bundle-v1), parsed and checked.

Each line is one event. Lines that are not JSON objects, lack a common field, or
carry a known field of the wrong type make the bundle fail validation, with an
error naming the file, the line and the field. Unknown events and unknown extra
fields are kept (they are evidence) and ignored by the rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bodycam_guard.domain.errors import InputError
from bodycam_guard.domain.rfc3339 import parse_rfc3339

_HEX64 = re.compile(r"^[0-9a-f]{64}$")

# What each known event must carry besides seq, ts and event; `?` marks an optional field.
_TIME = "time"
_HEX = "sha256"
EVENT_FIELDS: Mapping[str, Mapping[str, str]] = {
    "undock": {"station_id": "str", "officer_id": "str"},
    "dock": {"station_id": "str"},
    "power_on": {},
    "power_off": {"reason": "str"},
    "record_start": {"trigger": "str"},
    "record_stop": {"trigger": "str"},
    "segment": {
        "file": "str",
        "file_seq": "int",
        "start": _TIME,
        "end": _TIME,
        "bytes": "int",
        "sha256?": _HEX,
    },
    "battery": {"level": "int"},
    "fault": {"code": "str", "detail?": "str"},
    "delete": {"file": "str", "file_seq": "int"},
    "time_sync": {"offset_ms": "int"},
    "sleep": {"state": "str"},
    "mute": {"state": "str"},
}
NAMES_A_FILE = frozenset({"segment", "delete"})
"""The events that name a file and its counter."""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_us(moment: datetime) -> int:
    """An aware time as whole microseconds since the Unix epoch (exact: datetimes hold microseconds)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_epoch_us(us: int) -> datetime:
    """The aware UTC time `epoch_us` gave these microseconds for."""
    return _EPOCH + timedelta(microseconds=us)


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """One line of a device log: the common fields, the rest as given, and where it was read."""

    seq: int
    ts: datetime
    """Device-clock time, aware UTC (not yet corrected by time_sync)."""
    event: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0

    def str_field(self, name: str) -> str | None:
        """A text field of the event, or None when absent."""
        value = self.fields.get(name)
        return value if isinstance(value, str) else None

    def int_field(self, name: str) -> int | None:
        """An integer field of the event, or None when absent."""
        value = self.fields.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def time_field(self, name: str) -> datetime | None:
        """A time field of the event (device clock), or None when absent."""
        value = self.fields.get(name)
        return parse_rfc3339(value) if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class DeviceLog:
    """A parsed device log: its events in line order."""

    events: tuple[DeviceEvent, ...]

    @property
    def first_seq(self) -> int | None:
        """The event counter of the first line, if any."""
        return self.events[0].seq if self.events else None

    @property
    def last_seq(self) -> int | None:
        """The event counter of the last line, if any."""
        return self.events[-1].seq if self.events else None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_error(expected: str, value: object) -> str:
    return f"expected {expected}, found {json.dumps(value)[:60]}"


def _check_time(value: object) -> str | None:
    if not isinstance(value, str):
        return _type_error("an RFC 3339 time string", value)
    try:
        parse_rfc3339(value)
    except ValueError as exc:
        return str(exc)
    return None


_CHECKS: Mapping[str, Callable[[object], str | None]] = {
    "str": lambda v: None if isinstance(v, str) else _type_error("a string", v),
    "int": lambda v: None if _is_int(v) else _type_error("an integer", v),
    _TIME: _check_time,
    _HEX: lambda v: (
        None
        if isinstance(v, str) and _HEX64.match(v)
        else _type_error("64 lower-case hex digits", v)
    ),
}


def _check_line(obj: Mapping[str, Any], file: str, line: int) -> list[InputError]:
    problems: list[InputError] = []
    for name, check in (("seq", "int"), ("ts", _TIME), ("event", "str")):
        if name not in obj:
            problems.append(
                InputError("required field is missing", file=file, line=line, field=name)
            )
        elif (why := _CHECKS[check](obj[name])) is not None:
            problems.append(InputError(why, file=file, line=line, field=name))
    event = obj.get("event")
    if isinstance(event, str):
        for spec, kind in EVENT_FIELDS.get(event, {}).items():
            name = spec.rstrip("?")
            if name not in obj:
                if not spec.endswith("?"):
                    problems.append(
                        InputError(
                            f"required for a {event!r} event, but missing",
                            file=file,
                            line=line,
                            field=name,
                        )
                    )
            elif (why := _CHECKS[kind](obj[name])) is not None:
                problems.append(InputError(why, file=file, line=line, field=name))
    return problems


def parse_device_log(data: bytes, *, file: str = "device.log.jsonl") -> DeviceLog:
    """Parse a device log, or raise `LogProblemsError` listing every bad line.

    All problems are reported at once (file, line, field), so a station operator
    fixes them in one go rather than one per upload.
    """
    events: list[DeviceEvent] = []
    problems: list[InputError] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    if not lines:
        raise LogProblemsError(
            [InputError("the log is empty; a docking always logs at least one event", file=file)]
        )
    for number, raw in enumerate(lines, start=1):
        try:
            obj = json.loads(raw.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError as exc:
            problems.append(InputError(f"not UTF-8 ({exc.reason})", file=file, line=number))
            continue
        except json.JSONDecodeError as exc:
            problems.append(
                InputError(
                    f"not valid JSON ({exc.msg} at column {exc.colno})", file=file, line=number
                )
            )
            continue
        if not isinstance(obj, dict):
            problems.append(InputError(_type_error("a JSON object", obj), file=file, line=number))
            continue
        line_problems = _check_line(obj, file, number)
        if line_problems:
            problems.extend(line_problems)
            continue
        extra = {k: v for k, v in obj.items() if k not in ("seq", "ts", "event")}
        events.append(
            DeviceEvent(
                seq=obj["seq"],
                ts=parse_rfc3339(obj["ts"]),
                event=obj["event"],
                fields=extra,
                line=number,
            )
        )
    if problems:
        raise LogProblemsError(problems)
    return DeviceLog(events=tuple(events))


class LogProblemsError(InputError):
    """A device log with one or more bad lines; `problems` lists each with its line and field."""

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(first.message, file=first.file, line=first.line, field=first.field)
