import re
import uuid
from datetime import date

from axes.helpers import get_client_ip_address
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import QuerySet
from django.template import loader
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from salesops import accounts, ledger, tasks
from salesops.company_settings import EDITABLE_FIELDS
from salesops.decisions import COMMENT_MAX_LENGTH, DECISION_LABELS
from salesops.models import CompanySettings, people_named
from salesops.months import EARLIEST_DATE, LATEST_DATE, in_date_window, parse_month
from salesops.names import name_contains, name_is


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form (no user enumeration: the same answer for any address), mailing
    through the worker so a slow mail server never holds up the page, and throttled per address
    and per client (the page answers the same when a request is throttled)."""

    def save(self, *args, request=None, **kwargs):
        client = get_client_ip_address(request) if request is not None else None
        if accounts.may_send_password_reset(email=self.cleaned_data["email"], client=client):
            super().save(*args, request=request, **kwargs)

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
        # Its own job (a reset mail is never joined with another), kept in the ledger until sent.
        ledger.enqueue(
            "salesops.password_reset_mail",
            uuid.uuid4().hex,
            tasks.send_email,
            subject=subject,
            body=body,
            to=[to_email],
        )


class BaseForm(forms.Form):
    """A form with its crispy helper and one submit button (`submit_label`)."""

    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class SecondFactorForm(BaseForm):
    """A code from the authenticator app, or a recovery code (salesops.mfa)."""

    submit_label = _("Continue")

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        if submit_label is not None:
            self.submit_label = submit_label
        super().__init__(*args, **kwargs)


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


def offers_a_choice(choices: QuerySet) -> bool:
    """Whether a filter has two or more choices to offer (a salesperson would only be offered
    themself). Reads two rows: the field reads its choices itself, and reading them all here
    too built a thousand people twice at head office of tier L (docs/performance.md, P1)."""
    return len(choices[:2]) > 1


class LongSelect(forms.Select):
    """A drop-down whose choices grow with the organisation (every salesperson or city in
    scope: a thousand at head office of tier L). Django renders each <option> through a
    template of its own; these are written in one pass with the same escaping (head office's
    customer list at tier L, 1,342 options: 148 ms → 56 ms, docs/performance.md, P1). The
    same markup as `forms.Select`."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = format_html_join(
            "",
            "{}",
            ((_option_group(label, options),) for label, options, _index in widget["optgroups"]),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, _attributes(widget["attrs"]), groups
        )


