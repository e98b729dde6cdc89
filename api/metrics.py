"""`/metrics` (Prometheus text format) and the request timing that feeds it.

Stored totals (bundles ingested and rejected, bytes hashed, incidents by kind)
are read from the database at scrape time, so every API and ingest process
reports the same numbers; request latencies and job counters are per process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import RuntimeDep
from bodycam_guard.bootstrap import Runtime
from bodycam_guard.services.store_stats import store_totals
from ingest.metrics import JOBS

_logger = logging.getLogger("api.access")
router = APIRouter(tags=["observability"])


class StoredTotals(Collector):
    """Totals over the store, queried at each scrape."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        """The store's totals now."""
        totals = store_totals(uow=self._rt.uow, quarantine=self._rt.settings.quarantine)
        bundles = CounterMetricFamily(
            "bodycam_guard_bundles", "Dock bundles taken in, by outcome.", labels=["outcome"]
        )
        bundles.add_metric(["ingested"], totals.bundles_ingested)
        bundles.add_metric(["rejected"], totals.bundles_rejected)
        yield bundles
        yield CounterMetricFamily(
            "bodycam_guard_bytes_hashed", "Bytes hashed while storing.", value=totals.bytes_hashed
        )
        incidents = GaugeMetricFamily(
            "bodycam_guard_incidents", "Incidents by kind and status.", labels=["kind", "status"]
        )
        for (kind, status), n in sorted(totals.incidents.items()):
            incidents.add_metric([kind, status], n)
        yield incidents


def install_metrics(app: FastAPI, runtime: Runtime) -> None:
    """Give `app` its registry, the request timer and the access log."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoredTotals(runtime))
    latency = Histogram(
        "bodycam_guard_http_request_duration_seconds",
        "HTTP request latency, by route template.",
        ["method", "route", "status"],
        registry=registry,
        buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    )
    app.state.metrics = registry
    app.add_middleware(RequestTimer, latency=latency)


class RequestTimer:
    """Times each HTTP request into the histogram and writes its access-log line.

    Plain ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs
    every request through an extra task and memory streams, a large share of a fast request.
    The time runs until the answer is fully sent.
    """

    def __init__(self, app: ASGIApp, *, latency: Histogram) -> None:
        self._app = app
        self._latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, noting the status it is answered with."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self._app(scope, receive, noting_status)
        elapsed = time.perf_counter() - started
        # The router puts the matched route into the (shared) scope.
        template = getattr(scope.get("route"), "path", "unmatched")
        method = scope["method"]
        self._latency.labels(method, template, str(status)).observe(elapsed)
        _logger.info(
            "%s %s %d",
            method,
            template,
            status,
            extra={
                "method": method,
                "route": template,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
            },
        )


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, _runtime: RuntimeDep) -> Response:
    """Prometheus metrics, public by design (no incident content, only counts)."""
    registry: CollectorRegistry = request.app.state.metrics
    body = generate_latest(registry) + generate_latest(JOBS)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
