from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SaveDraft(Submit):
    """The secondary button: crispy's Submit would add btn-primary, and white on outline hides
    the label."""

    field_classes = "btn btn-outline-primary"


class WeeklyReportForm(forms.Form):
    """What the salesperson adds to the drafted week (rules.md §9.1)."""

    next_week_plan = forms.CharField(
        label=_("Next week's plan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    forecast = forms.CharField(
        label=_("Forecast"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    difficulties = forms.CharField(
        label=_("Difficulties"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(SaveDraft("save", _("Save draft")))
        self.helper.add_input(Submit("submit", _("Submit the report")))


def _text(label, rows: int = 3):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class _DraftForm(forms.Form):
    """The author's texts, saved as a draft or submitted (then read-only)."""

    submit_label = _("Submit the report")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(SaveDraft("save", _("Save draft")))
        self.helper.add_input(Submit("submit", self.submit_label))


class RegionSummaryForm(_DraftForm):
    """What the manager adds to the drafted team week (rules.md §9.3)."""

    submit_label = _("Submit the summary")

    team_review = _text(_("The team's week"), rows=4)
    problems = _text(_("Problems and measures"))
    next_week_focus = _text(_("Next week's focus"))


class MonthlyReportForm(_DraftForm):
    """What the seller adds to the drafted month (rules.md §9.4)."""

    submit_label = _("Submit the monthly report")

    review = _text(_("Review of the month"), rows=4)
    next_month_plan = _text(_("Next month's plan"))
    support_needed = _text(_("Difficulties and support needed"), rows=2)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, report, url_name: str = "reports:weekly_comment", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse(url_name, args=[report.pk])
        self.helper.add_input(Submit("comment", _("Add comment")))


def _reason():
    return forms.CharField(label=_("Reason for the correction"), max_length=300)


class _CorrectionForm(forms.Form):
    """The manager's correction of a submitted report or of its week's visit (rules.md §6.4):
    the reason is required; the service keeps before, after and reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("correct", _("Save the correction")))


class ReportCorrectionForm(_CorrectionForm):
    next_week_plan = WeeklyReportForm.base_fields["next_week_plan"]
    forecast = WeeklyReportForm.base_fields["forecast"]
    difficulties = WeeklyReportForm.base_fields["difficulties"]
    reason = _reason()


class VisitCorrectionForm(_CorrectionForm):
    person_met = forms.CharField(label=_("Person met"), max_length=100, required=False)
    person_position = forms.CharField(label=_("Position"), max_length=100, required=False)
    discussion = _text(_("What was discussed"))
    result = _text(_("Result"))
    reason = _reason()
