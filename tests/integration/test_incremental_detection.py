"""Incremental detection after each upload ends where full detection does.

Two stores get the same synthetic camera's bundles one at a time, in docking order,
shuffled, or in reverse: one runs `detect_after_upload` after each, the other full
detection. After every upload both hold exactly the same open incidents: ids, kinds,
severities, officers, times and evidence. Seeds pin each camera (synthetic_device).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.incidents import DetectionPolicy, IncidentFilter
from bodycam_guard.domain.media import MediaFacts
from bodycam_guard.domain.timeline import ReceivedFile
from bodycam_guard.services.detect import DetectionScope, detect_device
from bodycam_guard.services.detect_upload import detect_after_upload
from bodycam_guard.services.ports import UnitOfWorkFactory
from tests.integration.synthetic_device import (
    NOW,
    T0,
    SyntheticBundle,
    open_incidents,
    paired_stores,
    store_bundle,
    synthetic_device,
)

POLICY = DetectionPolicy()
SEEDS = range(30)
ORDERS = ("docking", "shuffled", "reversed")


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[UnitOfWorkFactory, UnitOfWorkFactory]]:
    """An incremental and a full store, shared by the module: each test uses its own camera."""
    yield from paired_stores(tmp_path_factory.mktemp("stores"))


def _arrival(bundles: list[Any], order: str, seed: int) -> list[Any]:
    if order == "shuffled":
        shuffled = list(bundles)
        random.Random(seed).shuffle(shuffled)
        return shuffled
    return list(reversed(bundles)) if order == "reversed" else list(bundles)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("seed", SEEDS)
def test_incremental_detection_ends_where_full_detection_does(
    stores: tuple[UnitOfWorkFactory, UnitOfWorkFactory], seed: int, order: str
) -> None:
    incremental, full = stores
    device = f"CAM-{order}-{seed:03d}"
    bundles, duties = synthetic_device(seed, device)
    for uow in stores:
        with uow() as work:
            work.rosters.add(duties, NOW)
            work.commit()
        detect_device(device, uow=uow, policy=POLICY, clock=lambda: NOW)
    scopes = []
    for bundle in _arrival(bundles, order, seed):
        store_bundle(incremental, device, bundle)
        report = detect_after_upload(device, uow=incremental, policy=POLICY, clock=lambda: NOW)
        scopes.append((report.scope, report.note))
        store_bundle(full, device, bundle)
        detect_device(device, uow=full, policy=POLICY, clock=lambda: NOW)
        assert open_incidents(incremental, device) == open_incidents(full, device), (
            bundle.name,
            report.note,
        )
    if order == "docking":  # the common case never needs the fallback
        assert all(scope is DetectionScope.AFTER_UPLOAD for scope, _ in scopes), scopes


def _line(seq: int, t: float, event: str, **fields: Any) -> DeviceEvent:
    return DeviceEvent(seq=seq, ts=T0 + timedelta(seconds=t), event=event, fields=fields, line=seq)


def _file(bundle: str, n: int) -> ReceivedFile:
    media = MediaFacts("mp4", None, 100.0, 100.0, (), 1, 1)
    return ReceivedFile(bundle, f"media/{n}.mp4", f"{n:064x}", 1, f"{n:064x}", media)


def _shift(name: str, first_seq: int, start: float, file_seqs: list[int]) -> SyntheticBundle:
    """Undock, one 100 s file per counter back to back, dock; no file received yet."""
    lines = [_line(first_seq, start, "undock", station_id="S", officer_id="OFF-1")]
    for n, file_seq in enumerate(file_seqs):
        begin = T0 + timedelta(seconds=start + 1 + 100 * n)
        lines.append(
            _line(
                first_seq + 1 + n,
                start + 1 + 100 * (n + 1),
                "segment",
                file=f"media/{file_seq}.mp4",
                file_seq=file_seq,
                start=begin.isoformat(),
                end=(begin + timedelta(seconds=100)).isoformat(),
                bytes=1,
            )
        )
    end = start + 2 + 100 * len(file_seqs)
    lines.append(_line(first_seq + 1 + len(file_seqs), end, "dock", station_id="S"))
    return SyntheticBundle(name=name, docked_at=T0 + timedelta(seconds=end), events=lines)


def test_a_late_file_and_a_counter_skip_across_bundles_are_judged_incrementally(
    stores: tuple[UnitOfWorkFactory, UnitOfWorkFactory],
) -> None:
    incremental, _ = stores
    device = "CAM-LATE"
    first = _shift(f"{device}_1", 1, 0, [1, 2, 3])
    first.files = [_file(first.name, 1), _file(first.name, 2)]  # file 3 held back
    second = _shift(f"{device}_2", 10, 3600, [5, 6])  # file 4 never written: a skip
    second.files = [_file(second.name, 3), _file(second.name, 5), _file(second.name, 6)]

    def kinds() -> list[str]:
        with incremental() as work:
            found = work.incidents.list(IncidentFilter(device_id=device))
        return sorted(i.kind.value for i in found)

    store_bundle(incremental, device, first)
    detect_after_upload(device, uow=incremental, policy=POLICY, clock=lambda: NOW)
    assert kinds() == ["footage_missing"]
    store_bundle(incremental, device, second)
    report = detect_after_upload(device, uow=incremental, policy=POLICY, clock=lambda: NOW)
    assert report.scope is DetectionScope.AFTER_UPLOAD, report.note
    assert report.retracted == 1  # file 3 arrived
    assert kinds() == ["file_counter_gap", "log_gap"]  # lines 6..9 and file 4 missing
