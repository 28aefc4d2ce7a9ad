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

from django.http import HttpRequest
from django.urls import reverse

LOCAL_APPS = ["territories", "customers", "visits", "sales", "expenses", "reports"]


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in user with a role
    order: int = 100

    def visible_to(self, user) -> bool:
        if not getattr(user, "role", "") and not getattr(user, "is_superuser", False):
            return False
        return self.roles is None or user.role in self.roles or user.is_superuser


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


@cache
def nav_items() -> list[NavItem]:
    items = [
        item for _app, module in app_modules("nav") for item in getattr(module, "NAV_ITEMS", [])
    ]
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


def menu_for(user) -> list[dict[str, str]]:
    if not (user.is_authenticated and user.is_active):
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in nav_items()
        if item.visible_to(user)
    ]
