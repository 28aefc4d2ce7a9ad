from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    name = "expenses"
    verbose_name = _("Expenses")

    def ready(self):
        from expenses import receivers, workflow  # noqa: F401 - signal receivers, the approval workflow
