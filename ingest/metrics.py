"""Counters of the scheduled jobs, exported on /metrics (one registry per process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

JOBS = CollectorRegistry(auto_describe=True)
"""The scheduled jobs' counters; kept apart from the default registry so tests stay isolated."""

JOB_RUNS = Counter(
    "bodycam_guard_job_runs", "Scheduled job runs started, by job.", ["job"], registry=JOBS
)
JOB_FAILURES = Counter(
    "bodycam_guard_job_failures", "Scheduled job runs that raised, by job.", ["job"], registry=JOBS
)
TIMESTAMP_FAILURES = Counter(
    "bodycam_guard_checkpoint_timestamp_failures",
    "Requests to the RFC 3161 time-stamping authority that gave no usable timestamp.",
    registry=JOBS,
)
