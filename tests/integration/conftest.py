"""A throwaway PostgreSQL 15 cluster for the test session (real server, loopback only)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bodycam_guard.bootstrap import Runtime, bootstrap
from bodycam_guard.config import Settings
from tests.support import FIXED_NOW

PG_BIN_DIRS = [
    Path("/usr/lib/postgresql/15/bin"),
    *sorted(Path("/usr/lib/postgresql").glob("*/bin")),
]


def _pg_bin() -> Path:
    for candidate in PG_BIN_DIRS:
        if (candidate / "initdb").is_file():
            return candidate
    # A missing server is a broken test machine, not a reason to skip: scripts/test installs it.
    pytest.fail("PostgreSQL server binaries (initdb) not found; install Debian's postgresql-15")


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    # initdb refuses to run as root: the cluster belongs to the postgres user.
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Start a cluster for the session; yields a SQLAlchemy URL prefix (append a database name)."""
    bindir = _pg_bin()
    data = Path(tempfile.mkdtemp(prefix="bodycam-guard-pg-"))
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        os.chown(data, pg.pw_uid, pg.pw_gid)
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data / "db"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data / "db"),
                "-o",
                f"'{options}'",
                "-l",
                str(data / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres(
                [str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop"]
            ),
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def pg_runtime(postgres_server: str, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on a fresh PostgreSQL database of the session's cluster."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        f"{postgres_server.replace('+psycopg', '')}/postgres", autocommit=True
    ) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    settings = Settings(home=tmp_path / "home", database_url=f"{postgres_server}/{name}")
    rt = bootstrap(settings, clock=lambda: FIXED_NOW)
    yield rt
    rt.engine.dispose()
