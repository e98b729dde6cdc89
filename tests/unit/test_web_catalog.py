"""The web page's catalog: every phrase in three languages, every kind, status and action named."""

from __future__ import annotations

from api.web.i18n import _CATALOG, catalog_keys, translate
from bodycam_guard.domain.accounts import Language
from bodycam_guard.domain.incidents import IncidentKind, IncidentStatus, Severity
from bodycam_guard.domain.review import ReviewAction

# The same word in every language (a loanword or a unit symbol) is a translation, not a gap.
SAME_IN_RUSSIAN_AND_KAZAKH = {"device", "unit_min", "unit_s", "role_auditor"}


def test_every_enum_value_has_a_phrase() -> None:
    keys = catalog_keys()
    wanted = (
        {f"kind_{k.value}" for k in IncidentKind}
        | {f"status_{s.value}" for s in IncidentStatus}
        | {f"severity_{s.value}" for s in Severity}
        | {f"action_{a.value}" for a in ReviewAction}
    )
    assert wanted <= keys


def test_every_phrase_is_translated_into_cyrillic() -> None:
    for key, (en, ru, kk) in _CATALOG.items():
        assert en and ru and kk, key
        assert ru != en and kk != en, key
        assert any("\u0400" <= c <= "\u04ff" for c in ru + kk), key
        if key not in SAME_IN_RUSSIAN_AND_KAZAKH:
            assert ru != kk, key


def test_placeholders_survive_translation() -> None:
    assert translate(Language.RU, "shown_of", shown=3, total=10) == "3 из 10"
    assert translate(Language.KK, "shown_of", shown=3, total=10) == "10 ішінен 3"
    assert translate(Language.EN, "no-such-key") == "no-such-key"
