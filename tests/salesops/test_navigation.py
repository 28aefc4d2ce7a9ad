"""The menu: grouped by task, and never an entry that answers 403 (browser issue item 8)."""

import pytest

from salesops.navigation import NAV_GROUPS, menu_entries, menu_for
from tests.access_matrix import PERSONAS

ROLE_PERSONAS = [p for p in PERSONAS if p not in ("anonymous", "outsider")]


@pytest.mark.parametrize("persona", ROLE_PERSONAS)
def test_every_menu_entry_a_persona_sees_opens(personas, login, persona):
    user = getattr(personas, persona)
    client = login(user)
    entries = menu_entries(user)
    assert entries, f"{persona} has an empty menu"
    for entry in entries:
        response = client.get(entry["url"], follow=True)
        assert response.status_code == 200, (persona, entry["url_name"], response.status_code)


@pytest.mark.parametrize("persona", ROLE_PERSONAS)
def test_the_rendered_menu_is_the_users_menu_in_groups(personas, login, persona):
    user = getattr(personas, persona)
    response = login(user).get("/")
    html = response.content.decode()
    for group in menu_for(user):
        single = len(group["entries"]) == 1  # a group of one shows as its entry's plain link
        assert str(group["entries"][0]["label"] if single else group["label"]) in html
        for entry in group["entries"]:
            assert f'href="{entry["url"]}"' in html
    assert [group["key"] for group in menu_for(user)] == [
        key for key in NAV_GROUPS if any(g["key"] == key for g in menu_for(user))
    ]


def test_no_role_no_menu(personas):
    assert menu_for(personas.outsider) == []


def test_admin_is_not_offered_the_sellers_pages(personas):
    names = {entry["url_name"] for entry in menu_entries(personas.admin)}
    assert "visits:visit_new" not in names
    assert "sales:my_attainment" not in names
    assert {"waiting", "territories:requests"} <= names


def test_approvals_count_what_waits_for_the_user(personas):
    from tests.customers.factories import CustomerFactory
    from tests.visits.factories import PlannedVisitFactory, TripPlanFactory
    from visits import services

    plan = TripPlanFactory(salesperson=personas.salesperson)
    PlannedVisitFactory(plan=plan, customer=CustomerFactory(territory=personas.xihu))
    services.submit_trip_plan(plan=plan, by=personas.salesperson)

    approvals = next(g for g in menu_for(personas.manager) if g["key"] == "approvals")
    assert approvals["waiting"] == 1
    waiting = next(e for e in approvals["entries"] if e["url_name"] == "waiting")
    assert waiting["count"] == 1
    assert not any(g["key"] == "approvals" for g in menu_for(personas.salesperson))
