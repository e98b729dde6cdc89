"""`bodycam-guard serve`: the API, the web page, the ingest daemon and its jobs.

In one process by default; with `--workers N`, N uvicorn worker processes answer
requests while the ingest daemon and its jobs run once, in the parent.

Kept light: the web framework is imported only when the command runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bodycam_guard.bootstrap import Runtime


def _serve(runtime: Runtime, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from bodycam_guard.adapters.json_logs import logging_config
    from ingest.daemon import start_scheduler

    scheduler = start_scheduler(runtime)
    try:
        print(
            f"bodycam-guard serving on http://{args.host}:{args.port} "
            f"(inbox {runtime.settings.inbox})",
            flush=True,
        )
        if args.workers > 1:
            # Each worker builds its own app from the environment; the scheduler stays here,
            # so exactly one process runs the jobs.
            uvicorn.run(
                "api.app:worker_app",
                factory=True,
                workers=args.workers,
                host=args.host,
                port=args.port,
                log_config=logging_config(),
            )
        else:
            uvicorn.run(
                create_app(runtime), host=args.host, port=args.port, log_config=logging_config()
            )
    finally:
        scheduler.shutdown(wait=True)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, found {text!r}")
    return value


def add_serve_command(commands: Any) -> None:
    """Contribute `bodycam-guard serve [--host H] [--port P] [--workers N]`."""
    parser = commands.add_parser("serve", help="run the API, web page, ingest daemon and jobs")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="API processes (default 1); the jobs run once, in this process",
    )
    parser.set_defaults(handler=_serve)
