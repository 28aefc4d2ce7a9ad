from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from sales import receivers, workflow  # noqa: F401 - signal receivers, the approval workflow
