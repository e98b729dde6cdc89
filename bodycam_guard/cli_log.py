"""`bodycam-guard checkpoint|log-key|verify|export`: the transparency log and evidence bags.

Heavy modules (database, hashing, bagging) are imported inside the handlers, so the
command line answers `--help` at once.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bodycam_guard.cli_progress import StageProgress
from bodycam_guard.domain.rfc3339 import parse_rfc3339

if TYPE_CHECKING:
    from bodycam_guard.bootstrap import Runtime


def _checkpoint(rt: Runtime, _args: argparse.Namespace) -> int:
    from bodycam_guard.services.timestamp_checkpoints import publish_timestamped_checkpoint

    # Signs a new checkpoint only if the log grew since the last one (or none exists yet);
    # with BODYCAM_GUARD_TSA_URL, timestamps what has no timestamp yet (a failure is logged).
    head = publish_timestamped_checkpoint(uow=rt.uow, signer=rt.signer, clock=rt.clock, tsa=rt.tsa)
    sys.stdout.write(head.note)
    return 0


def _log_key(rt: Runtime, _args: argparse.Namespace) -> int:
    print(rt.signer.verifier_key())
    return 0


def _verify(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.services.verify_store import verify_store

    held = [
        (f"checkpoint file {path}", path.read_text(encoding="utf-8")) for path in args.checkpoint
    ]
    progress = StageProgress(sys.stderr)
    report = verify_store(
        uow=rt.uow, blobs=rt.blobs, signer=rt.signer, auditor_checkpoints=held, progress=progress
    )
    progress.clear()
    for failure in report.failures:
        print(failure.line())
    summary = (
        f"{report.blobs} blobs, {report.leaves} leaves (root {report.root.hex()}), "
        f"{report.devices} device chains, {report.checkpoints} checkpoints"
    )
    if report.failures:
        print(f"INVALID: {len(report.failures)} failures; checked {summary}")
        return 1
    print(f"VALID: checked {summary}")
    return 0


def _export(rt: Runtime, args: argparse.Namespace) -> int:
    from bodycam_guard.services.export_case import export_case

    done = export_case(
        device_id=args.device,
        start=args.start,
        end=args.end,
        out=args.out,
        uow=rt.uow,
        blobs=rt.blobs,
        signer=rt.signer,
        clock=rt.clock,
        tsa=rt.tsa,
    )
    print(
        f"wrote {done.bag}: {done.segments} segments, {done.device_logs} device logs, "
        f"{done.leaves} leaves proven in the tree of size {done.checkpoint_size}"
    )
    print(f"check it with: bodycam-verify {done.bag} --log-key {rt.signer.verifier_key()}")
    return 0


def _time(text: str) -> datetime:
    try:
        return parse_rfc3339(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_log_commands(commands: Any) -> None:
    """`checkpoint`, `log-key`, `verify` and `export`: the transparency log and evidence."""
    commands.add_parser(
        "checkpoint", help="print the latest signed checkpoint (C2SP note)"
    ).set_defaults(handler=_checkpoint)
    commands.add_parser(
        "log-key", help="print the log's verifier key, for auditors' bodycam-verify --log-key"
    ).set_defaults(handler=_log_key)
    verify = commands.add_parser(
        "verify", help="re-hash every blob, recompute every chain and the log, check checkpoints"
    )
    verify.add_argument(
        "--checkpoint",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="also check an older signed checkpoint held outside the server (repeatable)",
    )
    verify.set_defaults(handler=_verify)
    export = commands.add_parser("export", help="write a BagIt evidence bag of a device's footage")
    export.add_argument(
        "--device", required=True, metavar="ID", help="the device, e.g. KZ-AST-0001"
    )
    export.add_argument(
        "--from", dest="start", required=True, type=_time, metavar="T", help="RFC 3339 time"
    )
    export.add_argument(
        "--to", dest="end", required=True, type=_time, metavar="T", help="RFC 3339 time"
    )
    export.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="the bag to create (must not exist)"
    )
    export.set_defaults(handler=_export)