def _attributes(attrs: dict) -> str:
    """Django's attrs.html in one pass: in order, False left out, True as the bare name."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _option_group(label, options: list[dict]) -> str:
    rendered = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        # Most options carry no attributes: one format_html for them, not two.
        (
            (
                option["value"],
                _attributes(option["attrs"]) if option["attrs"] else "",
                option["label"],
            )
            for option in options
        ),
    )
    return format_html('<optgroup label="{}">{}</optgroup>', label, rendered) if label else rendered


def validate_date_window(value) -> None:
    """rules.md §0.6: a date (or moment) in a form lies between 2000-01-01 and 2100-12-31."""
    if value is not None and not in_date_window(value):
        raise forms.ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_window",
            params={
                "first": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "last": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
            },
        )


class DateField(forms.DateField):
    """A calendar date: the ISO date input, and the window of rules.md §0.6."""

    widget = DateInput
    default_validators = [validate_date_window]


class DateTimeField(forms.DateTimeField):
    """A moment: the ISO date-and-time input, and the window of rules.md §0.6."""

    widget = DateTimeInput
    default_validators = [validate_date_window]


def month_parameter(request, value: str | None, default: date | None = None) -> date | None:
    """The month a page's address names (?month=, ?period=), else `default`. A value that is
    not a month, or a month outside the window of rules.md §0.6, is said in a message."""
    month = parse_month(value)
    if month is not None:
        return month
    if value:
        messages.warning(
            request,
            _("“%(value)s” is not a month from 2000-01 to 2100-12; it was left out.")
            % {"value": value[:20]},
        )
    return default


def clean_search_text(text: str | None, max_length: int = 100) -> str:
    """What a user typed into a search or suggestion box, safe to put in a query: no NUL or
    other control characters (PostgreSQL refuses NUL in text), and not longer than a name."""
    return "".join(char for char in (text or "") if char.isprintable())[:max_length].strip()


NAME_ID_SUFFIX = re.compile(r"#(\d+)\s*$")


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

    def suggest(self, *, url: str, list_id: str, on_focus: bool = False) -> None:
        """`on_focus`: suggest before anything is typed too (the endpoint's first records)."""
        typed = "input changed delay:200ms"
        self.widget.attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "hx-get": url,
                "hx-trigger": f"focus, {typed}" if on_focus else typed,
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
        match = NAME_ID_SUFFIX.search(text)
        if match:
            found = self.queryset.filter(pk=int(match.group(1)))
        else:
            found = self.named(text, "iexact")
            if not found.exists():
                found = self.named(text, "icontains")
        records = list(found[:2])
        if not records:
            self.explain_missing(text, match)
        if len(records) != 1:
            raise forms.ValidationError(self.error_messages["choose"], code="choose")
        return records[0]

    def named(self, text: str, lookup: str) -> QuerySet:
        """The records whose name matches `text` by `lookup` ("iexact", "icontains")."""
        model = self.queryset.model
        found = name_is(model, text) if lookup == "iexact" else name_contains(model, text)
        return self.queryset.filter(found)

    def explain_missing(self, text: str, match) -> None:
        """Hook for a field that can say why nothing matched (raise a ValidationError); by
        default the user is asked to choose from the list."""


class PersonChoiceField(NamedChoiceField):
    """A person typed by name, with suggestions: for a filter over every salesperson in scope,
    a thousand at head office, where a drop-down would list them all on every open."""

    default_error_messages = {"choose": _("Choose one person from the list.")}

    def named(self, text: str, lookup: str) -> QuerySet:
        return people_named(self.queryset, text, lookup)


class RegionalNamedChoiceField(NamedChoiceField):
    """A NamedChoiceField over records that sit in a territory of a region (customers): a name
    found only in another region is refused with that region's name, not "choose from the
    list" (rules.md §2.5)."""

    default_error_messages = {
        "other_region": _(
            "This customer is in another region (%(region)s); you can only work customers of "
            "your own region."
        )
    }

    def explain_missing(self, text: str, match) -> None:
        # Only an exact name (with or without its "#id") tells the region: ids alone cannot be
        # used to probe the other regions' customers.
        name = NAME_ID_SUFFIX.sub("", text).strip()
        model = self.queryset.model
        elsewhere = model._default_manager.filter(name_is(model, name)).exclude(
            pk__in=self.queryset.values("pk")
        )
        if match:
            elsewhere = elsewhere.filter(pk=int(match.group(1)))
        found = list(elsewhere.select_related("territory__region")[:2])
        if len(found) == 1 and found[0].territory.region is not None:
            raise forms.ValidationError(
                self.error_messages["other_region"],
                code="other_region",
                params={"region": found[0].territory.region},
            )


class DecisionForm(forms.Form):
    """One decision on a request (salesops.decisions.decide): approve, return or reject and why.

    `decisions` narrows the choice to what the record type offers (requests: approve, reject).
    """

    decision = forms.ChoiceField(label=_("Decision"), choices=[])
    comment = forms.CharField(label=_("Comment"), max_length=COMMENT_MAX_LENGTH, required=False)

    def __init__(self, *args, decisions=DECISION_LABELS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (decision, DECISION_LABELS[decision]) for decision in decisions
        ]
        self.fields["decision"].error_messages["required"] = _("Choose a decision.")
        self.fields["decision"].error_messages["invalid_choice"] = _("Choose a decision.")


class BulkDecisionForm(DecisionForm):
    """The same decision on several ticked records of one type, among those `waiting`."""

    records = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, waiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [(record.pk, str(record)) for record in waiting]
        self.fields["records"].error_messages["required"] = _("Tick at least one request.")


MONTHS_OF_THE_YEAR = sorted(MONTHS.items())


class CompanySettingsForm(forms.ModelForm):
    """rules.md §0.5: every setting, and the day the change takes effect."""

    effective_from = DateField(label=_("Takes effect from"), widget=DateInput())
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
