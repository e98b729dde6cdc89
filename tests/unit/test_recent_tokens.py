"""RecentTokens: a token seen a moment ago is not looked up again; anything else is."""

from __future__ import annotations

import hashlib
from typing import Any

from bodycam_guard.domain.accounts import Principal, Role
from bodycam_guard.services.sessions import RecentTokens

AUDITOR = Principal(name="script", role=Role.AUDITOR)


class FakeAccounts:
    """Tokens by their SHA-256, and every hash asked for."""

    def __init__(self) -> None:
        self.tokens: dict[str, Principal] = {}
        self.asked: list[str] = []

    def add(self, token: str, principal: Principal) -> None:
        self.tokens[hashlib.sha256(token.encode()).hexdigest()] = principal

    def token_principal(self, token_sha256: str) -> Principal | None:
        self.asked.append(token_sha256)
        return self.tokens.get(token_sha256)


class FakeWork:
    def __init__(self, accounts: FakeAccounts) -> None:
        self.accounts = accounts

    def __enter__(self) -> FakeWork:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _tokens(accounts: FakeAccounts, clock: Clock, **kwargs: Any) -> RecentTokens:
    return RecentTokens(uow=lambda: FakeWork(accounts), monotonic=clock, **kwargs)


def test_a_token_is_looked_up_once_within_the_ttl_and_again_after() -> None:
    accounts, clock = FakeAccounts(), Clock()
    accounts.add("bcg_a", AUDITOR)
    tokens = _tokens(accounts, clock, ttl_s=2.0)
    assert tokens.kept("bcg_a") is None
    assert tokens.principal("bcg_a") == AUDITOR
    clock.now += 1.9
    assert tokens.kept("bcg_a") == AUDITOR
    assert tokens.principal("bcg_a") == AUDITOR
    assert len(accounts.asked) == 1
    clock.now += 0.2
    assert tokens.kept("bcg_a") is None
    assert tokens.principal("bcg_a") == AUDITOR
    assert len(accounts.asked) == 2


def test_a_change_in_the_store_shows_after_the_ttl() -> None:
    accounts, clock = FakeAccounts(), Clock()
    accounts.add("bcg_s", Principal(name="sup", role=Role.SUPERVISOR))
    tokens = _tokens(accounts, clock, ttl_s=2.0)
    assert tokens.principal("bcg_s") == Principal(name="sup", role=Role.SUPERVISOR)
    scoped = Principal(name="sup", role=Role.SUPERVISOR, unit_id="U3")
    accounts.add("bcg_s", scoped)
    clock.now += 2.0
    assert tokens.principal("bcg_s") == scoped


def test_unknown_tokens_are_never_kept() -> None:
    accounts, clock = FakeAccounts(), Clock()
    tokens = _tokens(accounts, clock)
    assert tokens.principal("bcg_new") is None
    assert tokens.principal("bcg_new") is None
    assert len(accounts.asked) == 2
    accounts.add("bcg_new", AUDITOR)  # created a moment later: works at once
    assert tokens.principal("bcg_new") == AUDITOR


def test_only_hashes_are_asked_for_and_the_oldest_token_makes_room() -> None:
    accounts, clock = FakeAccounts(), Clock()
    for n in range(3):
        accounts.add(f"bcg_{n}", Principal(name=f"t{n}", role=Role.AUDITOR))
    tokens = _tokens(accounts, clock, max_tokens=2)
    for n in range(3):
        tokens.principal(f"bcg_{n}")
    assert all(len(h) == 64 and not h.startswith("bcg_") for h in accounts.asked)
    assert tokens.kept("bcg_0") is None
    assert tokens.kept("bcg_1") is not None and tokens.kept("bcg_2") is not None


def test_forget_drops_every_kept_token() -> None:
    accounts, clock = FakeAccounts(), Clock()
    accounts.add("bcg_a", AUDITOR)
    tokens = _tokens(accounts, clock)
    tokens.principal("bcg_a")
    tokens.forget()
    assert tokens.kept("bcg_a") is None
