from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from salesops import tasks


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
