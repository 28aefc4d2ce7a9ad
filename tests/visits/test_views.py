"""Pages and htmx endpoints, rendered for real."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from salesops.models import AuditEntry
from tests.visits.factories import TripPlanFactory, VisitFactory
from visits import services
from visits.models import PlannedVisit, TripPlan, Visit
from visits.views import PLANS_PER_PAGE

S = TripPlan.Status
pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_salesperson_creates_a_draft_plan(personas, login):
    client = login(personas.salesperson)
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    response = client.post(
        reverse("visits:plan_new"),
        {
            "title": "杭州、宁波拜访",
            "starts_on": monday,
            "ends_on": monday + timedelta(days=2),
            "cities": [personas.hangzhou.pk],
            "estimated_lodging": "600",
            "estimated_transport": "350.50",
        },
    )
    plan = TripPlan.objects.get()
    assert response.status_code == 302
    assert plan.estimated_total == Decimal("950.50")
    assert list(plan.cities.all()) == [personas.hangzhou]


def test_plan_ending_before_it_starts_is_shown_next_to_the_field(personas, login):
    client = login(personas.salesperson)
    today = timezone.localdate()
    response = client.post(
        reverse("visits:plan_new"),
        {"title": "x", "starts_on": today, "ends_on": today - timedelta(days=1)},
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    assert not TripPlan.objects.exists()


def test_planned_visit_row_is_added_in_place(personas, login, draft_plan, ningbo_customer):
    client = login(personas.salesperson)
    response = client.post(
        reverse("visits:planned_add", args=[draft_plan.pk]),
        {
            "customer": f"{ningbo_customer.name} #{ningbo_customer.pk}",
            "day": draft_plan.starts_on,
            "purpose": "送样",
        },
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('\n<section id="plan-days">') or 'id="plan-days"' in body[:200]
    assert ningbo_customer.name in body
    assert "<svg" in body
    assert "<polyline" in body
    assert draft_plan.planned_visits.count() == 2


def test_planned_visit_across_the_line_shows_the_refusal(
    personas, login, draft_plan, jiangsu_customer
):
    client = login(personas.salesperson)
    response = client.post(
        reverse("visits:planned_add", args=[draft_plan.pk]),
        {"customer": jiangsu_customer.name, "day": draft_plan.starts_on, "purpose": "x"},
        **HTMX,
    )
    assert "outside your territories" in response.content.decode()
    assert draft_plan.planned_visits.count() == 1


def test_planned_visit_is_removed_in_place(personas, login, draft_plan):
    planned = draft_plan.planned_visits.get()
    client = login(personas.salesperson)
    response = client.post(
        reverse("visits:planned_remove", args=[draft_plan.pk, planned.pk]), **HTMX
    )
    assert response.status_code == 200
    assert not PlannedVisit.objects.exists()


def test_plan_page_shows_route_costs_and_history(
    personas, login, make_plan, django_assert_max_num_queries
):
    plan = make_plan("submitted")
    client = login(personas.manager)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("visits:plan", args=[plan.pk]))
    body = response.content.decode()
    assert "杭州永固胶业" in body
    assert "Submitted" in body
    assert 'id="plan-history"' in body
    assert "900.00" in body


def test_submitting_an_empty_plan_shows_the_refusal(personas, login):
    from tests.visits.factories import TripPlanFactory

    plan = TripPlanFactory(salesperson=personas.salesperson)
    client = login(personas.salesperson)
    response = client.post(reverse("visits:plan_submit", args=[plan.pk]), follow=True)
    assert "at least one planned visit" in response.content.decode()


def test_manager_approves_on_waiting_for_me_in_place(personas, login, make_plan):
    plan = make_plan("submitted")
    client = login(personas.manager)
    queue = client.get(reverse("visits:approvals"), follow=True).content.decode()
    assert f'id="decision-trip_plan-{plan.pk}"' in queue

    response = client.post(
        reverse("decide", args=["trip_plan", plan.pk]), {"decision": "approve"}, **HTMX
    )

    assert response.status_code == 200
    assert "Approved" in response.content.decode()
    assert TripPlan.objects.get(pk=plan.pk).status == S.APPROVED


def test_second_manager_sees_already_decided_in_the_row(personas, login, make_plan):
    plan = make_plan("submitted")
    services.decide_trip_plan(plan=plan, by=personas.manager, decision="approve")
    client = login(personas.admin)
    response = client.post(
        reverse("decide", args=["trip_plan", plan.pk]),
        {"decision": "reject", "comment": "no"},
        **HTMX,
    )
    assert "already decided" in response.content.decode()
    assert TripPlan.objects.get(pk=plan.pk).status == S.APPROVED


def test_manager_returns_several_plans_at_once(personas, login, make_plan):
    plans = [make_plan("submitted") for _ in range(3)]
    client = login(personas.manager)
    response = client.post(
        reverse("decide_many", args=["trip_plan"]),
        {"records": [plans[0].pk, plans[1].pk], "decision": "return", "comment": "Fewer days"},
        follow=True,
    )
    body = response.content.decode()
    assert "2 decided." in body
    statuses = [TripPlan.objects.get(pk=plan.pk).status for plan in plans]
    assert statuses == [S.RETURNED, S.RETURNED, S.SUBMITTED]
    assert f'id="decision-trip_plan-{plans[2].pk}"' in body
    assert f'id="decision-trip_plan-{plans[0].pk}"' not in body


def test_bulk_decision_without_ticks_says_so(personas, login, make_plan):
    make_plan("submitted")
    client = login(personas.manager)
    response = client.post(
        reverse("decide_many", args=["trip_plan"]), {"decision": "approve"}, follow=True
    )
    assert "Tick at least one request." in response.content.decode()


def test_home_page_counts_plans_waiting_for_the_manager(personas, login, make_plan):
    make_plan("submitted")
    make_plan("submitted")
    body = login(personas.manager).get(reverse("home")).content.decode()
    assert 'id="waiting-panel-count">2<' in body
    body = login(personas.director).get(reverse("home")).content.decode()
    assert 'id="waiting-panel-count">0<' in body


def _visit_form(visited_customer, **overrides):
    when = timezone.localtime() - timedelta(hours=1)
    return {
        "customer": visited_customer.name,
        "visited_at": when.strftime("%Y-%m-%dT%H:%M"),
        "kind": Visit.Kind.ON_SITE,
        "person_met": "陈经理",
        "person_position": "采购经理",
        "result": "同意试用",
        "updated_demand": "52000",
        "competitor_brand": "汉高",
        "competitor_price": "38元/kg",
        **overrides,
    }


def test_visits_are_logged_one_after_another_without_reloading(
    personas, login, hangzhou_customer, ningbo_customer
):
    client = login(personas.salesperson)
    first = client.post(reverse("visits:visit_new"), _visit_form(hangzhou_customer), **HTMX)
    second = client.post(reverse("visits:visit_new"), _visit_form(ningbo_customer), **HTMX)

    body = second.content.decode()
    assert "<html" not in body  # the partial alone
    assert f"Visit to {ningbo_customer.name} saved." in body
    assert hangzhou_customer.name in body  # listed under "entered today"
    assert first.status_code == second.status_code == 200
    assert Visit.objects.count() == 2
    hangzhou_customer.refresh_from_db()
    assert hangzhou_customer.estimated_monthly_demand == Decimal("52000.00")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"visited_at": "2099-01-01T09:00"}, "cannot be dated in the future"),
        ({"follow_up_on": "2000-01-01"}, "follow-up date cannot be before the visit"),
        ({"customer": "No such company"}, "Choose one customer from the list."),
    ],
)
def test_bad_visit_input_is_refused_with_a_message(
    personas, login, hangzhou_customer, overrides, message
):
    client = login(personas.salesperson)
    response = client.post(
        reverse("visits:visit_new"), _visit_form(hangzhou_customer, **overrides), **HTMX
    )
    assert message in response.content.decode()
    assert not Visit.objects.exists()


def test_customer_autocomplete_offers_only_visitable_customers(
    personas, login, hangzhou_customer, jiangsu_customer
):
    client = login(personas.salesperson)
    body = client.get(reverse("visits:customer_options"), {"customer": "杭州"}).content.decode()
    assert f"#{hangzhou_customer.pk}" in body
    body = client.get(reverse("visits:customer_options"), {"customer": "南京"}).content.decode()
    assert "option" not in body


def test_visit_log_shows_late_entries_to_the_manager(
    personas, login, hangzhou_customer, django_assert_max_num_queries
):
    for days in (1, 5, 6):
        services.record_visit(
            by=personas.salesperson,
            customer=hangzhou_customer,
            visited_at=timezone.now() - timedelta(days=days),
            kind=Visit.Kind.PHONE,
            competitors=[{"brand": "3M"}],
        )
    client = login(personas.manager)
    with django_assert_max_num_queries(15):
        response = client.get(
            reverse("visits:log"), {"salesperson": f"李明 #{personas.salesperson.pk}"}
        )
    body = response.content.decode()
    assert body.count("late entry</span>") == 2
    assert len(re.findall(r'id="visit-\d+"', body)) == 3
    late_only = client.get(reverse("visits:log"), {"late_only": "on"}).content.decode()
    assert len(re.findall(r'id="visit-\d+"', late_only)) == 2


def test_visit_log_finds_a_salesperson_by_part_of_their_name(personas, login, hangzhou_customer):
    VisitFactory(customer=hangzhou_customer, salesperson=personas.salesperson)
    client = login(personas.head_office)
    client.cookies["django_language"] = "zh-hans"

    suggested = client.get(reverse("visits:salespeople"), {"salesperson": "李"}).content.decode()
    typed = client.get(reverse("visits:log"), {"salesperson": "李"})
    nobody = client.get(reverse("visits:log"), {"salesperson": "不存在的人"})

    assert suggested.strip() == f'<option value="李明 #{personas.salesperson.pk}">li</option>'
    assert len(typed.context["visits"]) == 1
    assert nobody.context["visits"] == []
    assert 'id="id_salesperson-error">请从列表中选择一位人员。</div>' in nobody.content.decode()


def test_a_manager_is_suggested_the_salespeople_of_their_own_region_only(personas, login):
    client = login(personas.manager)

    body = client.get(reverse("visits:salespeople"), {"salesperson": ""}).content.decode()

    assert "李明" in body and "张伟" in body
    assert "林晓燕" not in body  # South China


def test_log_this_visit_link_prefills_the_customer(personas, login, hangzhou_customer):
    label = f"{hangzhou_customer.name} #{hangzhou_customer.pk}"
    response = login(personas.salesperson).get(reverse("visits:visit_new"), {"customer": label})
    assert f'value="{label}"' in response.content.decode()


def test_manager_corrects_a_visit_through_the_page(personas, login, hangzhou_customer):
    visit = services.record_visit(
        by=personas.salesperson,
        customer=hangzhou_customer,
        visited_at=timezone.now() - timedelta(hours=1),
        kind=Visit.Kind.ON_SITE,
        result="Signed",
    )
    services.lock_week(salesperson=personas.salesperson, week_start=timezone.localdate(), by=None)
    client = login(personas.manager)
    response = client.post(
        reverse("visits:visit_edit", args=[visit.pk]),
        {"kind": "on_site", "result": "Not signed yet", "reason": "Checked with the buyer"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.result == "Not signed yet"
    assert AuditEntry.objects.filter(action="visits.visit.corrected").count() == 1
    history = client.get(reverse("visits:visit_edit", args=[visit.pk])).content.decode()
    assert "visits.visit.corrected" in history
    assert "Checked with the buyer" in history
    assert "result against the objective: Signed" in history


def test_market_page_lists_top_competitors(personas, login, hangzhou_customer):
    services.record_visit(
        by=personas.salesperson,
        customer=hangzhou_customer,
        visited_at=timezone.now() - timedelta(hours=1),
        kind=Visit.Kind.ON_SITE,
        competitors=[{"brand": "回天", "strengths": "交货快"}],
    )
    body = (
        login(personas.manager)
        .get(reverse("visits:market", args=[personas.zhejiang.pk]))
        .content.decode()
    )
    assert "回天" in body
    assert "交货快" in body


def test_approval_queue_matches_who_may_decide_in_constant_queries(
    personas, make_plan, django_assert_max_num_queries
):
    from salesops import access
    from tests.customers.factories import CustomerFactory
    from visits import selectors

    make_plan("submitted")
    make_plan("manager_approved", cost=Decimal("9000"))
    managers_trip = make_plan("draft", salesperson=personas.manager)
    managers_trip.planned_visits.update(customer=CustomerFactory(territory=personas.shanghai_city))
    services.submit_trip_plan(plan=managers_trip, by=personas.manager)
    everyone = list(TripPlan.objects.select_related("salesperson", "region"))

    for persona in ("manager", "director", "admin", "other_manager", "salesperson"):
        user = getattr(personas, persona)
        expected = {plan.pk for plan in everyone if access.may_decide(user, plan)}
        with django_assert_max_num_queries(1):  # regions are a subquery: one query at most
            queue = {plan.pk for plan in selectors.approval_queue(user)}
        assert queue == expected, persona


def test_admin_shows_plans_and_visits_read_only(personas, login, make_plan):
    plan = make_plan("approved")
    client = login(personas.admin)
    page = client.get(reverse("admin:visits_tripplan_change", args=[plan.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:visits_visit_changelist")).status_code == 200


def test_plan_edit_page_shows_the_plans_values(personas, login, draft_plan):
    body = login(personas.salesperson).get(reverse("visits:plan_edit", args=[draft_plan.pk]))
    assert f'value="{draft_plan.title}"' in body.content.decode()


def test_plan_page_shows_the_expense_cap_and_planned_vs_spent(personas, login, draft_plan):
    response = login(personas.salesperson).get(reverse("visits:plan", args=[draft_plan.pk]))

    content = response.content.decode()
    assert 'id="expense-cap"' in content and 'id="plan-spend"' in content
    assert "This plan would add" in content
    assert "900.00" in content  # the draft's estimated lodging + transport


# --- refusals that say what to do next (rules.md §2.5) -----------------------------------------


def _log(client, customer_text):
    return client.post(
        reverse("visits:visit_new"),
        {
            "customer": customer_text,
            "visited_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "kind": Visit.Kind.ON_SITE,
        },
        **HTMX,
    )


def test_a_customer_across_the_territory_line_links_to_the_request_form(
    personas, login, jiangsu_customer
):
    page = _log(login(personas.salesperson), jiangsu_customer.name).content.decode()

    assert 'id="cross-request-offer"' in page
    assert reverse("territories:request_new") + "?customer=" in page
    assert f"%23{jiangsu_customer.pk}" in page
    assert not Visit.objects.exists()


def test_a_planned_visit_across_the_line_links_to_the_request_form(
    personas, login, draft_plan, jiangsu_customer
):
    response = login(personas.salesperson).post(
        reverse("visits:planned_add", args=[draft_plan.pk]),
        {"customer": jiangsu_customer.name, "day": draft_plan.starts_on, "purpose": "送样"},
        **HTMX,
    )

    assert 'id="cross-request-offer"' in response.content.decode()


def test_a_customer_of_another_region_is_refused_with_the_region_named(personas, login):
    from tests.customers.factories import CustomerFactory

    CustomerFactory(name="深圳宝安胶业", territory=personas.shenzhen)
    page = _log(login(personas.salesperson), "深圳宝安胶业").content.decode()

    assert "This customer is in another region (South China)" in page
    assert "Choose one customer from the list." not in page
    assert 'id="cross-request-offer"' not in page


def test_a_customer_of_another_region_cannot_be_probed_by_id(personas, login):
    from tests.customers.factories import CustomerFactory

    elsewhere = CustomerFactory(name="深圳宝安胶业", territory=personas.shenzhen)
    page = _log(login(personas.salesperson), f"whatever #{elsewhere.pk}").content.decode()

    assert "South China" not in page
    assert "Choose one customer from the list." in page


def test_visit_form_puts_type_right_after_customer_and_folds_the_competitor(personas, login):
    page = login(personas.salesperson).get(reverse("visits:visit_new")).content.decode()
    order = [
        page.index(f'name="{name}"')
        for name in ["customer", "kind", "person_met", "result", "follow_up_on", "visited_at"]
    ]

    assert order == sorted(order)
    details = page.index('<details id="competitor-details"')
    assert details < page.index('name="competitor_brand"') < page.index("</details>")
    assert page.index("</details>") < page.index('id="save-visit"')


def test_entered_today_lists_the_newest_first(personas, login, hangzhou_customer, ningbo_customer):
    client = login(personas.salesperson)
    _log(client, hangzhou_customer.name)
    page = _log(client, ningbo_customer.name).content.decode()
    today = page[page.index('id="entered-today"') :]

    assert today.index(ningbo_customer.name) < today.index(hangzhou_customer.name)


def test_my_trip_plans_reach_every_plan_a_page_at_a_time(personas, login):
    """The list stopped at 100 plans; its pages now reach each one, latest trip first, a trip
    sharing its first day with another kept in its place by id."""
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    plans = [
        TripPlanFactory(
            salesperson=personas.salesperson, starts_on=monday - timedelta(weeks=n // 2)
        )
        for n in range(PLANS_PER_PAGE + 4)
    ]
    TripPlanFactory(salesperson=personas.colleague)  # a colleague's, never listed
    latest_first = sorted(plans, key=lambda plan: (plan.starts_on, plan.pk), reverse=True)
    client = login(personas.salesperson)

    first = client.get(reverse("visits:plans"))
    second = client.get(reverse("visits:plans"), {"after": first.context["page"].next_cursor})

    shown = [plan.pk for plan in first.context["page"]] + [p.pk for p in second.context["page"]]
    assert shown == [plan.pk for plan in latest_first]
    assert len(first.context["page"]) == PLANS_PER_PAGE
    assert not second.context["page"].has_next
