from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesopsConfig(AppConfig):
    name = "salesops"
    verbose_name = _("SalesOps")
