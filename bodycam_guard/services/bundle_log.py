"""A device's bundles in log order, their lines read on demand (incremental detection).

The slice planner (`services.detection_slice`) walks outwards from the new bundles
and asks for lines, duty marks and files bundle by bundle; this reads them a few
bundles at a time and keeps them. A bundle is read without the inner members of its
runs of routine footage (`domain.slice_runs`) unless it is read whole.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from bodycam_guard.domain.detection_range import StoredBundle
from bodycam_guard.domain.device_log import NAMES_A_FILE, DeviceEvent
from bodycam_guard.domain.slice_runs import StoredRun
from bodycam_guard.domain.timeline import ReceivedFile
from bodycam_guard.services.ports import HistorySlices

READ_AHEAD = 3
"""Bundles read either side of one the planner reaches for first."""


class BundleLog:
    """A device's bundles in log order, their lines read on demand and kept."""

    def __init__(
        self,
        slices: HistorySlices,
        bundles: Sequence[StoredBundle],
        *,
        tolerance_s: float,
    ) -> None:
        self.slices = slices
        self.bundles = bundles
        self.tolerance_s = tolerance_s
        self.position = {b.id: n for n, b in enumerate(bundles)}
        self.names = {b.id: b.name for b in bundles}
        self.id_of = {b.name: b.id for b in bundles}
        self._lines: dict[int, tuple[DeviceEvent, ...]] = {}
        self._runs: dict[int, list[StoredRun]] = {}
        self._files: dict[int, list[tuple[int, ReceivedFile]]] = {}
        self._marks: dict[int, list[str]] = {}

    @property
    def last(self) -> int:
        return len(self.bundles) - 1

    def load(self, positions: Iterable[int], *, whole: bool = False) -> None:
        """Read these bundles' lines; `whole`: every line, inner members of runs too."""
        wanted = [p for p in positions if p not in self._lines or (whole and self._runs.get(p))]
        if not wanted:
            return
        ids = [self.bundles[p].id for p in wanted]
        runs = {} if whole else self.slices.runs(ids)
        left = {
            b: [r for r in found if r.leaves_inner(tolerance_s=self.tolerance_s)]
            for b, found in runs.items()
        }
        unread = [r for found in left.values() for r in found]
        for bundle_id, lines in self.slices.events(ids, leaving_out=unread).items():
            position = self.position[bundle_id]
            self._lines[position] = lines
            self._runs[position] = left.get(bundle_id, [])
            self._files.pop(bundle_id, None)

    def runs(self, position: int) -> list[StoredRun]:
        """The runs of this bundle whose inner members were not read."""
        self.load([position])
        return self._runs[position]

    def files(self, bundle_ids: Collection[int]) -> list[tuple[int, ReceivedFile]]:
        """The files stored with these bundles, as (segment id, file), each bundle read once.

        Files of the inner members left unread are left out too.
        """
        self.load(self.position[b] for b in bundle_ids)
        wanted = [b for b in bundle_ids if b not in self._files]
        if wanted:
            runs = [r for b in wanted for r in self._runs[self.position[b]]]
            edges = {(r.bundle_id, line) for r in runs for line in (r.first_line, r.last_line)}
            named = {
                path
                for b in wanted
                for e in self._lines[self.position[b]]
                if (b, e.line) in edges and (path := e.str_field("file")) is not None
            }
            for b in wanted:
                self._files[b] = []
            for segment_id, got in self.slices.files(
                wanted, self.names, leaving_out=[r.id for r in runs], but=named
            ):
                self._files[self.id_of[got.bundle]].append((segment_id, got))
        return [pair for b in bundle_ids for pair in self._files[b]]

    def lines(self, position: int) -> tuple[DeviceEvent, ...]:
        if position not in self._lines:  # the planner walks outwards: read a few at once
            self.load(
                range(max(0, position - READ_AHEAD), min(self.last, position + READ_AHEAD) + 1)
            )
        return self._lines[position]

    def duty_marks(self, positions: Iterable[int]) -> list[str]:
        """The undock and dock lines of these bundles, in log order."""
        marks = []
        for p in positions:
            if p not in self._marks:
                self._marks[p] = [e.event for e in self.lines(p) if e.event in ("undock", "dock")]
            marks += self._marks[p]
        return marks

    def opens_before(self, position: int) -> int | None:
        """Where the duty window still open when this bundle begins was undocked, if one is."""
        for p in range(position - 1, -1, -1):
            marks = self.duty_marks([p])
            if marks:
                return p if marks[-1] == "undock" else None
        return None

    def counts_files(self, positions: Iterable[int]) -> bool:
        return any(
            e.event in NAMES_A_FILE and e.int_field("file_seq") is not None
            for p in positions
            for e in self.lines(p)
        )
