"""Use case: re-detect a region: every stored device's whole history judged again.

After a change of policy (tolerance, thresholds) or of the detector itself, an admin
re-runs detection over everything the region holds. Bundles stored before runs of
routine footage were kept get theirs first. Then devices are taken in batches: a
batch is read and judged (`judge_batch`: segment facts read as columns for the
whole batch, routine segments kept as columns (`domain.routine_footage`), the rest
of each history read as objects), and its incidents are reconciled as full
detection does, in a transaction of its own. Judging only reads, so it may run in
worker processes (`Judge`) while the batches before are written; a batch whose
devices got a new bundle in between is judged again inside its writing transaction.
A crash loses at most the batches not yet written, and running again gives the
same incidents (reconciliation is idempotent).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from bodycam_guard.domain.detector import detect
from bodycam_guard.domain.errors import NotFoundError
from bodycam_guard.domain.incidents import DetectionPolicy, Finding
from bodycam_guard.services.detect import read_region
from bodycam_guard.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

BATCH_DEVICES = 32
"""Devices read and judged together: enough to amortise each query, few enough to bound memory."""

Progress = Callable[[str, int, int], None]
"""Called after each batch with (stage, devices done, devices in all).

Stages: "runs summarised" (bundles stored before runs were kept get theirs first),
then "devices re-detected".
"""


@dataclass(frozen=True, slots=True)
class RegionReport:
    """What one re-detection of a region found and changed."""

    devices: int
    segments: int
    routine: int
    """Segments read as columns only."""
    findings: int
    new: int
    retracted: int
    seconds: float


@dataclass(frozen=True, slots=True)
class JudgedBatch:
    """A batch of devices read and judged, not yet written."""

    devices: tuple[str, ...]
    findings: dict[str, list[Finding]]
    latest_bundles: dict[str, int]
    """Each device's newest bundle when it was read: a newer one makes the judgement stale."""
    segments: int
    routine: int


Judge = Callable[[Sequence[Sequence[str]], DetectionPolicy, datetime], Iterator[JudgedBatch]]
"""Judges batches of devices, yielding them in the order given (in worker processes, say)."""


def judge_batch(
    work: UnitOfWork, devices: Sequence[str], *, policy: DetectionPolicy, now: datetime
) -> JudgedBatch:
    """Read and judge these devices' whole histories; nothing is written."""
    latest = work.regions.latest_bundles(devices)
    read = read_region(work, devices, policy=policy, build_runs=False)
    return JudgedBatch(
        devices=tuple(devices),
        findings={d: detect(h, policy, now=now) for d, h in read.histories.items()},
        latest_bundles=latest,
        segments=read.segments,
        routine=read.routine,
    )


def judge_in_process(uow: UnitOfWorkFactory) -> Judge:
    """A judge that reads each batch in this process, one transaction per batch."""

    def judge(
        batches: Sequence[Sequence[str]], policy: DetectionPolicy, now: datetime
    ) -> Iterator[JudgedBatch]:
        for devices in batches:
            with uow() as work:
                yield judge_batch(work, devices, policy=policy, now=now)

    return judge


def redetect_region(
    *,
    uow: UnitOfWorkFactory,
    policy: DetectionPolicy,
    clock: Clock,
    devices: Sequence[str] | None = None,
    batch: int = BATCH_DEVICES,
    progress: Progress | None = None,
    judge: Judge | None = None,
) -> RegionReport:
    """Re-detect these devices (every stored device when None), reconciling all their incidents.

    `judge` reads and judges the batches (by default, and for a single batch, in this
    process: `judge_in_process`).
    """
    began = time.perf_counter()
    with uow() as work:
        stored = work.regions.devices()
    if devices is None:
        devices = stored
    elif unknown := sorted(set(devices) - set(stored)):
        raise NotFoundError(f"no bundle stored for device {', '.join(unknown)}")
    batches = [devices[n : n + batch] for n in range(0, len(devices), batch)]
    summarised = 0
    for chosen in batches:  # summarising runs writes: done here, before any judging
        with uow() as work:
            if work.regions.build_runs(chosen):
                work.commit()
        summarised += len(chosen)
        if progress is not None:
            progress("runs summarised", summarised, len(devices))
    now = clock()
    totals = dict.fromkeys(("segments", "routine", "findings", "new", "retracted"), 0)
    done = 0
    if judge is None or len(batches) < 2:  # one batch: starting workers would cost more
        judge = judge_in_process(uow)
    for ready in judge(batches, policy, now):
        with uow() as work:
            judged = ready
            if work.regions.latest_bundles(ready.devices) != ready.latest_bundles:
                judged = judge_batch(work, ready.devices, policy=policy, now=now)
            new, retracted = work.incidents.reconcile_devices(judged.findings, policy, now)
            work.bundles.mark_detected(*judged.devices)
            work.commit()
        totals["segments"] += judged.segments
        totals["routine"] += judged.routine
        totals["findings"] += sum(len(f) for f in judged.findings.values())
        totals["new"] += new
        totals["retracted"] += retracted
        done += len(judged.devices)
        if progress is not None:
            progress("devices re-detected", done, len(devices))
    return RegionReport(devices=len(devices), seconds=time.perf_counter() - began, **totals)
