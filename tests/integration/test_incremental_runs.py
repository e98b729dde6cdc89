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

import random
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bodycam_guard.adapters.db.engine import make_engine, migrate, session_factory
from bodycam_guard.adapters.db.unit_of_work import SqlUnitOfWork
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.slice_runs import StoredRun
from bodycam_guard.services.detect import DetectionScope, detect_device
from bodycam_guard.services.detect_upload import detect_after_upload
from bodycam_guard.services.detection_slice import HistorySlice, NeedsFullDetection, plan_slice
from bodycam_guard.services.ports import UnitOfWorkFactory
from tests.integration.quiet_camera import (
    FILES,
    SCENARIOS,
    SHIFTS,
    QuietCamera,
    member_path,
    quiet,
    scenario_bundles,
)
from tests.integration.synthetic_device import (
    NOW,
    open_incidents,
    paired_stores,
    store_bundle,
)

POLICY = DetectionPolicy()
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
    bundles = scenario_bundles(scenario, device)
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
    for bundle in reversed(scenario_bundles(scenario, device)):
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
    bundles = scenario_bundles("quiet", device)
    for bundle in bundles:
        store_bundle(incremental, device, bundle)
        detect_after_upload(device, uow=incremental, policy=POLICY, clock=lambda: NOW)
    extra = QuietCamera(device)
    extra.seq, extra.file_seq = bundles[-1].events[-1].seq, SHIFTS * FILES
    store_bundle(incremental, device, extra.shift(SHIFTS, quiet))
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
    bundles = scenario_bundles("counter_reused", device)
    _, reused = member_path(bundles, 1, 6)
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
