"""salesops.forms.LongSelect writes the markup Django's own Select writes, escaping included."""

import re

import pytest
from django import forms

from salesops.forms import LongSelect, offers_a_choice
from salesops.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _without_layout_space(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def _people_field(widget):
    class PeopleForm(forms.Form):
        person = forms.ModelChoiceField(
            label="人员", queryset=User.objects.order_by("username"), widget=widget
        )

    return PeopleForm


@pytest.mark.parametrize("data", [None, "chosen"], ids=["unbound", "one-chosen"])
def test_it_renders_what_a_plain_select_renders(data):
    UserFactory(username="wang", display_name='王<b>经理</b> & "张"')
    chosen = UserFactory(username="zhou", display_name="周销售")
    bound = {"person": str(chosen.pk)} if data else None

    ours = _people_field(LongSelect(attrs={"class": "form-select"}))(bound)["person"]
    django = _people_field(forms.Select(attrs={"class": "form-select"}))(bound)["person"]

    assert _without_layout_space(ours) == _without_layout_space(django)
    assert "&lt;b&gt;" in str(ours) and "<b>" not in str(ours)


def test_grouped_choices_keep_their_groups():
    choices = [("华东", [("sh", "上海"), ("hz", "杭州")]), ("bj", "北京")]
    ours = LongSelect(choices=choices).render("city", "hz")
    django = forms.Select(choices=choices).render("city", "hz")
    assert _without_layout_space(ours) == _without_layout_space(django)


def test_a_filter_offers_a_choice_from_two_people_reading_two_rows_at_most(
    django_assert_num_queries,
):
    people = User.objects.order_by("username")
    UserFactory(username="li")
    with django_assert_num_queries(1) as queries:
        assert not offers_a_choice(people)
    UserFactory(username="wang")
    UserFactory(username="zhang")
    assert offers_a_choice(people)
    assert "LIMIT 2" in queries.captured_queries[0]["sql"]
