"""Every date, time and month input of every form renders an ISO value, whatever the language:
browsers drop any other value from <input type=date|datetime-local|month>."""

import importlib
import inspect
import pkgutil
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.utils import timezone, translation

from salesops.forms import DateInput, DateTimeInput, MonthInput

PROJECT_APPS = [app for app in settings.INSTALLED_APPS if "." not in app]


def _project_forms():
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "forms" not in module_info.name.rsplit(".", 1)[-1]:
                continue
            module = importlib.import_module(module_info.name)
            for _, form in inspect.getmembers(module, inspect.isclass):
                if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                    yield form


def _date_fields():
    for form in _project_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                yield f"{form.__name__}.{name}", field


def test_the_project_has_date_fields_to_check():
    assert len(list(_date_fields())) >= 10


def test_every_date_field_uses_an_iso_widget():
    wrong = [
        name
        for name, field in _date_fields()
        if not isinstance(field.widget, DateInput | DateTimeInput | MonthInput)
    ]
    assert wrong == []


def test_date_widgets_render_iso_values_in_chinese():
    moment = datetime(2026, 11, 28, 23, 12, tzinfo=timezone.get_current_timezone())
    with translation.override("zh-hans"):
        assert 'value="2026-11-28"' in DateInput().render("d", date(2026, 11, 28))
        assert 'value="2026-11-28T23:12"' in DateTimeInput().render("t", moment)
        assert 'value="2026-11"' in MonthInput().render("m", date(2026, 11, 1))
