"""The verifier's own error and check-result types (it never imports bodycam_guard)."""

from __future__ import annotations

from dataclasses import dataclass


class VerificationError(Exception):
    """A check failed: says what was checked, what was expected and what was found."""

    def __init__(self, what: str, *, expected: object, found: object) -> None:
        self.what = what
        self.expected = expected
        self.found = found
        super().__init__(f"{what}: expected {expected}, found {found}")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one named check: `error` is None when it passed."""

    check: str
    error: VerificationError | None = None

    @property
    def ok(self) -> bool:
        """Whether the check passed."""
        return self.error is None

    def line(self) -> str:
        """One line for the CLI: `ok   <check>` or `FAIL <check>: expected X, found Y`."""
        if self.error is None:
            return f"ok   {self.check}"
        return f"FAIL {self.check}: expected {self.error.expected}, found {self.error.found}"
