"""Demo organisation (rules.md §7.4 East China example): regions, people, roles and territories.

Idempotent: running it again finds what it made and adds only what is missing.
"""

from django.db import transaction

from salesops import access
from salesops.models import Role, User
from territories import services
from territories.divisions import load_divisions
from territories.models import Assignment, Region, Territory

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
    ("wu.haitao", "吴海涛", Role.SALESPERSON, ["south-china"], []),  # joining: no territory yet
]


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
        services.assign_territory(territory=territory, salesperson=person, by=manager)


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
