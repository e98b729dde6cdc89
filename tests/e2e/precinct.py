"""A real `bodycam-guard serve` over a small precinct: two units, their people, tokens and footage.

Unit P2 has officer OFF-1002 (camera KZ-AST-0002, two camera_off incidents);
unit P5 has OFF-1005 (KZ-AST-0005, an unexplained gap). People log in with
PASSWORD; tokens are made for every role.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bodycam_guard.adapters.passwords import Argon2Passwords
from bodycam_guard.bootstrap import bootstrap
from bodycam_guard.config import Settings
from bodycam_guard.domain.accounts import Language, Role
from bodycam_guard.services.accounts import add_unit, add_user, assign_officer, scope_token
from bodycam_guard.services.tokens import create_token
from tests.e2e.server import serving
from tests.support import sample_bundle

BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple"
USERS = {
    # username: (role, unit, language)
    "sup-p2": (Role.SUPERVISOR, "P2", Language.EN),
    "sup-p5": (Role.SUPERVISOR, "P5", Language.RU),
    "auditor": (Role.AUDITOR, None, Language.KK),
    "admin": (Role.ADMIN, None, Language.EN),
    "station": (Role.STATION, None, Language.EN),
}
TOKENS = {
    # token name: (role, unit)
    "station": ("station", None),
    "supervisor-p2": ("supervisor", "P2"),
    "supervisor-p5": ("supervisor", "P5"),
    "supervisor-nounit": ("supervisor", None),
    "auditor": ("auditor", None),
    "admin": ("admin", None),
}


@dataclass(frozen=True)
class Precinct:
    """The running server and what it holds."""

    base: str
    home: Path
    tokens: dict[str, str]
    p2_incidents: list[dict[str, object]]
    p5_incidents: list[dict[str, object]]
    log: Path

    def bearer(self, name: str) -> dict[str, str]:
        """Headers authenticating as the named token."""
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def _populate(home: Path) -> dict[str, str]:
    env = {**os.environ, "BODYCAM_GUARD_HOME": str(home)}
    for device in ("KZ-AST-0002", "KZ-AST-0005"):
        subprocess.run(
            [str(BIN / "bodycam-guard"), "ingest", str(sample_bundle(device))],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    rt = bootstrap(Settings(home=home))
    passwords = Argon2Passwords()
    try:
        for unit, officer in (("P2", "OFF-1002"), ("P5", "OFF-1005")):
            add_unit(unit, f"Patrol {unit}", uow=rt.uow, clock=rt.clock)
            assign_officer(officer, unit, uow=rt.uow, clock=rt.clock)
        for name, (role, unit, language) in USERS.items():
            add_user(
                name,
                PASSWORD,
                role=role,
                unit_id=unit,
                language=language,
                timezone="Asia/Almaty",
                uow=rt.uow,
                clock=rt.clock,
                passwords=passwords,
            )
        tokens = {}
        for name, (role, unit) in TOKENS.items():
            tokens[name] = create_token(name, role, uow=rt.uow, clock=rt.clock)
            if unit:
                scope_token(name, unit, uow=rt.uow)
        return tokens
    finally:
        rt.engine.dispose()


@contextmanager
def running_precinct(tmp: Path) -> Iterator[Precinct]:
    """Populate a home, serve it on a free loopback port, stop it afterwards."""
    home = tmp / "home"
    tokens = _populate(home)
    log_path = tmp / "serve.log"
    with serving(home, log_path, inbox_poll_s="0.5") as base:
        auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
        listed = httpx.get(f"{base}/api/v1/incidents", headers=auditor, timeout=10).json()
        yield Precinct(
            base=base,
            home=home,
            tokens=tokens,
            p2_incidents=[i for i in listed if i["officer_id"] == "OFF-1002"],
            p5_incidents=[i for i in listed if i["officer_id"] == "OFF-1005"],
            log=log_path,
        )


def web_login(base: str, username: str) -> tuple[httpx.Client, str]:
    """A client logged in on the web page, and its CSRF token (read from a page's form)."""
    client = httpx.Client(base_url=base, timeout=10)
    done = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/"})
    assert done.status_code == 303, done.text
    html = client.get("/incidents").text
    marker = 'name="csrf" value="'
    csrf = html[html.index(marker) + len(marker) :].split('"', 1)[0]
    return client, csrf
