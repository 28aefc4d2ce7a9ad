"""The customer list's owner filter: a name typed with suggestions of the owners in scope, the
list narrowed to the one picked, and a name that is nobody's said so beside the field, in the
user's language, with nothing listed or exported."""

import csv
import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _suggested(client, typed: str) -> str:
    response = client.get(reverse("customers:owners"), {"owner": typed})
    assert response.status_code == 200
    return response.content.decode()


def _listed(response) -> set[str]:
    return {customer.name for customer in response.context["page"]}


def test_head_office_finds_an_owner_by_part_of_a_name(personas, login):
    client = login(personas.head_office)

    assert _suggested(client, "张").strip() == (
        f'<option value="张伟 #{personas.colleague.pk}">zhang</option>'
    )
    everyone = _suggested(client, "")  # on focus, before anything is typed
    assert "李明" in everyone and "林晓燕" in everyone and "王建国" in everyone
    assert "孙丽华" not in everyone  # head office sells nothing


def test_a_manager_is_offered_the_owners_of_their_own_region_only(personas, login):
    client = login(personas.manager)

    assert "李明" in _suggested(client, "李")
    assert "<option" not in _suggested(client, "林")  # 林晓燕 sells in South China


def test_the_list_shows_the_customers_of_the_owner_picked(personas, login, make_customer):
    make_customer(name="宁波永固胶业", owner=personas.salesperson)
    make_customer(name="宁波华达包装", owner=personas.colleague)
    client = login(personas.manager)

    picked = client.get(reverse("customers:list"), {"owner": f"张伟 #{personas.colleague.pk}"})
    typed = client.get(reverse("customers:list"), {"owner": "李"})

    assert _listed(picked) == {"宁波华达包装"}
    assert _listed(typed) == {"宁波永固胶业"}
    assert 'value="张伟 #' in picked.content.decode()  # the filter keeps what was picked


@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "请从列表中选择一位人员。"), ("en", "Choose one person from the list.")],
)
def test_an_owner_nobody_is_called_lists_nothing_and_says_so(
    personas, login, make_customer, language, message
):
    make_customer(name="宁波永固胶业", owner=personas.salesperson)
    client = login(personas.manager)
    client.cookies["django_language"] = language

    response = client.get(reverse("customers:list"), {"owner": "不存在的人"})
    exported = client.get(reverse("customers:export", args=["csv"]), {"owner": "不存在的人"})

    assert _listed(response) == set()
    assert f'<div class="invalid-feedback d-block" id="id_owner-error">{message}</div>' in (
        response.content.decode()
    )
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1  # the headings alone


def test_a_manager_cannot_pick_an_owner_of_another_region_by_number(personas, login, make_customer):
    make_customer(name="广州客户", territory=personas.guangzhou, owner=personas.other_salesperson)
    client = login(personas.manager)

    response = client.get(
        reverse("customers:list"), {"owner": f"林晓燕 #{personas.other_salesperson.pk}"}
    )

    assert _listed(response) == set()
    assert response.context["filter"].form.errors["owner"]


def test_a_salesperson_has_no_owner_to_choose(personas, login):
    response = login(personas.salesperson).get(reverse("customers:list"))

    assert "owner" not in response.context["filter"].form.fields
    assert "owner-options" not in response.content.decode()
