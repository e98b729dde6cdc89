"""Incremental detection leaves the inner members of routine runs unread, and still ends where full detection does.

Quiet cameras record long runs of routine footage, so the slice read after each
upload holds most of its footage as routine rows (`domain.slice_runs`). Each
scenario then adds what must stop a run from being left unread, or what reaches
across bundles into one: a later `delete` naming a run's counter or only its
file, a later line naming a member's file again, a copy of a member's file stored
with a later bundle, a later line reusing a member's file counter or event counter, a clock correction arriving after the runs it moves,
lost lines and files between shifts, a member whose footage starts long before its
shift. Two stores get the same bundles in docking,
reversed and shuffled order; after every upload both hold the same open incidents.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bodycam_guard.adapters.db.engine import make_engine, migrate, session_factory
from bodycam_guard.adapters.db.unit_of_work import SqlUnitOfWork
from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.media import MediaFacts
from bodycam_guard.domain.slice_runs import StoredRun
from bodycam_guard.domain.timeline import ReceivedFile
from bodycam_guard.services.detect import DetectionScope, detect_device
from bodycam_guard.services.detect_upload import detect_after_upload
from bodycam_guard.services.detection_slice import HistorySlice, NeedsFullDetection, plan_slice
from bodycam_guard.services.ports import UnitOfWorkFactory
from tests.integration.synthetic_device import (
    NOW,
    T0,
    SyntheticBundle,
    open_incidents,
    paired_stores,
    store_bundle,
)

POLICY = DetectionPolicy()
SHIFTS = 6
FILES = 12
"""Files per shift: one run of 12 members, an inert battery line after every fourth."""


Edit = Callable[["_Quiet", SyntheticBundle, int], None]
"""Called before a shift's first file (n = -1) and after each of its files."""


class _Quiet:
    """A camera whose shifts are nothing but routine footage, unless a scenario says otherwise."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.seq = 0
        self.file_seq = 0
        self.offset_ms = 0
        self.back_s = 0.0
        """The next file starts this long before the previous one ends (its footage reaches back)."""

    def shift(self, day: int, edit: Edit) -> SyntheticBundle:
        name = f"{self.device}_{day}"
        start = T0 + timedelta(days=day)
        bundle = SyntheticBundle(name=name, docked_at=start)
        self.line(bundle, start, "undock", station_id="ST-1", officer_id="OFF-1")
        self.line(bundle, start + timedelta(seconds=1), "record_start", trigger="button")
        edit(self, bundle, -1)  # before the first file
        t = start + timedelta(seconds=2)
        for n in range(FILES):
            self.segment(bundle, t)
            t += timedelta(seconds=100)
            if n % 4 == 3:
                self.line(bundle, t, "battery", level=90 - n)
            edit(self, bundle, n)
        self.line(bundle, t + timedelta(seconds=5), "dock", station_id="ST-1")
        bundle.docked_at = t + timedelta(seconds=10)
        return bundle

    def line(self, bundle: SyntheticBundle, ref: Any, event: str, **fields: Any) -> None:
        self.seq += 1
        bundle.events.append(
            DeviceEvent(
                seq=self.seq,
                ts=ref + timedelta(milliseconds=self.offset_ms),
                event=event,
                fields=fields,
                line=len(bundle.events) + 1,
            )
        )

    def segment(self, bundle: SyntheticBundle, start: Any, *, file_seq: int | None = None) -> str:
        if file_seq is None:
            self.file_seq += 1
            file_seq = self.file_seq
        path = f"media/{self.device}_{file_seq:06d}_{len(bundle.events)}.mp4"
        back, self.back_s = self.back_s, 0.0
        self.line(
            bundle,
            start + timedelta(seconds=100),
            "segment",
            file=path,
            file_seq=file_seq,
            start=(start + timedelta(seconds=-back, milliseconds=self.offset_ms)).isoformat(),
            end=(start + timedelta(seconds=100, milliseconds=self.offset_ms)).isoformat(),
            bytes=1000,
        )
        bundle.files.append(_file(bundle.name, path, span_s=99.8 + back))
        return path


def _file(bundle: str, path: str, *, span_s: float = 99.8) -> ReceivedFile:
    digest = hashlib.sha256(path.encode()).hexdigest()
    media = MediaFacts("mov,mp4,m4a,3gp,3g2,mj2", None, span_s, span_s, (), 10, 10)
    return ReceivedFile(bundle, path, digest, 1000, digest, media)


def _nothing(camera: _Quiet, bundle: SyntheticBundle, n: int) -> None:
    """A quiet shift."""


def _member_path(bundles: list[SyntheticBundle], day: int, n: int) -> tuple[str, int]:
    """The file and file counter of the n-th segment line of a day's shift."""
    segments = [e for e in bundles[day].events if e.event == "segment"]
    path, file_seq = segments[n].str_field("file"), segments[n].int_field("file_seq")
    assert path is not None and file_seq is not None
    return path, file_seq


