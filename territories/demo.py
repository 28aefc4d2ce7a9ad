"""Demo organisation (rules.md §7.4 East China example): regions, people, roles and territories.

Idempotent: running it again finds what it made and adds only what is missing.

Every app's demo covers the twelve months that end in the month it is loaded (`demo_months`),
and replays what people did on the day they did it (`acting_at`), through the same services a
user's data goes through.
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

from django.db import transaction
from django.utils import timezone

from salesops import access
from salesops.models import Role, User
from salesops.months import add_months, current_month
from territories import services
from territories.divisions import load_divisions
from territories.models import Assignment, Region, Territory

HISTORY_MONTHS = 12

DEMO_PASSWORD = "salesops-demo"  # noqa: S105 - printed by seed_demo, demo only

EAST_CHINA_PROVINCES = [
    "330000",
    "320000",
    "510000",
    "370000",
    "340000",
    "420000",
    "310000",
    "500000",
]
SOUTH_CHINA_PROVINCES = ["440000"]

# username, display name, role, region codes, territory codes held (None: the office city)
PEOPLE = [
    ("admin", "系统管理员", Role.ADMIN, [], []),
    ("sun.lihua", "孙丽华", Role.HEAD_OFFICE, [], []),
    ("zhao.lixin", "赵立新", Role.DIRECTOR, ["east-china", "south-china"], []),
    ("wang.jianguo", "王建国", Role.MANAGER, ["east-china"], [None]),
    ("li.ming", "李明", Role.SALESPERSON, ["east-china"], ["330000"]),
    ("zhang.wei", "张伟", Role.SALESPERSON, ["east-china"], ["320000", "340000"]),
    ("liu.yang", "刘洋", Role.SALESPERSON, ["east-china"], ["370000", "420000"]),
    ("chen.jing", "陈静", Role.SALESPERSON, ["east-china"], ["510000", "500000"]),
    ("huang.zhiqiang", "黄志强", Role.MANAGER, ["south-china"], [None]),
    ("lin.xiaoyan", "林晓燕", Role.SALESPERSON, ["south-china"], ["440300", "440600", "441900"]),
    # Deliberately without a territory: he has just joined, and his manager has yet to give him
    # one (the people panel shows him; his own pages are empty until then). Said by seed_demo.
    ("wu.haitao", "吴海涛", Role.SALESPERSON, ["south-china"], []),
]
NEWCOMER = "wu.haitao"


def demo_months() -> list[date]:
    """The twelve months of demo history, the current month last."""
    this_month = current_month()
    return [add_months(this_month, offset) for offset in range(1 - HISTORY_MONTHS, 1)]


@contextmanager
def acting_at(moment: datetime):
    """Demo only: the services see `moment` as the present, so a replayed action (a quota set
    before its month, a claim submitted by the 5th, a visit entered on its day) is dated and
    judged as when a person did it."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _office_city(province_code: str) -> Territory:
    """The city-level territory of the regional office: it belongs to the manager
    (rules.md §2.3)."""
    province = Territory.objects.get(code=province_code)
    return province.children.order_by("code").first() or province


def _region(code: str, name_zh: str, name_en: str, provinces: list[str], office: str) -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name_zh": name_zh, "name_en": name_en}
    )
    for province in Territory.objects.filter(code__in=provinces).exclude(region=region):
        services.add_province_to_region(province=province, region=region, by=None)
    if region.office_city is None:
        region.office_city = _office_city(office)
        region.save(update_fields=["office_city"])
    return region


def _person(username: str, display_name: str, role: str) -> User:
    person, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display_name,
            "role": role,
            "email": f"{username}@example.com",
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
        },
    )
    if created:
        person.set_password(DEMO_PASSWORD)
        person.save(update_fields=["password"])
    return person


def _hold(person: User, territory: Territory, manager: User) -> None:
    if not Assignment.objects.active().filter(territory=territory).exists():
        # Held since before the demo's first month, so the whole history lies inside it.
        started_on = add_months(demo_months()[0], -1)
        services.assign_territory(
            territory=territory, salesperson=person, by=manager, started_on=started_on
        )


@transaction.atomic
def seed(out) -> None:
    if not Territory.objects.exists():
        out.write(f"  loaded {load_divisions()} administrative divisions")
    regions = {
        "east-china": _region(
            "east-china", "华东大区", "East China", EAST_CHINA_PROVINCES, "310000"
        ),
        "south-china": _region(
            "south-china", "华南大区", "South China", SOUTH_CHINA_PROVINCES, "440000"
        ),
    }
    people = {}
    for username, display_name, role, region_codes, _held in PEOPLE:
        person = _person(username, display_name, role)
        person.regions.add(*(regions[code] for code in region_codes))
        people[username] = person
    for username, _name, _role, region_codes, held in PEOPLE:
        for territory_code in held:
            region = regions[region_codes[0]]
            manager = next(
                p
                for p in people.values()
                if access.is_manager(p) and p.regions.filter(pk=region.pk).exists()
            )
            territory = (
                region.office_city
                if territory_code is None
                else Territory.objects.get(code=territory_code)
            )
            _hold(people[username], territory, manager)
    out.write(f"  {len(people)} people in {len(regions)} regions")
    newcomer = people[NEWCOMER]
    if not Assignment.objects.active().filter(salesperson=newcomer).exists():
        out.write(
            f"  {newcomer.display_name} ({newcomer.username}) has just joined South China and holds"
            " no territory yet: his manager assigns him one"
        )


def demo_day_at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local moment on a demo day, never later than now (today's events happened already)."""
    moment = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        hours=hour, minutes=minute
    )
    return min(moment, timezone.now() - timedelta(minutes=5))
