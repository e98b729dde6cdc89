"""The one error hierarchy of bodycam-guard.

Every error says what was expected and what was found; errors about input name
the file, the line (where there is one) and the field, so a station operator or
an admin can fix the input without reading code.
"""

from __future__ import annotations


class BodycamGuardError(Exception):
    """Base of every error bodycam-guard raises on purpose."""

    def diagnostics(self) -> str:
        """A human-readable explanation, as printed by the CLI and written to REJECTED.txt."""
        return str(self)


class InputError(BodycamGuardError):
    """Bad input, located at a file, and optionally a line and a field."""

    def __init__(
        self, message: str, *, file: str, line: int | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        where = file if line is None else f"{file} line {line}"
        fld = f", field {field!r}" if field else ""
        super().__init__(f"{where}{fld}: {message}")


class BundleRejectedError(BodycamGuardError):
    """A dock bundle failed validation; it goes whole to quarantine with this reason."""

    def __init__(self, bundle: str, problems: list[InputError]) -> None:
        self.bundle = bundle
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"bundle {bundle} rejected:\n{lines}")


class MediaUnreadableError(BodycamGuardError):
    """A stored file could not be opened or demuxed as media: it is kept as evidence, and flagged."""


class IntegrityError(BodycamGuardError):
    """Stored footage or a stored record does not match its hash, chain or log."""


class ConfigurationError(BodycamGuardError):
    """A setting is missing, malformed or unsafe."""


class DuplicateNameError(BodycamGuardError):
    """A name that must be unique (a token, an account) is already taken."""


class NotFoundError(BodycamGuardError):
    """Something asked for does not exist (yet): a tile beyond the log, an unknown record."""
