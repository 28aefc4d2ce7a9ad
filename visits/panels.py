"""Panels the visits app adds to lower apps' pages (salesops.navigation.page_panels)."""

from django.http import HttpRequest

from salesops.models import CompanySettings
from salesops.navigation import Panel
from territories.models import Region
from visits import selectors


def region_panels(request: HttpRequest, *, region: Region) -> list[Panel]:
    """rules.md §2.1: cities with no customers or no recent visit, under the region's tree."""
    context = {
        "blank_areas": selectors.blank_areas(request.user, region),
        "blank_area_days": CompanySettings.current().blank_area_days,
    }
    return [Panel("visits/_partials/blank_areas_panel.html", context, order=10)]
