"""Field planning (rules.md §5.5): order a day's planned visits into a route.

Pure functions over coordinates, no database: a nearest-neighbour tour improved by 2-opt, with
great-circle distances stretched by a road factor and travel time at an average speed.
"""

import itertools
from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Stop:
    key: object  # what the caller wants back (a planned visit's id)
    latitude: float
    longitude: float
    label: str = ""


@dataclass(frozen=True)
class Leg:
    origin: Stop
    destination: Stop
    road_km: float
    minutes: float


@dataclass(frozen=True)
class DayRoute:
    stops: list[Stop]
    legs: list[Leg]
    road_km: float
    travel_minutes: float
    capacity: int  # visits the working day holds (rules.md §5.5)

    @property
    def over_capacity(self) -> bool:
        return len(self.stops) > self.capacity


def great_circle_km(a: Stop, b: Stop) -> float:
    """Haversine distance between two stops."""
    lat1, lng1, lat2, lng2 = map(radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def path_length(stops: list[Stop]) -> float:
    return sum(great_circle_km(a, b) for a, b in itertools.pairwise(stops))


def nearest_neighbour(stops: list[Stop]) -> list[Stop]:
    """Start at the first stop and always go to the closest one not yet visited."""
    if len(stops) < 3:
        return list(stops)
    route, remaining = [stops[0]], list(stops[1:])
    while remaining:
        closest = min(remaining, key=lambda stop: great_circle_km(route[-1], stop))
        route.append(closest)
        remaining.remove(closest)
    return route


def two_opt(stops: list[Stop]) -> list[Stop]:
    """Reverse segments while that shortens the (open) path; the first stop stays first.

    A reversal is kept only when it makes the path strictly shorter, so the result is never
    longer than the input.
    """
    route = list(stops)
    improved = True
    while improved:
        improved = False
        for i in range(1, len(route) - 1):
            for j in range(i + 1, len(route)):
                candidate = route[:i] + route[i : j + 1][::-1] + route[j + 1 :]
                if path_length(candidate) < path_length(route) - 1e-9:
                    route, improved = candidate, True
    return route


def day_capacity(*, working_day_minutes: int, visit_minutes: int, travel_minutes: int) -> int:
    """rules.md §5.5: working hours ÷ (average visit time + average travel time)."""
    per_visit = visit_minutes + travel_minutes
    return working_day_minutes // per_visit if per_visit else 0


def plan_day(
    stops: list[Stop],
    *,
    road_factor: float,
    speed_kmh: float,
    capacity: int,
) -> DayRoute:
    ordered = two_opt(nearest_neighbour(stops))
    legs = []
    for origin, destination in itertools.pairwise(ordered):
        road_km = great_circle_km(origin, destination) * road_factor
        minutes = road_km / speed_kmh * 60 if speed_kmh else 0.0
        legs.append(Leg(origin, destination, road_km, minutes))
    return DayRoute(
        stops=ordered,
        legs=legs,
        road_km=sum(leg.road_km for leg in legs),
        travel_minutes=sum(leg.minutes for leg in legs),
        capacity=capacity,
    )


def diagram_points(stops: list[Stop], *, width: int = 320, height: int = 220, margin: int = 20):
    """Project stops onto an SVG box (equirectangular, longitude scaled by the latitude's
    cosine so shapes are not stretched). Returns [(x, y, stop)]."""
    if not stops:
        return []
    mean_lat = radians(sum(stop.latitude for stop in stops) / len(stops))
    xs = [stop.longitude * cos(mean_lat) for stop in stops]
    ys = [stop.latitude for stop in stops]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = min(width, height) - 2 * margin
    # Centre the drawing in the box (a single stop sits in the middle).
    left = (width - (max(xs) - min(xs)) / span * scale) / 2
    bottom = (height - (max(ys) - min(ys)) / span * scale) / 2
    return [
        (
            round(left + (x - min(xs)) / span * scale, 1),
            round(height - bottom - (y - min(ys)) / span * scale, 1),
            stop,
        )
        for x, y, stop in zip(xs, ys, stops, strict=True)
    ]
