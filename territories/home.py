from django.db.models import F, QuerySet
from django.http import HttpRequest

from salesops import access
from salesops.models import User
from salesops.navigation import Panel
from territories.models import Region

PEOPLE_ROWS = 50


def _people_with_regions(people: QuerySet[User]) -> list[User]:
    """The first PEOPLE_ROWS people by role and username, each with `region_list` (all their
    regions, by code), in one query: a row per person and region (a left join, so a person
    without a region still shows) for the people a limited subquery picks. The subquery reads
    the first people off the sort alone; numbering every person of the scope by a window over
    the join to their regions read the company's 1,000 people at tier L for 50 of them
    (docs/performance.md, P1)."""
    first = (
        User.objects.filter(pk__in=people.order_by().values("pk"))
        .order_by("role", "username")
        .values("pk")[:PEOPLE_ROWS]
    )
    rows = (
        User.objects.filter(pk__in=first)
        .annotate(
            region_pk=F("regions__pk"),
            region_code=F("regions__code"),
            region_name_zh=F("regions__name_zh"),
            region_name_en=F("regions__name_en"),
        )
        .order_by("role", "username", "regions__code")
    )
    by_person: dict[int, User] = {}
    for row in rows:
        person = by_person.setdefault(row.pk, row)
        if person is row:
            person.region_list = []
        if row.region_pk is not None:
            region = Region(
                pk=row.region_pk,
                code=row.region_code,
                name_zh=row.region_name_zh,
                name_en=row.region_name_en,
            )
            person.region_list.append(region)
    return list(by_person.values())


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
                {"people": _people_with_regions(people)},
                order=30,
            )
        )
    return panels
