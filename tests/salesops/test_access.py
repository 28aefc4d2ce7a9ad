"""salesops.access: who sees and changes which territories. Access fails closed."""

import pytest
from django.utils import timezone

from salesops import access
from salesops.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_salesperson_sees_held_province_with_its_cities_and_counties(personas):
    assert codes(access.visible_territories(personas.salesperson)) == {
        "330000",
        "330100",
        "330106",
        "330200",
    }


def test_salesperson_holding_a_city_sees_only_that_subtree(personas):
    assert codes(access.visible_territories(personas.manager)) >= {"310000", "330106"}  # region
    assert codes(access.held_territories(personas.manager)) == {"310100"}


def test_manager_sees_the_whole_region_and_nothing_of_another(personas):
    visible = codes(access.visible_territories(personas.manager))
    assert {"330000", "330106", "310100", "320000"} <= visible
    assert not visible & {"440000", "440100"}


def test_director_sees_every_region_they_oversee(personas):
    assert {"330106", "440300"} <= codes(access.visible_territories(personas.director))


def test_head_office_sees_all_regions_but_changes_nothing(personas):
    assert {"330106", "440300"} <= codes(access.visible_territories(personas.head_office))
    assert not access.changeable_territories(personas.head_office).exists()


def test_user_without_role_or_region_sees_nothing(personas):
    assert not access.visible_territories(personas.outsider).exists()
    assert not access.visible_regions(personas.outsider).exists()
    assert list(access.visible_people(personas.outsider)) == []


def test_manager_without_region_sees_nothing(personas):
    lonely = UserFactory(username="lonely", role=Role.MANAGER)
    assert not access.visible_territories(lonely).exists()


def test_salesperson_without_assignment_sees_no_territory(personas):
    newcomer = UserFactory(username="newcomer", role=Role.SALESPERSON, regions=[personas.east])
    assert not access.visible_territories(newcomer).exists()


def test_ended_assignment_takes_effect_on_the_next_request(personas):
    personas.salesperson.assignments.update(ended_on=timezone.localdate())
    fresh_request_user = type(personas.salesperson).objects.get(pk=personas.salesperson.pk)
    assert not access.visible_territories(fresh_request_user).exists()


def test_deactivated_user_sees_nothing(personas):
    personas.manager.is_active = False
    assert not access.visible_territories(personas.manager).exists()


def test_assignment_in_a_region_the_person_left_gives_no_access(personas):
    personas.salesperson.regions.clear()
    assert not access.visible_territories(personas.salesperson).exists()


def test_only_the_regions_own_manager_is_its_first_level_approver(personas):
    assert access.is_regional_manager_of(personas.manager, personas.east)
    assert not access.is_regional_manager_of(personas.other_manager, personas.east)
    assert not access.is_regional_manager_of(personas.director, personas.east)
    assert not access.is_regional_manager_of(personas.salesperson, personas.east)
