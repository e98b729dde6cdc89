"""The FastAPI application: built from a runtime, never at import time."""

from __future__ import annotations

from fastapi import FastAPI

from api.routes import bundles, health, incidents, log, reports
from api.supervision import install_supervision
from bodycam_guard.bootstrap import Runtime, bootstrap
from bodycam_guard.config import load_settings
from bodycam_guard.services.sessions import RecentTokens


def create_app(runtime: Runtime) -> FastAPI:
    """The HTTP API over one runtime."""
    app = FastAPI(
        title="bodycam-guard", version="1", docs_url="/api/docs", openapi_url="/api/openapi.json"
    )
    app.state.runtime = runtime
    app.state.tokens = RecentTokens(uow=runtime.uow)
    app.include_router(health.router)
    app.include_router(incidents.router)
    install_supervision(app, runtime)
    app.include_router(log.router)
    app.include_router(reports.router)
    app.include_router(bundles.router)
    return app


def worker_app() -> FastAPI:
    """The API of one `serve --workers N` process: its own runtime from the environment.

    Workers only answer requests: the scheduler (inbox, checkpoints, fixity) runs in the
    process that started them, and half-written blobs are that process's to sweep.
    """
    return create_app(bootstrap(load_settings(), sweep_incoming=False))