def _before_files(act: Callable[[_Quiet, SyntheticBundle], None]) -> Edit:
    def edit(camera: _Quiet, bundle: SyntheticBundle, n: int) -> None:
        if n == -1:
            act(camera, bundle)

    return edit


def _edit(name: str, day: int, bundles: list[SyntheticBundle]) -> Edit:
    """What the scenario changes in this day's shift."""
    start = T0 + timedelta(days=day, seconds=1)
    if day == 4 and name == "delete_later":
        path, file_seq = _member_path(bundles, 1, 5)
        return _before_files(lambda c, b: c.line(b, start, "delete", file=path, file_seq=file_seq))
    if day == 4 and name == "delete_by_name":
        path, _ = _member_path(bundles, 1, 5)
        return _before_files(lambda c, b: c.line(b, start, "delete", file=path, file_seq=9_999))
    if day == 4 and name == "name_reused":
        path, _ = _member_path(bundles, 1, 8)

        def rename(camera: _Quiet, bundle: SyntheticBundle, n: int) -> None:
            if n == 3:
                camera.file_seq += 1
                camera.line(
                    bundle,
                    start + timedelta(seconds=900),
                    "segment",
                    file=path,
                    file_seq=camera.file_seq,
                    start=(start + timedelta(seconds=800)).isoformat(),
                    end=(start + timedelta(seconds=900)).isoformat(),
                    bytes=1000,
                )  # a file name used again; its file never arrives

        return rename
    if day == 4 and name == "copy_stored_later":
        path, _ = _member_path(bundles, 1, 7)
        return _before_files(lambda c, b: b.files.append(_file(b.name, path)))
    if day == 4 and name == "seq_restart":

        def restart(camera: _Quiet, bundle: SyntheticBundle) -> None:
            camera.seq = 3 + FILES + FILES // 2  # the device's counter restarts into day 1's run

        return _before_files(restart)
    if day == 2 and name == "clock_corrected":

        def correct(camera: _Quiet, bundle: SyntheticBundle) -> None:
            camera.offset_ms = 45_000
            camera.line(bundle, start, "time_sync", offset_ms=45_000)

        return _before_files(correct)
    if day == 3 and name == "reaches_back":

        def reach_back(camera: _Quiet, bundle: SyntheticBundle, n: int) -> None:
            if n == 4:
                camera.back_s = 4_000  # before this shift's undock: into the time between shifts

        return reach_back
    if day == 4 and name == "counter_reused":
        _, reused = _member_path(bundles, 1, 6)

        def reuse(camera: _Quiet, bundle: SyntheticBundle, n: int) -> None:
            if n == 2:
                camera.segment(bundle, start + timedelta(seconds=2000), file_seq=reused)

        return reuse
    return _nothing


def _scenario(name: str, device: str) -> list[SyntheticBundle]:
    camera = _Quiet(device)
    bundles: list[SyntheticBundle] = []
    for day in range(SHIFTS):
        if day in (2, 4) and name == "lost_between":
            camera.seq += 2
            camera.file_seq += 1
        bundles.append(camera.shift(day, _edit(name, day, bundles)))
    return bundles


SCENARIOS = (
    "quiet",
    "delete_later",
    "delete_by_name",
    "name_reused",
    "counter_reused",
    "seq_restart",
    "copy_stored_later",
    "clock_corrected",
    "lost_between",
    "reaches_back",
)
ORDERS = ("docking", "reversed", "shuffled")
FALLS_BACK = frozenset(
    {
        "counter_reused",
        "seq_restart",
        "copy_stored_later",
        "name_reused",
        "delete_later",
        "delete_by_name",
    }
)
"""Where the planner rightly asks for full detection: a counter or file name used twice, or a
`delete` of a file received in a bundle far outside the slice."""


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[UnitOfWorkFactory, UnitOfWorkFactory]]:
    """An incremental and a full store, shared by the module: each test uses its own camera."""
    yield from paired_stores(tmp_path_factory.mktemp("run-stores"))


