"""`bodycam-guard units|users|officers` and `tokens create --unit`: accounts for admins.

Heavy modules (database, argon2) are imported inside the handlers, so the
command line answers `--help` at once.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

from bodycam_guard.domain.accounts import DEFAULT_TIMEZONE, Language, Role

if TYPE_CHECKING:
    from bodycam_guard.bootstrap import Runtime


def _units_add(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.services.accounts import add_unit

    add_unit(args.unit_id, args.name or args.unit_id, uow=rt.uow, clock=rt.clock)
    print(f"unit {args.unit_id!r} added")
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("bodycam-guard: the two passwords differ; nothing was changed")
    return first


def _users_add(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.adapters.passwords import Argon2Passwords
    from bodycam_guard.services.accounts import add_user

    add_user(
        args.username,
        _read_password(args.password_stdin),
        role=Role(args.role),
        unit_id=args.unit,
        language=Language(args.language),
        timezone=args.timezone,
        uow=rt.uow,
        clock=rt.clock,
        passwords=Argon2Passwords(),
    )
    unit = f" in unit {args.unit!r}" if args.unit else ""
    print(f"user {args.username!r} ({args.role}{unit}) added")
    return 0


def _officers_assign(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.services.accounts import assign_officer

    assign_officer(args.officer_id, args.unit, uow=rt.uow, clock=rt.clock)
    print(f"officer {args.officer_id!r} assigned to unit {args.unit!r}")
    return 0


def scope_created_token(rt: Runtime, name: str, unit: str | None) -> None:
    """After `tokens create … --unit U`: make the new token act for that unit."""
    if unit is None:
        return
    from bodycam_guard.services.accounts import scope_token

    scope_token(name, unit, uow=rt.uow)


def add_account_commands(commands: Any) -> None:
    """Add `units add`, `users add` and `officers assign` to the command line."""
    units = commands.add_parser("units", help="units whose officers' incidents supervisors review")
    unit_commands = units.add_subparsers(dest="units_command", required=True, metavar="ACTION")
    add = unit_commands.add_parser("add", help="add a unit")
    add.add_argument("unit_id", metavar="UNIT", help="the unit's id, e.g. AST-PATROL-2")
    add.add_argument("--name", help="a readable name (default: the id)")
    add.set_defaults(handler=_units_add)

    users = commands.add_parser("users", help="accounts for the web page")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = user_commands.add_parser("add", help="add a user (the password is asked for)")
    add.add_argument("username", metavar="NAME")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--unit", metavar="U", help="the unit (required for a supervisor)")
    add.add_argument("--language", choices=[lang.value for lang in Language], default="en")
    add.add_argument(
        "--timezone", default=DEFAULT_TIMEZONE, metavar="TZ", help="IANA zone for dates shown"
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin",
    )
    add.set_defaults(handler=_users_add)

    officers = commands.add_parser("officers", help="officers' units")
    officer_commands = officers.add_subparsers(
        dest="officers_command", required=True, metavar="ACTION"
    )
    assign = officer_commands.add_parser("assign", help="put an officer in a unit")
    assign.add_argument("officer_id", metavar="OFFICER", help="as in undock events, e.g. OFF-1002")
    assign.add_argument("--unit", metavar="U", required=True)
    assign.set_defaults(handler=_officers_assign)
