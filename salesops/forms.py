import re

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from salesops import accounts, tasks
from salesops.decisions import COMMENT_MAX_LENGTH, DECISION_LABELS


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
        match = NAME_ID_SUFFIX.search(text)
        if match:
            found = self.queryset.filter(pk=int(match.group(1)))
        else:
            found = self.queryset.filter(name__iexact=text)
            if not found.exists():
                found = self.queryset.filter(name__icontains=text)
        records = list(found[:2])
        if not records:
            self.explain_missing(text, match)
        if len(records) != 1:
            raise forms.ValidationError(self.error_messages["choose"], code="choose")
        return records[0]

    def explain_missing(self, text: str, match) -> None:
        """Hook for a field that can say why nothing matched (raise a ValidationError); by
        default the user is asked to choose from the list."""


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
