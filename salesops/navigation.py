"""Menu entries and panels, contributed by each app.

An app adds menu entries in `<app>/nav.py` (`NAV_ITEMS`) and home-page panels in
`<app>/home.py` (`def home_panels(request) -> list[Panel]`), so the project's own code never
needs to know which apps exist. The same way, a higher app adds panels to a lower app's page
in `<app>/panels.py` (`def <page>_panels(request, **objects) -> list[Panel]`): the territory
page shows visit figures and the trip plan page the expense cap, while territories and visits
never import the apps above them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LOCAL_APPS = [
    "territories",
    "customers",
    "visits",
    "sales",
    "expenses",
    "reports",
    "rollups",
    "scorecards",
]


# The menu's groups, by task, in the order they show. An app names one of these keys as its
# entry's `group`; a group with a single visible entry shows as a plain link.
NAV_GROUPS: dict[str, Any] = {
    "customers": _("Customers"),
    "field": _("Field work"),
    "numbers": _("Numbers"),
    "approvals": _("Approvals"),
    "territories": _("Territories"),
}


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in user with a role
    order: int = 100
    group: str = "customers"  # a key of NAV_GROUPS
    # The view's own access predicate (user -> bool): an entry shows only where its page opens,
    # so nobody is offered a page that answers 403.
    allowed: Callable[[Any], bool] | None = None
    # For an approval queue: the requests that wait for this user (user -> a QuerySet, or a
    # list of them, one per record type); the menu counts every visible queue in one query.
    count: Callable[[Any], QuerySet | list[QuerySet]] | None = None

    def visible_to(self, user) -> bool:
        if not getattr(user, "role", "") and not getattr(user, "is_superuser", False):
            return False
        if self.roles is not None and user.role not in self.roles and not user.is_superuser:
            return False
        return self.allowed is None or bool(self.allowed(user))


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def optional_module(app: str, name: str) -> ModuleType | None:
    """`<app>.<name>` if the app has that module, else None (an error inside it still raises)."""
    try:
        return import_module(f"{app}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{app}.{name}":
            raise
        return None


def app_modules(name: str) -> list[tuple[str, ModuleType]]:
    """Every app's `<app>.<name>` module that exists, lower apps first (LOCAL_APPS' order)."""
    found = ((app, optional_module(app, name)) for app in LOCAL_APPS)
    return [(app, module) for app, module in found if module is not None]


# The project's own pages in the menu (the apps add theirs in `<app>/nav.py`).
KERNEL_NAV_ITEMS = [
    NavItem(
        _("Company settings"),
        "company_settings",
        allowed=lambda user: user.owns_company_settings,  # the view's own test
        order=49,
        group="numbers",
    ),
]


@cache
def nav_items() -> list[NavItem]:
    items = KERNEL_NAV_ITEMS + [
        item for _app, module in app_modules("nav") for item in getattr(module, "NAV_ITEMS", [])
    ]
    unknown = {item.group for item in items} - NAV_GROUPS.keys()
    if unknown:
        raise ImproperlyConfigured(f"menu entries name unknown groups: {sorted(unknown)}")
    return sorted(items, key=lambda item: item.order)


@cache
def _panel_providers() -> list[Callable[[HttpRequest], list[Panel]]]:
    return [module.home_panels for _app, module in app_modules("home")]


def home_panels(request: HttpRequest) -> list[Panel]:
    panels = [panel for provider in _panel_providers() for panel in provider(request)]
    return sorted(panels, key=lambda panel: panel.order)


@cache
def _page_panel_providers(page: str) -> list[Callable[..., list[Panel]]]:
    found = (getattr(module, f"{page}_panels", None) for _app, module in app_modules("panels"))
    return [provider for provider in found if provider is not None]


def page_panels(page: str, request: HttpRequest, **objects: Any) -> list[Panel]:
    """Panels the apps add to `page` (e.g. "trip_plan" with plan=...), in their order."""
    panels = [
        panel for provider in _page_panel_providers(page) for panel in provider(request, **objects)
    ]
    return sorted(panels, key=lambda panel: panel.order)


def menu_for(user, current: str = "") -> list[dict[str, Any]]:
    """The user's menu: one dict per group (label, key, entries, waiting), in NAV_GROUPS order.

    `waiting` is the sum of the group's queue counts (the Approvals badge); an entry carries its
    own count too. The entry whose URL name is `current` (the page's view) and its group are
    marked active. Groups with nothing visible are left out.
    """
    if not (user.is_authenticated and user.is_active):
        return []
    visible = [item for item in nav_items() if item.visible_to(user)]
    queues = {
        f"q{index}-{part}": queue
        for index, item in enumerate(visible)
        if item.count
        for part, queue in enumerate(_as_list(item.count(user)))
    }
    counts = _counts(user, queues)
    groups: dict[str, list[dict[str, Any]]] = {key: [] for key in NAV_GROUPS}
    for index, item in enumerate(visible):
        groups[item.group].append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "url_name": item.url_name,
                "count": _entry_count(counts, index) if item.count else None,
                "active": item.url_name == current,
            }
        )
    return [
        {
            "key": key,
            "label": NAV_GROUPS[key],
            "entries": entries,
            "waiting": sum(entry["count"] or 0 for entry in entries),
            "active": any(entry["active"] for entry in entries),
        }
        for key, entries in groups.items()
        if entries
    ]


def request_menu(request: HttpRequest) -> list[dict[str, Any]]:
    """The signed-in user's menu for this request, built once: the page's layout shows it and
    the home reads its "Waiting for me" count, so both share the menu's one counting query."""
    if not hasattr(request, "_salesops_menu"):
        match = getattr(request, "resolver_match", None)
        request._salesops_menu = menu_for(request.user, match.view_name if match else "")
    return request._salesops_menu


def entry_count(menu: list[dict[str, Any]], url_name: str) -> int | None:
    """The count the menu shows beside the entry `url_name`; None when the entry is absent."""
    for group in menu:
        for entry in group["entries"]:
            if entry["url_name"] == url_name:
                return entry["count"]
    return None


def _as_list(queues: QuerySet | list[QuerySet]) -> list[QuerySet]:
    return list(queues) if isinstance(queues, list | tuple) else [queues]


def _entry_count(counts: dict[str, int], index: int) -> int:
    return sum(count for key, count in counts.items() if key.startswith(f"q{index}-"))


def _counts(user, queues: dict[str, QuerySet]) -> dict[str, int]:
    """How many rows each queue holds, in one query (a page's menu costs one query at most)."""
    if not queues:
        return {}
    subqueries = {
        key: Subquery(
            queue.model.objects.filter(pk__in=queue.order_by().values("pk"))
            .order_by()
            .annotate(rows=Func(F("pk"), function="COUNT"))
            .values("rows"),
            output_field=IntegerField(),
        )
        for key, queue in queues.items()
    }
    values = get_user_model().objects.filter(pk=user.pk).annotate(**subqueries).values(*subqueries)
    row = values.first() or {}
    return {key: row.get(key) or 0 for key in queues}


def menu_entries(user) -> list[dict[str, Any]]:
    """Every entry of the user's menu, flat (tests follow each one)."""
    return [entry for group in menu_for(user) for entry in group["entries"]]
