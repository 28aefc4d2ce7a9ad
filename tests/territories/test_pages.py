"""Territory pages: the tree with its holders, assigning through the form, query counts."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from territories.models import Assignment
from tests.factories import make_territory

pytestmark = pytest.mark.django_db


def test_region_tree_shows_who_holds_each_territory(personas, login):
    response = login(personas.manager).get(reverse("territories:region", args=["east-china"]))
    assert response.status_code == 200
    tree = response.text
    assert "Zhejiang" in tree and "李明" in tree and "王建国" in tree
    assert "Guangdong" not in tree


def test_region_tree_query_count_does_not_grow_with_the_territories(
    personas, login, django_assert_max_num_queries
):
    client = login(personas.manager)
    url = reverse("territories:region", args=["east-china"])
    client.get(url)
    with django_assert_max_num_queries(13) as small:  # one reads the second factor's device
        client.get(url)
    for number in range(20):
        make_territory(
            f"3205{number:02d}", f"城市{number}", f"City {number}", parent=personas.jiangsu
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_counties_load_below_their_city_on_demand(personas, login):
    response = login(personas.salesperson).get(
        reverse("territories:children", args=[personas.hangzhou.pk])
    )
    assert "Xihu District" in response.text
    assert "<html" not in response.text  # a partial for htmx


def test_a_county_unfolded_shows_its_holder_through_the_province_above(personas, login):
    """The rows read only the assignments that can cover them, which includes those above."""
    with translation.override("en"):
        response = login(personas.manager).get(
            reverse("territories:children", args=[personas.hangzhou.pk])
        )
    xihu = next(row for row in response.text.split("<tr")[1:] if "Xihu District" in row)
    assert str(personas.salesperson) in xihu
    assert "through Zhejiang" in xihu


def test_assigning_through_the_form_refuses_a_held_territory_next_to_the_field(personas, login):
    response = login(personas.manager).post(
        reverse("territories:assign", args=[personas.ningbo.pk]),
        {"salesperson": personas.colleague.pk, "started_on": "2026-12-01"},
    )
    assert response.status_code == 200
    assert "already held by 李明" in response.text
    assert not Assignment.objects.filter(territory=personas.ningbo).exists()


def test_assigning_with_a_malformed_date_says_so_and_saves_nothing(personas, login):
    personas.salesperson.assignments.update(ended_on=timezone.localdate())
    response = login(personas.manager).post(
        reverse("territories:assign", args=[personas.ningbo.pk]),
        {"salesperson": personas.colleague.pk, "started_on": "31/12/2026"},
    )
    assert "Enter a valid date." in response.text
    assert not Assignment.objects.filter(territory=personas.ningbo).exists()


def test_a_manager_can_only_pick_salespeople_of_the_region(personas, login):
    personas.salesperson.assignments.update(ended_on=timezone.localdate())
    response = login(personas.manager).post(
        reverse("territories:assign", args=[personas.ningbo.pk]),
        {"salesperson": personas.other_salesperson.pk, "started_on": "2026-12-01"},
    )
    assert "Select a valid choice" in response.text


def test_the_draw_page_records_the_result(personas, login):
    personas.salesperson.assignments.update(ended_on=timezone.localdate())
    response = login(personas.manager).post(
        reverse("territories:draw", args=[personas.zhejiang.pk]),
        {"candidates": [personas.salesperson.pk, personas.colleague.pk], "note": "抓阄"},
        follow=True,
    )
    assert "Draw held" in response.text
    winner = Assignment.objects.active().get(territory=personas.zhejiang).salesperson
    assert winner in {personas.salesperson, personas.colleague}


def test_home_page_speaks_chinese_when_asked(personas, login):
    client = login(personas.salesperson)
    with translation.override("zh-hans"):
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "我的辖区" in response.text and "浙江省" in response.text


def test_home_page_of_a_user_without_role_shows_nothing_but_a_notice(personas, login):
    response = login(personas.outsider).get(reverse("home"))
    assert "no role yet" in response.text
    assert "Zhejiang" not in response.text
