from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "rollups"
    verbose_name = _("Region rollups")

    def ready(self) -> None:
        from rollups import receivers  # noqa: F401 - connects the refresh receivers
