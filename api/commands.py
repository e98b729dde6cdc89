"""`bodycam-guard serve`: the API, the web page, the ingest daemon and its jobs in one process.

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
        uvicorn.run(
            create_app(runtime), host=args.host, port=args.port, log_config=logging_config()
        )
    finally:
        scheduler.shutdown(wait=True)
    return 0


def add_serve_command(commands: Any) -> None:
    """Contribute `bodycam-guard serve [--host H] [--port P]`."""
    parser = commands.add_parser("serve", help="run the API, web page, ingest daemon and jobs")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.set_defaults(handler=_serve)
