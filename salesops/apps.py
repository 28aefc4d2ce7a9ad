from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesopsConfig(AppConfig):
    name = "salesops"
    verbose_name = _("SalesOps")

    def ready(self) -> None:
        from salesops import accounts  # noqa: F401 (connects the session receiver)
