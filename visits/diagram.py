"""An offline route diagram: the day's stops projected onto an SVG box, drawn by the template
from plain numbers (no map tiles, no script)."""

from visits import routes

WIDTH, HEIGHT = 320, 220


def route_svg(route: routes.DayRoute) -> dict | None:
    """Coordinates for the template's <svg>: numbered stops and the path joining them."""
    if len(route.stops) < 2:
        return None  # one stop makes no route to draw
    points = routes.diagram_points(route.stops, width=WIDTH, height=HEIGHT)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "path": " ".join(f"{x},{y}" for x, y, _stop in points),
        "stops": [
            {"x": x, "y": y, "number": index, "label": stop.label}
            for index, (x, y, stop) in enumerate(points, start=1)
        ],
    }
