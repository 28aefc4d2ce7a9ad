from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        self.helper.add_input(Submit("save", _("Save draft"), css_class="btn-outline-primary"))
        self.helper.add_input(Submit("submit", _("Submit the report")))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("reports:weekly_comment", args=[report.pk])
        self.helper.add_input(Submit("comment", _("Add comment")))
