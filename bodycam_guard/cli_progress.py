"""Progress lines for long terminal work, redrawn in place on a terminal and silent elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO


class TerminalProgress:
    """Bytes copied so far for the bundle being ingested, redrawn in place on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._done = 0
        self._label = ""

    def start(self, n: int, total: int, folder: Path) -> None:
        """A new bundle begins."""
        self._done = 0
        self._label = f"[{n + 1}/{total}] {folder.name}"
        if self._live:
            self._stream.write(f"\r\x1b[K{self._label} …")
            self._stream.flush()

    def advance(self, n: int) -> None:
        """`n` more bytes stored."""
        self._done += n
        if self._live:
            self._stream.write(f"\r\x1b[K{self._label} {self._done / 1e6:,.1f} MB stored")
            self._stream.flush()

    def clear(self) -> None:
        """Remove the progress line before a result line is printed."""
        if self._live:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


class StageProgress:
    """`stage: done/total`, redrawn in place: for work counted in stages (verify, detect)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._live = stream.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._live:
            self._stream.write(f"\r\x1b[K{stage}: {done:,}/{total:,}")
            self._stream.flush()

    def clear(self) -> None:
        """Remove the progress line before a result line is printed."""
        if self._live:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
