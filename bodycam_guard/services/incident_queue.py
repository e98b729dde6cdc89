"""Use cases: the incident queue and one incident, as the caller's role and unit allow."""

from __future__ import annotations

from dataclasses import dataclass

from bodycam_guard.domain.accounts import NotVisibleError, Principal
from bodycam_guard.domain.incidents import Incident, IncidentFilter
from bodycam_guard.domain.review import Review, ReviewAction, actions_for
from bodycam_guard.services.supervision_ports import SupervisionUnitOfWorkFactory

COUNT_CAP = 1_000
"""Counting stops here: past a thousand, a queue's exact length helps no one and costs a scan."""


@dataclass(frozen=True, slots=True)
class IncidentPage:
    """One page of the queue, and how many incidents match in all."""

    incidents: list[Incident]
    total: int
    """How many match in all, counted up to COUNT_CAP."""
    offset: int
    limit: int | None

    @property
    def total_is_exact(self) -> bool:
        """False when the count stopped at COUNT_CAP (there may be more)."""
        return self.total < COUNT_CAP


@dataclass(frozen=True, slots=True)
class IncidentFile:
    """One incident with its review trail and what the caller may do next."""

    incident: Incident
    reviews: list[Review]
    actions: list[ReviewAction]


def incident_page(
    wanted: IncidentFilter, caller: Principal, *, uow: SupervisionUnitOfWorkFactory
) -> IncidentPage:
    """The incidents matching `wanted` that `caller` may see, newest first."""
    caller.require_reader()
    units = caller.visible_units()
    with uow() as work:
        found = work.queue.matching(wanted, units)
        total = work.queue.count(wanted, units, cap=COUNT_CAP)
    return IncidentPage(incidents=found, total=total, offset=wanted.offset, limit=wanted.limit)


def incident_file(
    incident_id: str, caller: Principal, *, uow: SupervisionUnitOfWorkFactory
) -> IncidentFile:
    """One incident the caller may see; NotVisibleError when absent or out of the caller's unit."""
    caller.require_reader()
    with uow() as work:
        found = work.queue.get(incident_id, caller.visible_units())
        if found is None:
            raise NotVisibleError(f"expected an incident {incident_id!r}, found none")
        reviews = work.queue.reviews_of(incident_id)
    actions = actions_for(found.status) if caller.reviews else []
    return IncidentFile(incident=found, reviews=reviews, actions=actions)
