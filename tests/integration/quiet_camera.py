"""A quiet camera: shifts of nothing but routine footage, and scenarios that disturb it.

Each shift is one bundle: undock, recording started, twelve 100-second files back to
back (one run of routine footage, an inert battery line after every fourth), dock.
Each scenario adds, to one shift, what stops a run from being left unread by
incremental detection or reaches into one from another bundle (`scenario_bundles`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.media import MediaFacts
from bodycam_guard.domain.timeline import ReceivedFile
from tests.integration.synthetic_device import T0, SyntheticBundle

SHIFTS = 6
FILES = 12
"""Files per shift: one run of 12 members, an inert battery line after every fourth."""


Edit = Callable[["QuietCamera", SyntheticBundle, int], None]
"""Called before a shift's first file (n = -1) and after each of its files."""


class QuietCamera:
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


def quiet(camera: QuietCamera, bundle: SyntheticBundle, n: int) -> None:
    """A quiet shift."""


def member_path(bundles: list[SyntheticBundle], day: int, n: int) -> tuple[str, int]:
    """The file and file counter of the n-th segment line of a day's shift."""
    segments = [e for e in bundles[day].events if e.event == "segment"]
    path, file_seq = segments[n].str_field("file"), segments[n].int_field("file_seq")
    assert path is not None and file_seq is not None
    return path, file_seq


def _before_files(act: Callable[[QuietCamera, SyntheticBundle], None]) -> Edit:
    def edit(camera: QuietCamera, bundle: SyntheticBundle, n: int) -> None:
        if n == -1:
            act(camera, bundle)

    return edit


def _edit(name: str, day: int, bundles: list[SyntheticBundle]) -> Edit:
    """What the scenario changes in this day's shift."""
    start = T0 + timedelta(days=day, seconds=1)
    if day == 4 and name == "delete_later":
        path, file_seq = member_path(bundles, 1, 5)
        return _before_files(lambda c, b: c.line(b, start, "delete", file=path, file_seq=file_seq))
    if day == 4 and name == "delete_by_name":
        path, _ = member_path(bundles, 1, 5)
        return _before_files(lambda c, b: c.line(b, start, "delete", file=path, file_seq=9_999))
    if day == 4 and name == "name_reused":
        path, _ = member_path(bundles, 1, 8)

        def rename(camera: QuietCamera, bundle: SyntheticBundle, n: int) -> None:
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
        path, _ = member_path(bundles, 1, 7)
        return _before_files(lambda c, b: b.files.append(_file(b.name, path)))
    if day == 4 and name == "seq_restart":

        def restart(camera: QuietCamera, bundle: SyntheticBundle) -> None:
            camera.seq = 3 + FILES + FILES // 2  # the device's counter restarts into day 1's run

        return _before_files(restart)
    if day == 2 and name == "clock_corrected":

        def correct(camera: QuietCamera, bundle: SyntheticBundle) -> None:
            camera.offset_ms = 45_000
            camera.line(bundle, start, "time_sync", offset_ms=45_000)

        return _before_files(correct)
    if day == 3 and name == "reaches_back":

        def reach_back(camera: QuietCamera, bundle: SyntheticBundle, n: int) -> None:
            if n == 4:
                camera.back_s = 4_000  # before this shift's undock: into the time between shifts

        return reach_back
    if day == 4 and name == "counter_reused":
        _, reused = member_path(bundles, 1, 6)

        def reuse(camera: QuietCamera, bundle: SyntheticBundle, n: int) -> None:
            if n == 2:
                camera.segment(bundle, start + timedelta(seconds=2000), file_seq=reused)

        return reuse
    return quiet


def scenario_bundles(name: str, device: str) -> list[SyntheticBundle]:
    camera = QuietCamera(device)
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
