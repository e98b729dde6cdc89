"""`bodycam-verify BAG --log-key VKEY [--checkpoint OLD] [--tsa-ca PEM]`: offline evidence check.

Prints one line per check (`ok   …` or `FAIL …: expected X, found Y`), then a
verdict. Exit status: 0 the bag is valid, 1 any check failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509

from verifier.errors import VerificationError
from verifier.evidence import check_evidence
from verifier.note import parse_verifier_key
from verifier.rfc3161 import check_bag_timestamp, load_anchors

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
    parser.add_argument(
        "--tsa-ca",
        type=Path,
        help="PEM certificates of the time-stamping authority's CA: the bag's checkpoint "
        "must carry an RFC 3161 timestamp (bodycam-guard/checkpoint.tsr) that chains to one",
    )
    return parser


def _tsa_anchors(path: Path | None) -> list[x509.Certificate] | None:
    """The --tsa-ca certificates; OSError or ValueError when the file is unreadable or not PEM."""
    return None if path is None else load_anchors(path)


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
    option = "--checkpoint"
    try:
        if args.checkpoint is not None:
            old_note = args.checkpoint.read_text(encoding="utf-8")
        option = "--tsa-ca"
        anchors = _tsa_anchors(args.tsa_ca)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        print(f"bodycam-verify: {option}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    results = check_evidence(args.bag, key, old_note)
    results += check_bag_timestamp(args.bag / "bodycam-guard", anchors)
    for result in results:
        print(result.line())
    failed = sum(not result.ok for result in results)
    if failed:
        print(f"INVALID: {failed} of {len(results)} checks failed")
        return EXIT_INVALID
    print(f"VALID: all {len(results)} checks passed")
    return EXIT_VALID
