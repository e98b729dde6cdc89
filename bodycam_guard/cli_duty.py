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
