"""The territory tree loaded from the division data file, and the demo organisation."""

from io import StringIO

import pytest
from django.core.management import call_command

from salesops.models import Role, User
from territories.divisions import load_divisions, read_rows
from territories.models import Assignment, Region, Territory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rows():
    return read_rows()


def test_all_of_mainland_china_loads_as_a_three_level_tree(rows):
    load_divisions(rows)
    counts = {
        level: Territory.objects.filter(level=level).count() for level in Territory.Level.values
    }
    assert counts["province"] == 31
    assert counts["city"] > 330 and counts["county"] > 2800
    assert not Territory.objects.filter(level="city").exclude(parent__level="province").exists()
    assert not Territory.objects.filter(level="county").exclude(parent__level="city").exists()


def test_a_county_sits_under_its_city_and_province_by_path(rows):
    load_divisions(rows)
    xihu = Territory.objects.get(code="330106")
    assert (xihu.name_zh, xihu.name_en) == ("西湖区", "Xihu District")
    assert xihu.path == "330000/330100/330106/"
    assert xihu.parent.name_en == "Hangzhou"
    assert 30 < xihu.latitude < 31 and 120 < xihu.longitude < 121


def test_loading_again_changes_nothing(rows):
    load_divisions(rows)
    before = list(Territory.objects.values_list("pk", "code", "path", "name_en").order_by("code"))
    load_divisions(rows)
    assert (
        list(Territory.objects.values_list("pk", "code", "path", "name_en").order_by("code"))
        == before
    )


def test_demo_builds_east_china_as_in_the_plan_and_can_run_twice():
    call_command("seed_demo", stdout=StringIO())
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert "wang.jianguo" in output.getvalue()
    east = Region.objects.get(code="east-china")
    provinces = set(east.territories.filter(level="province").values_list("name_en", flat=True))
    assert provinces == {
        "Zhejiang",
        "Jiangsu",
        "Sichuan",
        "Shandong",
        "Anhui",
        "Hubei",
        "Shanghai",
        "Chongqing",
    }
    salespeople = east.members.filter(role=Role.SALESPERSON)
    assert salespeople.count() == 4
    manager = east.members.get(role=Role.MANAGER)
    assert Assignment.objects.active().get(salesperson=manager).territory == east.office_city
    assert east.office_city.name_zh == "上海市"
    assert Assignment.objects.active().count() == 12
    assert (
        User.objects.filter(role=Role.DIRECTOR, regions=east)
        .filter(regions__code="south-china")
        .exists()
    )
