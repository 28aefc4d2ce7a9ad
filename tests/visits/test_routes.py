"""Route ordering (rules.md §5.5 field planning) on known coordinates."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.customers.factories import CustomerFactory
from tests.visits.factories import plan_visit
from visits import routes, services

HANGZHOU = routes.Stop("hangzhou", 30.2741, 120.1551)
SHANGHAI = routes.Stop("shanghai", 31.2304, 121.4737)
SUZHOU = routes.Stop("suzhou", 31.2989, 120.5853)
NINGBO = routes.Stop("ningbo", 29.8683, 121.5440)
JIAXING = routes.Stop("jiaxing", 30.7522, 120.7500)


def test_great_circle_distance_hangzhou_to_shanghai_is_about_160_km():
    assert routes.great_circle_km(HANGZHOU, SHANGHAI) == pytest.approx(164, abs=3)


def test_stops_along_a_line_are_visited_in_order_from_the_first():
    # Hangzhou → Jiaxing → Suzhou → Shanghai lies roughly on one arc.
    ordered = routes.two_opt(routes.nearest_neighbour([HANGZHOU, SHANGHAI, JIAXING, SUZHOU]))
    assert [stop.key for stop in ordered] == ["hangzhou", "jiaxing", "suzhou", "shanghai"]


def test_two_opt_untangles_a_crossing_route():
    # A square walked corner to opposite corner crosses itself; 2-opt walks its sides.
    a, b, c, d = (
        routes.Stop(k, lat, lng)
        for k, lat, lng in [
            ("a", 30.0, 120.0),
            ("b", 30.0, 121.0),
            ("c", 31.0, 121.0),
            ("d", 31.0, 120.0),
        ]
    )
    crossed = [a, c, b, d]
    untangled = routes.two_opt(crossed)
    assert routes.path_length(untangled) < routes.path_length(crossed)
    assert [stop.key for stop in untangled] in (["a", "b", "c", "d"], ["a", "d", "c", "b"])


def test_day_route_applies_road_factor_and_speed():
    route = routes.plan_day([HANGZHOU, SHANGHAI], road_factor=1.3, speed_kmh=40, capacity=4)
    straight = routes.great_circle_km(HANGZHOU, SHANGHAI)
    assert route.road_km == pytest.approx(straight * 1.3)
    assert route.travel_minutes == pytest.approx(straight * 1.3 / 40 * 60)
    assert len(route.legs) == 1


def test_day_capacity_is_working_day_over_visit_plus_travel_time():
    # rules.md §5.5 defaults: 480 ÷ (60 + 40) = 4 visits.
    assert routes.day_capacity(working_day_minutes=480, visit_minutes=60, travel_minutes=40) == 4
    assert routes.day_capacity(working_day_minutes=480, visit_minutes=0, travel_minutes=0) == 0


def test_route_over_capacity_is_flagged():
    route = routes.plan_day([HANGZHOU, SHANGHAI, SUZHOU], road_factor=1, speed_kmh=40, capacity=2)
    assert route.over_capacity


coordinates = st.tuples(
    st.floats(min_value=18, max_value=45, allow_nan=False),
    st.floats(min_value=100, max_value=125, allow_nan=False),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(coordinates, min_size=0, max_size=9))
def test_two_opt_never_makes_a_route_longer(points):
    stops = [routes.Stop(index, lat, lng) for index, (lat, lng) in enumerate(points)]
    improved = routes.two_opt(stops)
    assert routes.path_length(improved) <= routes.path_length(stops) + 1e-6
    assert sorted(stop.key for stop in improved) == sorted(stop.key for stop in stops)
    if stops:
        assert improved[0] == stops[0]


@pytest.mark.django_db
def test_planned_visits_of_a_day_are_stored_in_route_order(personas, draft_plan):
    """Hangzhou (first planned), then Ningbo and Jiaxing-side Haining added out of order."""
    day = draft_plan.starts_on
    ningbo = CustomerFactory(territory=personas.ningbo, latitude="29.868", longitude="121.544")
    haining = CustomerFactory(territory=personas.xihu, latitude="30.510", longitude="120.680")
    shaoxing = CustomerFactory(territory=personas.xihu, latitude="30.000", longitude="120.580")
    for customer in (ningbo, haining, shaoxing):
        plan_visit(draft_plan, customer, day=day, purpose="Call")
    plan_visit(draft_plan, ningbo, day=day + timedelta(days=1), purpose="Another day")

    order = list(
        draft_plan.planned_visits.filter(day=day)
        .order_by("route_position")
        .values_list("customer__name", flat=True)
    )
    assert order == ["杭州永固胶业", haining.name, shaoxing.name, ningbo.name]


@pytest.mark.django_db
def test_customer_without_coordinates_falls_back_to_its_territory(personas, draft_plan):
    customer = CustomerFactory(territory=personas.ningbo)  # Ningbo: 29.87, 121.54
    plan_visit(draft_plan, customer, purpose="Call")
    planned = list(draft_plan.planned_visits.select_related("customer__territory"))
    from salesops.models import CompanySettings

    route = services.day_route(planned, CompanySettings.current())
    assert len(route.stops) == 2
    assert route.road_km == pytest.approx(
        routes.great_circle_km(routes.Stop(0, 30.259, 120.130), routes.Stop(0, 29.87, 121.54))
        * 1.3,
        rel=1e-3,
    )


def test_diagram_draws_numbered_stops_inside_its_box_north_up():
    from visits import diagram

    stops = [
        routes.Stop(1, 30.2741, 120.1551, "Hangzhou"),
        routes.Stop(2, 31.2304, 121.4737, "Shanghai"),
        routes.Stop(3, 29.8683, 121.5440, "Ningbo"),
    ]
    route = routes.plan_day(stops, road_factor=1.3, speed_kmh=40, capacity=4)
    drawing = diagram.route_svg(route)

    assert [stop["number"] for stop in drawing["stops"]] == [1, 2, 3]
    assert len(drawing["path"].split()) == 3
    for stop in drawing["stops"]:
        assert 0 <= stop["x"] <= drawing["width"]
        assert 0 <= stop["y"] <= drawing["height"]
    at = {stop["label"]: (stop["x"], stop["y"]) for stop in drawing["stops"]}
    assert at["Shanghai"][1] < at["Ningbo"][1]  # north is up
    assert at["Hangzhou"][0] < at["Ningbo"][0]  # east is right


def test_single_stop_draws_no_diagram():
    from visits import diagram

    route = routes.plan_day([HANGZHOU], road_factor=1.3, speed_kmh=40, capacity=4)
    assert diagram.route_svg(route) is None
