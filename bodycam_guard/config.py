"""Settings, from `BODYCAM_GUARD_*` environment variables (interfaces-v1); nothing is read at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bodycam_guard.domain.errors import ConfigurationError
from bodycam_guard.domain.incidents import (
    DEFAULT_SEVERITIES,
    DetectionPolicy,
    IncidentKind,
    Severity,
)


def load_settings() -> Settings:
    """Settings from the environment; ConfigurationError naming each bad variable otherwise."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"BODYCAM_GUARD_{str(error['loc'][0]).upper()}: {error['msg']}"
            f" (found {error['input']!r})"
            for error in exc.errors()
        )
        raise ConfigurationError(problems) from exc


class Settings(BaseSettings):
    """Every setting of bodycam-guard, with its default; documented in the README."""

    model_config = SettingsConfigDict(env_prefix="BODYCAM_GUARD_", extra="ignore")

    home: Path = Field(
        default=Path("var"), description="Data directory: database, blobs, inbox, quarantine, keys."
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the home."
    )
    storage_url: str | None = Field(
        default=None, description="Blob store; default: file://<home>/blobs."
    )
    tolerance_s: float = Field(
        default=2.0, gt=0, description="Gaps, mutes and cuts up to this long are not flagged."
    )
    clock_skew_threshold_s: float = Field(
        default=30.0, gt=0, description="time_sync offsets beyond this are flagged."
    )
    max_shift_hours: float = Field(
        default=14.0, gt=0, description="Undocked longer than this is a late upload."
    )
    severities: dict[IncidentKind, Severity] = Field(
        default_factory=dict,
        description="Severities that differ from incident-kinds-v1, as a JSON object, e.g. "
        '{"clock_skew": "medium"}.',
    )
    inbox_poll_s: float = Field(
        default=1.0, gt=0, description="How often the daemon looks for new bundles."
    )
    duty_check_interval_s: float = Field(
        default=600.0,
        gt=0,
        description="How often the daemon re-judges rostered cameras (no_camera, late_upload).",
    )
    detect_workers: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Processes that read and judge batches of devices when `detect` re-judges "
        "many (1: all in the command's own process).",
    )
    log_origin: str = Field(
        default="bodycam-guard.local/log",
        pattern=r"^[^\s+]+$",
        description="The transparency log's name: origin line of its checkpoints and name of "
        "its key (a schema-less URL without spaces or '+', e.g. bodycam-guard.example/precinct-7). "
        "Fixed once the key exists in the home.",
    )
    checkpoint_interval_s: float = Field(
        default=60.0, gt=0, description="How often the daemon signs a checkpoint if the log grew."
    )
    fixity_interval_s: float = Field(
        default=300.0, gt=0, description="How often the daemon re-hashes the next slice of blobs."
    )
    fixity_slice_files: int = Field(
        default=200, gt=0, description="How many stored blobs each fixity sweep re-hashes."
    )
    tsa_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="An RFC 3161 time-stamping authority (http:// or https:// URL); when set, "
        "every published checkpoint is timestamped by it. Default: no timestamps.",
    )
    tsa_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="How long one request to the time-stamping authority may take.",
    )
    tsa_ca_file: Path | None = Field(
        default=None,
        description="PEM certificates the time-stamping authority's certificate must chain to; "
        "when set, each reply's signature and chain are checked too, not only its digest and nonce.",
    )

    @property
    def inbox(self) -> Path:
        """Where stations drop bundles (and where PUT /bundles lands them)."""
        return self.home / "inbox"

    @property
    def quarantine(self) -> Path:
        """Where rejected bundles are moved whole, each with a REJECTED.txt."""
        return self.home / "quarantine"

    @property
    def log_key_path(self) -> Path:
        """The log's private signing key (created on first run, mode 0600)."""
        return self.home / "log-key"

    def resolved_database_url(self) -> str:
        """The database URL in force."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'bodycam-guard.db').resolve()}"

    def blob_root(self) -> Path:
        """The local blob store directory; only file:// storage is available in this version."""
        url = self.storage_url or f"file://{(self.home / 'blobs').resolve()}"
        if not url.startswith("file://"):
            raise ConfigurationError(
                f"BODYCAM_GUARD_STORAGE_URL: expected a file:// URL, found {url!r} "
                "(S3 storage is not available in this version)"
            )
        return Path(url.removeprefix("file://"))

    def policy(self) -> DetectionPolicy:
        """The detection policy these settings describe."""
        return DetectionPolicy(
            tolerance_s=self.tolerance_s,
            clock_skew_threshold_s=self.clock_skew_threshold_s,
            max_shift_s=self.max_shift_hours * 3600,
            severities={**DEFAULT_SEVERITIES, **self.severities},
        )
