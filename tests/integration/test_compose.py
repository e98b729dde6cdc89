"""The deployment files: docker-compose.yml is valid Compose, and names what a precinct runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

COMPOSE = Path(sys.executable).parent / "docker-compose"


def _config(**env: str) -> subprocess.CompletedProcess[str]:
    # `config` validates and resolves the file; it needs no Docker engine.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BODYCAM_GUARD_")}
    return subprocess.run(
        [str(COMPOSE), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_compose_file_is_valid_and_wires_postgres() -> None:
    done = _config(BODYCAM_GUARD_DB_PASSWORD="s3cret")
    assert done.returncode == 0, done.stderr
    config = json.loads(done.stdout)
    assert set(config["services"]) == {"db", "app"}
    app = config["services"]["app"]
    assert app["environment"]["BODYCAM_GUARD_DATABASE_URL"] == (
        "postgresql+psycopg://bodycam:s3cret@db/bodycam"
    )
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert [p["host_ip"] for p in app["ports"]] == ["127.0.0.1"]


def test_compose_refuses_to_start_without_a_database_password() -> None:
    done = _config()
    assert done.returncode != 0
    assert "set BODYCAM_GUARD_DB_PASSWORD" in done.stderr
