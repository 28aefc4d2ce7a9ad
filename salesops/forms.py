import re

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from salesops import tasks
from salesops.company_settings import EDITABLE_FIELDS
from salesops.models import CompanySettings


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form (no user enumeration: the same answer for any address), mailing
    through the worker so a slow mail server never holds up the page."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        tasks.send_email.delay(subject=subject, body=body, to=[to_email])


def add_domain_error(form, error) -> None:
    """Show a service's refusal next to the field it names (or at the top of the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# Browsers' date and time inputs take only ISO values (2026-11-28, 2026-11-28T23:12, 2026-11);
# Django would render the language's own format (2026/11/28 in Chinese), which the browser
# drops, so a form saved unchanged would lose the date. Every date or time input uses these.
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


_ID_SUFFIX = re.compile(r"#(\d+)\s*$")


class NamedChoiceField(forms.CharField):
    """A record typed by name, with suggestions as the user types (an htmx-filled <datalist>).

    A suggestion reads "name #id"; a typed name is taken when it names exactly one record of
    the queryset (a full name first, then a part of one). The form sets `queryset`, and
    `suggest(url, list_id)` wires the input to the endpoint that renders the <option>s.
    """

    default_error_messages = {"choose": _("Choose one customer from the list.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 220)
        super().__init__(*args, **kwargs)
        self.queryset = None

    def suggest(self, *, url: str, list_id: str) -> None:
        self.widget.attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "hx-get": url,
                "hx-trigger": "input changed delay:200ms",
                "hx-target": f"#{list_id}",
                # Fill the list, never replace it: the form around the input swaps its
                # outerHTML, which would remove the <datalist> after the first keystroke.
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )

    def prepare_value(self, value):
        if hasattr(value, "pk"):
            return f"{value} #{value.pk}"
        return value

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        match = _ID_SUFFIX.search(text)
        if match:
            found = self.queryset.filter(pk=int(match.group(1)))
        else:
            found = self.queryset.filter(name__iexact=text)
            if not found.exists():
                found = self.queryset.filter(name__icontains=text)
        records = list(found[:2])
        if len(records) != 1:
            raise forms.ValidationError(self.error_messages["choose"], code="choose")
        return records[0]


MONTHS_OF_THE_YEAR = sorted(MONTHS.items())


class CompanySettingsForm(forms.ModelForm):
    """rules.md §0.5: every setting, and the day the change takes effect."""

    effective_from = forms.DateField(label=_("Takes effect from"), widget=DateInput())
    carry_over_restart_months = forms.TypedMultipleChoiceField(
        label=_("Carry-over restarts in"),
        choices=MONTHS_OF_THE_YEAR,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: carry-over runs on from month to month without a reset."),
    )

    class Meta:
        model = CompanySettings
        fields = EDITABLE_FIELDS

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
        data["carry_over_restart_months"] = sorted(data["carry_over_restart_months"])
        return data
