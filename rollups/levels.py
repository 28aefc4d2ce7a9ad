"""Where in the rollup a page stands: the company, a region, a province, a city or a person,
resolved through the user's scope (rules.md §1.7: outside it is 404).

A level knows how to narrow each rollup table to itself and which level lies below it, so the
pages, the explanations, the exports and the PDF all read the same cells.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from rollups import kept
from rollups.models import SalesCell
from salesops import access
from salesops.models import User
from salesops.months import current_month
from territories.models import Region, Territory

COMPANY, REGION, PROVINCE, CITY, PERSON = "company", "region", "province", "city", "person"
NARROWING = ("region", "area", "person")
VERSIONS = "versions"  # the versions of the tables a level's reads are kept under
CHILD_KIND = {COMPANY: REGION, REGION: PROVINCE, PROVINCE: CITY, CITY: PERSON, PERSON: "customer"}


def may_read_rollups(user: User) -> bool:
    """Managers read their region's rollup, directors theirs, head office and the admin every
    region (rules.md §1.1, §9.5); salespeople have their own attainment page instead."""
    return access.sees_team(user)


@dataclass
class Level:
    kind: str
    month: date
    regions: list[Region]  # the regions the user may read
    region: Region | None = None
    area: Territory | None = None  # a province or a city
    person: User | None = None
    # Whether the page draws the twelve months before the month (the rollup page's charts):
    # a page of the month alone (the director's and head office's home) reads the visits and
    # classes of that month, not of thirteen.
    series: bool = True
    # Rows that several parts of a page read (the series, the children, the channels), kept
    # for the level's one request so each is queried once.
    reads: dict = field(default_factory=dict, repr=False, compare=False)

    def read_once(self, name: str, read):
        if name not in self.reads:
            self.reads[name] = read()
        return self.reads[name]

    def read_kept(self, name: str, read, cells: tuple[str, ...] = (kept.SALES,)):
        """`read_once` for a read of the tables `cells` names alone (the sales cells unless
        told), kept between requests while they do not change (`rollups.kept`). The versions
        are read once per level, in one query, unless a query of the page brought them
        (`knows_versions`)."""
        versions = self.read_once(VERSIONS, kept.figures_versions)
        version = tuple(versions[table] for table in cells)
        return self.read_once(name, lambda: kept.kept_read(self._key(name), version, read))

    def knows_versions(self, versions: dict[str, int | None]) -> None:
        """The versions, as a query that the page runs anyway read them beside its rows
        (`kept.versions_carried`): no query of their own."""
        self.reads[VERSIONS] = versions

    def _key(self, name: str) -> str:
        """What tells this level's read `name` from any other level's."""
        regions = ",".join(str(pk) for pk in sorted(region.pk for region in self.regions))
        narrowed = [getattr(self, part).pk if getattr(self, part) else "" for part in NARROWING]
        span = "series" if self.series else "month"
        parts = [name, self.kind, f"{self.month:%Y-%m}", span, regions, *map(str, narrowed)]
        return ":".join(parts)

    @property
    def child_kind(self) -> str:
        return CHILD_KIND[self.kind]

    @property
    def title(self) -> str:
        if self.person:
            return f"{self.person} · {self.area}" if self.area else str(self.person)
        if self.area:
            return str(self.area)
        if self.region:
            return str(self.region)
        return _("All regions") if len(self.regions) > 1 else str(self.regions[0])

    def params(self) -> dict[str, str]:
        """The query string that reopens this level."""
        params = {}
        if self.region:
            params["region"] = self.region.code
        if self.area:
            params["area"] = str(self.area.pk)
        if self.person:
            params["person"] = str(self.person.pk)
        return params

    def breadcrumbs(self) -> list[tuple[str, dict[str, str]]]:
        crumbs = [(_("All regions"), {})]
        region = self.region or (self.area.region if self.area else None)
        if region:
            crumbs.append((str(region), {"region": region.code}))
        if self.area and self.area.level == Territory.Level.CITY:
            province = self.area.parent
            crumbs.append((str(province), {"area": str(province.pk)}))
        if self.area:
            crumbs.append((str(self.area), {"area": str(self.area.pk)}))
        if self.person:
            crumbs.append((str(self.person), self.params()))
        return crumbs

    def where(self, *, person: str | None = "salesperson", place: bool = True) -> Q:
        """The filter of a rollup table for this level; `person` names the table's person
        column (None: the table has none), `place` whether it has region/province/city."""
        condition = Q(region__in=self.regions) if place else Q()
        if self.region and place:
            condition &= Q(region=self.region)
        if self.area and place:
            field = "province" if self.area.level == Territory.Level.PROVINCE else "city"
            condition &= Q(**{field: self.area})
        if self.person:
            condition &= Q(**{person: self.person}) if person else Q(pk__in=[])
        return condition

    @property
    def reads_shares(self) -> bool:
        """Quotas, targets and travel costs are kept per person (rules.md §7.3, §7.11): the
        company and a person read the scores; a region, a province or a city the parts of
        its people's scores placed on its territories (rules.md §9.5)."""
        return self.kind in (REGION, PROVINCE, CITY)

    def score_where(self) -> Q:
        condition = Q(region__in=self.regions)
        if self.region:
            condition &= Q(region=self.region)
        if self.person:
            condition &= Q(salesperson=self.person)
        return condition


def latest_level(user: User) -> Level:
    """All the user's regions at the newest month with sales in them, where the rollup opens;
    the regions, that month and the cells' version are read in one query."""
    newest = SalesCell.objects.filter(region=OuterRef("pk")).order_by("-month").values("month")
    regions = _regions(user, access.visible_regions(user).annotate(newest=Subquery(newest[:1])))
    months = [region.newest for region in regions if region.newest]
    return _company(max(months, default=current_month()), regions)


def _regions(user: User, regions) -> list[Region]:
    """The user's regions, each with the versions of the tables the rollup keeps reads of
    (the same on every row)."""
    if not may_read_rollups(user):
        raise PermissionDenied
    regions = list(regions.annotate(**kept.versions_carried()).order_by("code"))
    if not regions:
        raise PermissionDenied
    return regions


def _company(month: date, regions: list[Region]) -> Level:
    """The user's regions at a month, with the versions their query brought."""
    level = Level(COMPANY, month, regions)
    level.knows_versions(kept.carried_versions(regions[0]))
    return level


def level_for(user: User, month: date, params) -> Level:
    level = _company(month, _regions(user, access.visible_regions(user)))
    if params.get("region"):
        level.region = get_object_or_404(access.visible_regions(user), code=params["region"])
        level.kind = REGION
    if params.get("area"):
        level.area = _area(user, params["area"])
        level.region = None
        level.kind = PROVINCE if level.area.level == Territory.Level.PROVINCE else CITY
    if params.get("person"):
        level.person = get_object_or_404(access.visible_people(user), pk=_number(params["person"]))
        level.kind = PERSON
    return level


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _area(user: User, pk: str) -> Territory:
    areas = Territory.objects.select_related("region", "parent").filter(
        region__in=access.visible_regions(user),
        level__in=[Territory.Level.PROVINCE, Territory.Level.CITY],
    )
    return get_object_or_404(areas, pk=_number(pk))