def _plan(uow: UnitOfWorkFactory, device: str) -> HistorySlice | None:
    with uow() as work:
        plan = plan_slice(work.slices, device, policy=POLICY, now=NOW)
    return plan if isinstance(plan, HistorySlice) else None


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_slices_with_unread_runs_end_where_full_detection_does(
    stores: tuple[UnitOfWorkFactory, UnitOfWorkFactory], scenario: str, order: str
) -> None:
    incremental, full = stores
    device = f"QUIET-{scenario}-{order}"
    bundles = _scenario(scenario, device)
    arrival = list(reversed(bundles)) if order == "reversed" else list(bundles)
    if order == "shuffled":
        random.Random(scenario).shuffle(arrival)
    unread = 0
    for bundle in arrival:
        store_bundle(incremental, device, bundle)
        plan = _plan(incremental, device)
        unread += plan.history.routine.segments if plan is not None else 0
        report = detect_after_upload(device, uow=incremental, policy=POLICY, clock=lambda: NOW)
        store_bundle(full, device, bundle)
        detect_device(device, uow=full, policy=POLICY, clock=lambda: NOW)
        assert open_incidents(incremental, device) == open_incidents(full, device), (
            bundle.name,
            report.note,
        )
        if order == "docking" and scenario not in FALLS_BACK:
            assert report.scope is DetectionScope.AFTER_UPLOAD, report.note
    assert unread > 0  # the slices did leave runs unread


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_leaving_inner_members_unread_changes_no_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: str
) -> None:
    """After each upload (reversed order: history arrives out of order) the plan reads the
    same affected range, or asks for full detection for the same reason, as when every line
    is read."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.sqlite'}")
    migrate(engine)
    uow = partial(SqlUnitOfWork, session_factory(engine))
    device = f"PLAN-{scenario}"
    for bundle in reversed(_scenario(scenario, device)):
        store_bundle(uow, device, bundle)
        with uow() as work:
            lite = plan_slice(work.slices, device, policy=POLICY, now=NOW)
            with monkeypatch.context() as whole:
                whole.setattr(StoredRun, "leaves_inner", lambda self, *, tolerance_s: False)
                read_whole = plan_slice(work.slices, device, policy=POLICY, now=NOW)
        assert _outline(lite) == _outline(read_whole), bundle.name
        detect_after_upload(device, uow=uow, policy=POLICY, clock=lambda: NOW)
    engine.dispose()


def _outline(plan: HistorySlice | NeedsFullDetection | None) -> Any:
    if isinstance(plan, HistorySlice):
        return plan.range, plan.bundles, plan.new_bundles
    return plan


def test_a_quiet_upload_reads_only_the_edges_of_its_runs(
    stores: tuple[UnitOfWorkFactory, UnitOfWorkFactory],
) -> None:
    incremental, _ = stores
    device = "QUIET-edges"
    bundles = _scenario("quiet", device)
    for bundle in bundles:
        store_bundle(incremental, device, bundle)
        detect_after_upload(device, uow=incremental, policy=POLICY, clock=lambda: NOW)
    extra = _Quiet(device)
    extra.seq, extra.file_seq = bundles[-1].events[-1].seq, SHIFTS * FILES
    store_bundle(incremental, device, extra.shift(SHIFTS, _nothing))
    plan = _plan(incremental, device)
    assert plan is not None
    segment_lines = [e for e in plan.history.events if e.event.event == "segment"]
    # Each shift read is one run of 12: its first and last member lines, the 10 between as a row.
    assert plan.history.routine.segments == (FILES - 2) * plan.bundles
    assert len(segment_lines) == 2 * plan.bundles
    assert len(plan.history.files) == 2 * plan.bundles


def test_a_reused_counter_makes_the_slice_read_that_run_whole(
    stores: tuple[UnitOfWorkFactory, UnitOfWorkFactory],
) -> None:
    incremental, _ = stores
    device = "QUIET-crowded"
    bundles = _scenario("counter_reused", device)
    _, reused = _member_path(bundles, 1, 6)
    for bundle in bundles[:4]:
        store_bundle(incremental, device, bundle)
        detect_after_upload(device, uow=incremental, policy=POLICY, clock=lambda: NOW)
    store_bundle(incremental, device, bundles[4])
    plan = _plan(incremental, device)
    assert plan is not None
    read = {
        e.event.int_field("file_seq") for e in plan.history.events if e.bundle == bundles[1].name
    }
    assert reused in read  # day 1's run holding the reused counter was read line by line
    routine = plan.history.routine
    inside = (routine.file_seq_lo <= reused) & (routine.file_seq_hi >= reused)
    assert not inside.any()
