"""`bodycam-guard devices` and `bodycam-guard roster`: what admins register about duty.

Plugged into the `bodycam-guard` command through the `bodycam_guard.commands`
entry-point group, like `serve`; heavy modules load only when a command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bodycam_guard.bootstrap import Runtime


def _devices_add(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.services.duty_registry import register_device_key

    first = register_device_key(args.device_id, args.public_key, uow=rt.uow, clock=rt.clock)
    verb = "registered" if first else "replaced"
    print(f"{args.device_id}: key {verb}; its logs must now carry a valid signature")
    return 0


def _roster_import(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.services.duty_registry import import_roster

    new, reports = import_roster(args.file, uow=rt.uow, policy=rt.policy, clock=rt.clock)
    flagged = sum(r.new for r in reports)
    print(
        f"{args.file}: {new} new rostered duties over {len(reports)} cameras; "
        f"{flagged} new incidents"
    )
    return 0


def add_duty_commands(commands: Any) -> None:
    """Contribute `devices add` and `roster import`."""
    devices = commands.add_parser("devices", help="cameras and their signing keys")
    device_actions = devices.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    add = device_actions.add_parser("add", help="register a camera's Ed25519 public key")
    add.add_argument("device_id", metavar="ID", help="the id the camera writes, e.g. KZ-AST-0042")
    add.add_argument(
        "--public-key",
        type=Path,
        required=True,
        metavar="FILE",
        help="PEM public key, or one line of base64 of the 32 key bytes",
    )
    add.set_defaults(handler=_devices_add)

    roster = commands.add_parser("roster", help="duty rosters (for no_camera)")
    roster_actions = roster.add_subparsers(dest="roster_command", required=True, metavar="ACTION")
    load = roster_actions.add_parser("import", help="import a roster CSV")
    load.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="CSV with a header officer_id,device_id,start,end (RFC 3339 times)",
    )
    load.set_defaults(handler=_roster_import)
    add_report_command(commands)


def _report(rt: Runtime, args: argparse.Namespace) -> int:
    import json

    from bodycam_guard.domain.compliance import ComplianceFigures
    from bodycam_guard.domain.rfc3339 import format_rfc3339
    from bodycam_guard.services.compliance_report import compliance_report

    report = compliance_report(
        uow=rt.uow, since=args.since, until=args.until, officer_id=args.officer, unit_id=args.unit
    )
    # Each row: its label for the table, its figures, and what identifies it in JSON.
    rows: list[tuple[str, ComplianceFigures, dict[str, object]]]
    if args.by == "shift":
        rows = [
            (
                f"{s.figures.officer_id or '-'} {s.device_id} {format_rfc3339(s.start)}",
                s.figures,
                {
                    "officer_id": s.figures.officer_id,
                    "unit_id": s.unit_id,
                    "device_id": s.device_id,
                    "start": format_rfc3339(s.start),
                    "end": format_rfc3339(s.end),
                },
            )
            for s in report.shifts
        ]
    elif args.by == "officer":
        rows = [
            (f.officer_id or "-", f, {"officer_id": f.officer_id, "unit_id": u})
            for u, f in report.officers
        ]
    else:
        rows = [(u or "(no unit)", f, {"unit_id": u}) for u, f in report.units]
    if args.json:
        out = [
            {
                **key,
                "shifts": f.shifts,
                "duty_s": round(f.duty_s, 3),
                "recorded_s": round(f.recorded_s, 3),
                "recorded_share": round(f.recorded_share, 4),
                "switch_offs": f.switch_offs,
                "switch_off_s": round(f.switch_off_s, 3),
            }
            for _, f, key in rows
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{args.by:<45} {'shifts':>6} {'duty h':>8} {'recorded':>9} {'switch-offs':>11} "
        f"{'off min':>8}"
    )
    for label, f, _ in rows:
        print(
            f"{label:<45} {f.shifts:>6} {f.duty_s / 3600:>8.2f} {f.recorded_share:>9.1%} "
            f"{f.switch_offs:>11} {f.switch_off_s / 60:>8.1f}"
        )
    return 0


def add_report_command(commands: Any) -> None:
    """Contribute `report`: recording compliance by shift, officer or unit."""
    from bodycam_guard.domain.rfc3339 import parse_rfc3339

    report = commands.add_parser("report", help="recording compliance by shift, officer or unit")
    report.add_argument("--by", choices=("shift", "officer", "unit"), default="officer")
    report.add_argument(
        "--from",
        dest="since",
        type=parse_rfc3339,
        metavar="T",
        help="shifts starting at or after this RFC 3339 time",
    )
    report.add_argument(
        "--to",
        dest="until",
        type=parse_rfc3339,
        metavar="T",
        help="shifts starting before this RFC 3339 time",
    )
    report.add_argument("--officer", metavar="ID", help="only this officer")
    report.add_argument("--unit", metavar="UNIT", help="only this unit's officers")
    report.add_argument("--json", action="store_true", help="print a JSON array")
    report.set_defaults(handler=_report)
