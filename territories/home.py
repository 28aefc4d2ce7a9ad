from django.http import HttpRequest

from salesops import access
from salesops.navigation import Panel


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels = []
    if user.sells:
        panels.append(
            Panel(
                "territories/_partials/my_territories_panel.html",
                {"assignments": access.held_assignments(user)},  # the scope's, read once
                order=10,
            )
        )
    if access.sees_team(user):
        people = access.visible_people(user).filter(is_active=True).exclude(role="")
        panels.append(
            Panel(
                "territories/_partials/people_panel.html",
                {"people": people.prefetch_related("regions").order_by("role", "username")[:50]},
                order=30,
            )
        )
    return panels
