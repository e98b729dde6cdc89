"""The `bodycam-guard` command (interfaces-v1): ingest bundles, list incidents, run the service.

Commands that need the web framework or the scheduler (`serve`, `ingest-daemon`)
are contributed by the `api` and `ingest` packages through the
`bodycam_guard.commands` entry-point group, so the core never imports them.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from bodycam_guard.cli_accounts import add_account_commands
from bodycam_guard.cli_log import add_log_commands
from bodycam_guard.cli_progress import StageProgress, TerminalProgress
from bodycam_guard.domain.errors import BodycamGuardError
from bodycam_guard.domain.incidents import IncidentKind, IncidentStatus
from bodycam_guard.domain.roles import ROLES

if TYPE_CHECKING:
    from bodycam_guard.bootstrap import Runtime
    from bodycam_guard.services.intake import Outcome

# Heavy modules (database, media, web) are imported by the command that needs them, so
# `--help` and a mistyped command answer at once.
Handler = Callable[["Runtime", argparse.Namespace], int]


def _describe(outcome: Outcome) -> str:
    from bodycam_guard.services.intake import Failure, Rejection

    if isinstance(outcome, Rejection):
        return f"REJECTED {outcome.bundle} (moved to {outcome.quarantined_to}):\n{outcome.reason}"
    if isinstance(outcome, Failure):
        return f"FAILED   {outcome.bundle} (left in place, try again): {outcome.error}"
    if outcome.already_ingested:
        return f"skipped  {outcome.bundle}: already ingested"
    new = outcome.detection.new if outcome.detection else 0
    unreadable = f", {len(outcome.unreadable)} unreadable" if outcome.unreadable else ""
    return (
        f"ingested {outcome.bundle} ({outcome.device_id}): {outcome.files} files, "
        f"{outcome.bytes / 1e6:,.1f} MB{unreadable}, {new} new incidents"
    )


def _ingest(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.adapters.bundle_folder import find_bundles
    from bodycam_guard.services.ingest_bundle import IngestOutcome
    from bodycam_guard.services.intake import take_in

    folders: list[Path] = []
    missing = 0
    for path in args.paths:
        found = find_bundles(path)
        if not found:
            print(f"FAILED   {path}: no complete bundle here (a bundle folder holds manifest.json)")
            missing += 1
        folders.extend(found)
    progress = TerminalProgress(sys.stderr)

    def report(outcome: Outcome) -> None:
        progress.clear()
        print(_describe(outcome), flush=True)

    summary = take_in(
        folders,
        uow=rt.uow,
        blobs=rt.blobs,
        probe=rt.probe,
        clock=rt.clock,
        policy=rt.policy,
        quarantine_root=rt.settings.quarantine,
        signer=rt.signer,
        on_start=lambda n, folder: progress.start(n, len(folders), folder),
        on_outcome=report,
        on_bytes=progress.advance,
    )
    fresh = sum(
        1 for o in summary.ingested if isinstance(o, IngestOutcome) and not o.already_ingested
    )
    print(
        f"{len(folders)} bundles: {fresh} ingested, {len(summary.ingested) - fresh} already "
        f"ingested, {len(summary.rejected)} rejected, {len(summary.failed)} failed"
    )
    return 0 if summary.ok and not missing else 1


def _incidents(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.domain.incidents import IncidentFilter, incident_record
    from bodycam_guard.domain.rfc3339 import format_rfc3339
    from bodycam_guard.services.list_incidents import list_incidents

    wanted = IncidentFilter(device_id=args.device, kind=args.kind, status=args.status)
    found = list_incidents(wanted, uow=rt.uow)
    if args.json:
        json.dump([incident_record(i) for i in found], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for i in found:
        start = format_rfc3339(i.start) if i.start else "-"
        end = format_rfc3339(i.end) if i.end else "-"
        print(
            f"{i.id}  {i.severity.value:<8} {i.kind.value:<17} {i.device_id:<14} "
            f"{i.officer_id or '-':<10} {start} → {end}  {i.status.value}"
        )
    print(f"{len(found)} incidents")
    return 0


def _tokens_create(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.cli_accounts import scope_created_token
    from bodycam_guard.services.tokens import create_token

    token = create_token(args.name, args.role, uow=rt.uow, clock=rt.clock)
    scope_created_token(rt, args.name, args.unit)
    print(token)
    print(f"token {args.name!r} ({args.role}) created; it is shown only once", file=sys.stderr)
    return 0


def _detect(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.bootstrap import judge_in_workers
    from bodycam_guard.services.detect_region import redetect_region

    progress = StageProgress(sys.stderr)
    workers = args.workers or rt.settings.detect_workers
    report = redetect_region(
        uow=rt.uow,
        policy=rt.policy,
        clock=rt.clock,
        devices=sorted(set(args.device)) if args.device else None,
        progress=progress,
        judge=judge_in_workers(rt.settings.resolved_database_url(), workers)
        if workers > 1
        else None,
    )
    progress.clear()
    devices = "device" if report.devices == 1 else "devices"
    print(
        f"{report.devices:,} {devices}, {report.segments:,} segments "
        f"({report.routine:,} routine): {report.findings:,} incidents, {report.new:,} new, "
        f"{report.retracted:,} retracted, in {report.seconds:.1f} s"
    )
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, found {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with plug-in commands added."""
    parser = argparse.ArgumentParser(
        prog="bodycam-guard",
        description="Body-camera recording integrity monitor. Data lives in $BODYCAM_GUARD_HOME "
        "(default ./var).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="ingest complete bundles and detect incidents")
    ingest.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a bundle folder, or an inbox folder holding bundles",
    )
    ingest.set_defaults(handler=_ingest)

    detect = commands.add_parser(
        "detect",
        help="re-detect stored histories (after a policy change): every device, or those named",
        description="Judge every stored device's whole history again with the current policy and "
        "reconcile its incidents (reviews are kept). Safe to interrupt and run again.",
    )
    detect.add_argument(
        "--device", action="append", metavar="ID", help="only this device (repeatable)"
    )
    detect.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="processes that read and judge batches of devices "
        "(default: BODYCAM_GUARD_DETECT_WORKERS, 2)",
    )
    detect.set_defaults(handler=_detect)

    incidents = commands.add_parser("incidents", help="list incidents")
    incidents.add_argument(
        "--json", action="store_true", help="print a JSON array (incident.schema.json)"
    )
    incidents.add_argument("--device", metavar="ID", help="only this device")
    incidents.add_argument(
        "--kind",
        type=IncidentKind,
        choices=list(IncidentKind),
        metavar="K",
        help="only this kind, e.g. camera_off",
    )
    incidents.add_argument(
        "--status",
        type=IncidentStatus,
        choices=list(IncidentStatus),
        metavar="S",
        help="only this status, e.g. open",
    )
    incidents.set_defaults(handler=_incidents)

    tokens = commands.add_parser("tokens", help="API tokens for stations and scripts")
    token_commands = tokens.add_subparsers(dest="tokens_command", required=True, metavar="ACTION")
    create = token_commands.add_parser("create", help="create a token and print it once")
    create.add_argument("name", help="who or what uses it, e.g. AST-DOCK-03")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--unit", metavar="U", help="the unit a supervisor's token acts for")
    create.set_defaults(handler=_tokens_create)
    add_account_commands(commands)
    add_log_commands(commands)

    for plugin in entry_points(group="bodycam_guard.commands"):
        plugin.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from bodycam_guard.bootstrap import bootstrap
    from bodycam_guard.config import load_settings

    try:
        runtime = bootstrap(load_settings())
        handler: Handler = args.handler
        return handler(runtime, args)
    except BodycamGuardError as exc:
        print(f"bodycam-guard: {exc.diagnostics()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bodycam-guard: interrupted; nothing half-written is recorded", file=sys.stderr)
        return 130
