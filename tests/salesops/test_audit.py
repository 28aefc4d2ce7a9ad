"""The audit trail: entries land with their change; row history catches bulk updates."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from salesops import audit
from salesops.models import AuditEntry, Role
from territories.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_an_entry_outside_a_transaction_is_refused(personas):
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit.record("test.outside", actor=personas.admin)


def test_a_failed_change_leaves_no_entry(personas):
    with pytest.raises(ValueError, match="failed after"), transaction.atomic():  # noqa: PT012
        audit.record("test.rolled_back", actor=personas.admin, target=personas.east)
        raise ValueError("the change failed after the entry was written")
    assert not AuditEntry.objects.filter(action="test.rolled_back").exists()


def test_changing_a_role_in_the_admin_is_audited(personas, login):
    client = login(personas.admin)
    url = reverse("admin:salesops_user_change", args=[personas.colleague.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "role": Role.MANAGER,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "Region_members-TOTAL_FORMS": "0",
            "Region_members-INITIAL_FORMS": "0",
        }
    )
    data.pop("groups", None), data.pop("user_permissions", None), data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="salesops.user.changed")
    assert entry.actor == personas.admin
    assert entry.changes["role"] == "manager"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-history triggers need PostgreSQL"
)
def test_row_history_records_bulk_updates_that_skip_the_services(personas):
    from territories.models import AssignmentEvent

    before = AssignmentEvent.objects.count()
    Assignment.objects.filter(territory__region=personas.east).update(ended_on="2026-12-31")
    events = AssignmentEvent.objects.filter(pgh_label="update")
    assert (
        AssignmentEvent.objects.count() - before
        == Assignment.objects.filter(territory__region=personas.east).count()
    )
    assert {str(event.ended_on) for event in events} == {"2026-12-31"}
