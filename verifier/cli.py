"""`bodycam-verify BAG --log-key VKEY [--checkpoint OLD_CHECKPOINT_FILE]`: offline evidence check.

Prints one line per check (`ok   …` or `FAIL …: expected X, found Y`), then a
verdict. Exit status: 0 the bag is valid, 1 any check failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from verifier.errors import VerificationError
from verifier.evidence import check_evidence
from verifier.note import parse_verifier_key

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bodycam-verify",
        description="Verify a bodycam-guard evidence bag offline, against the log's key.",
    )
    parser.add_argument("bag", type=Path, help="the evidence bag (a BagIt directory)")
    parser.add_argument(
        "--log-key", required=True, help="the log's verifier key, obtained out of band"
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        help="an older signed checkpoint you trust: the bag's log must extend it",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on usage errors and --help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        key = parse_verifier_key(args.log_key)
    except VerificationError as exc:
        print(f"bodycam-verify: --log-key: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.bag.is_dir():
        print(f"bodycam-verify: {args.bag}: not a directory", file=sys.stderr)
        return EXIT_USAGE
    old_note = None
    if args.checkpoint is not None:
        try:
            old_note = args.checkpoint.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"bodycam-verify: --checkpoint: {exc}", file=sys.stderr)
            return EXIT_USAGE
    results = check_evidence(args.bag, key, old_note)
    for result in results:
        print(result.line())
    failed = sum(not result.ok for result in results)
    if failed:
        print(f"INVALID: {failed} of {len(results)} checks failed")
        return EXIT_INVALID
    print(f"VALID: all {len(results)} checks passed")
    return EXIT_VALID
