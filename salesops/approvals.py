"""One way to decide a request (architecture.md "Approvals", rules.md §1.5, §1.8, §1.9).

Trip plans, expense claims and cross-territory requests are decided through `decide`. Each app
registers its record type's `Workflow` (from its `AppConfig.ready`), so the kernel never
imports an app: the workflow names the model, its transition log, which transition a decision
takes at the current state, what happens after, and the records waiting for a user.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from salesops import access, audit
from salesops.decisions import APPROVE, COMMENT_MAX_LENGTH, DECISION_LABELS, REJECT, RETURN
from salesops.errors import AlreadyDecided, DomainError
from salesops.models import FIRST_LEVEL, SECOND_LEVEL, User

__all__ = ["APPROVE", "COMMENT_MAX_LENGTH", "DECISION_LABELS", "REJECT", "RETURN"]


@dataclass(frozen=True)
class Workflow:
    """How one record type is decided.

    - `key` names the type in URLs ("trip_plan"), `label` titles it on "Waiting for me";
    - `visible(user)`: what the user may see of the type (anything else is a 404);
    - `transition_model` logs every move; its foreign key to the record is `log_field`;
    - `transition(record, decision)`: the state-machine method the decision runs at the
      record's current state (the type's own policy: a second level above a threshold);
    - `after(record, by=, source=, comment=)` runs in the same transaction after the move;
    - `waiting(user)`: the records waiting for the user's decision; `levels`: the levels at
      which the type is decided (a cross-territory request has the first only);
    - `audit_prefix` starts the audit action ("visits.trip_plan");
    - `detail_url(record)`, `waiting_since`, `starts_on`, `due_on` (the date a decision is
      due) and `amount` (the attribute holding the money at stake) feed "Waiting for me".
    """

    key: str
    model: type[models.Model]
    transition_model: type[models.Model]
    log_field: str
    transition: Callable
    waiting: Callable[[User], QuerySet]
    visible: Callable[[User], QuerySet]
    label: str
    audit_prefix: str
    decisions: tuple[str, ...] = (APPROVE, RETURN, REJECT)
    after: Callable | None = None
    update_fields: tuple[str, ...] = ("status",)
    related: tuple[str, ...] = field(default_factory=tuple)
    detail_url: Callable | None = None
    levels: tuple[int, ...] = (FIRST_LEVEL, SECOND_LEVEL)
    waiting_since: str = "submitted_at"
    due_on: str | None = None
    starts_on: str | None = None
    amount: str | None = None  # the record's money figure shown on "Waiting for me"


_WORKFLOWS: dict[str, Workflow] = {}


def register(workflow: Workflow) -> None:
    _WORKFLOWS[workflow.key] = workflow


def workflows() -> list[Workflow]:
    return list(_WORKFLOWS.values())


def workflow(key: str) -> Workflow:
    return _WORKFLOWS[key]


def workflow_for(record: models.Model) -> Workflow:
    for candidate in _WORKFLOWS.values():
        if isinstance(record, candidate.model):
            return candidate
    raise LookupError(f"no approval workflow for {type(record).__name__}")


def last_move(record: models.Model):
    """The record's latest logged transition (who moved it where), or None."""
    return record.transitions.select_related("by").order_by("at", "id").last()


def already_decided(record: models.Model) -> AlreadyDecided:
    latest = last_move(record)
    return AlreadyDecided(
        _("This was already decided by %(who)s (%(status)s).")
        % {"who": latest.by if latest else "—", "status": record.get_status_display()}
    )


def _lock(wf: Workflow, record: models.Model) -> models.Model:
    # A fresh instance read under the row lock: no model instance is shared between requests
    # or threads, and the state machine starts from the committed status.
    return (
        wf.model.objects.select_for_update(of=("self",))
        .select_related(*wf.related)
        .get(pk=record.pk)
    )


def decide(*, record: models.Model, by: User, decision: str, comment: str = "") -> models.Model:
    """Approve, return or reject `record` as `by` (rules.md §1.8, §1.9).

    1. Lock the row, so of two deciders at once the second waits.
    2. If it no longer waits at a level `by` decides, raise `AlreadyDecided` naming the first.
    3. Check `access.may_decide`; a reject or return needs a comment.
    4. Move the state through the record's state machine, log the move and audit it.
    """
    wf = workflow_for(record)
    if decision not in wf.decisions:
        raise DomainError(_("Choose one of the decisions offered."), field="decision")
    comment = comment.strip()
    with transaction.atomic():
        record = _lock(wf, record)
        if record.approval_level is None:
            raise already_decided(record)
        if not access.may_decide(by, record):
            level = record.approval_level
            decides_first = FIRST_LEVEL in wf.levels
            if (
                level == SECOND_LEVEL
                and decides_first
                and access.may_decide(by, record, level=FIRST_LEVEL)
            ):
                raise already_decided(record)  # this user's level was decided a moment ago
            raise DomainError(_("This request does not wait for your decision."))
        if decision != APPROVE and not comment:
            raise DomainError(
                _("Say why in a comment when you reject or return a request."), field="comment"
            )
        return move(record, wf.transition(record, decision), by=by, comment=comment, wf=wf)


def move(record, transition, *, by: User, comment: str = "", wf: Workflow | None = None):
    """Run one transition of a locked record, log it (who, when, comment) and audit it."""
    wf = wf or workflow_for(record)
    source = record.status
    transition()
    record.save(update_fields=list(wf.update_fields))
    wf.transition_model.objects.create(
        **{wf.log_field: record}, source=source, target=record.status, by=by, comment=comment
    )
    audit.record(
        f"{wf.audit_prefix}.{record.status}",
        actor=by,
        target=record,
        changes={"from": source, "to": record.status, "comment": comment},
    )
    if wf.after is not None:
        wf.after(record, by=by, source=source, comment=comment)
    return record


def decide_many(
    *, records: list[models.Model], by: User, decision: str, comment: str = ""
) -> dict[int, str | None]:
    """Several records at once, each in its own transaction: {pk: refusal or None}."""
    outcome = {}
    for record in records:
        try:
            decide(record=record, by=by, decision=decision, comment=comment)
        except DomainError as refusal:
            outcome[record.pk] = refusal.message
        else:
            outcome[record.pk] = None
    return outcome


def waiting_count(user: User) -> int:
    return sum(wf.waiting(user).count() for wf in workflows())


BUTTON_STYLES = {
    APPROVE: "btn-success",
    RETURN: "btn-outline-warning",
    REJECT: "btn-outline-danger",
}


def choices(wf: Workflow) -> list[tuple[str, str, str]]:
    """(decision, label, button style) for each decision the record type offers."""
    return [(value, DECISION_LABELS[value], BUTTON_STYLES[value]) for value in wf.decisions]


def buttons(
    record: models.Model, user: User, *, error=None, done=None, waiting: bool = False
) -> dict:
    """The context of the decision-buttons partial for `record` as `user` sees it. `waiting`:
    the record came from the workflow's `waiting(user)`, whose filter is `may_decide` as one
    query, so asking again per row (a membership query each) is not needed."""
    wf = workflow_for(record)
    return {
        "id": f"decision-{wf.key}-{record.pk}",
        "record": record,
        "url": reverse("decide", args=[wf.key, record.pk]),
        "open": waiting or access.may_decide(user, record),
        "choices": choices(wf),
        "comment_max_length": COMMENT_MAX_LENGTH,
        "error": error,
        "done": done,
    }
