from base64 import b32decode

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from salesops import access
from salesops.models import User
from salesops.navigation import app_modules
from territories.demo import DEMO_PASSWORD, PEOPLE

# The demo's approvers sign in with a second factor like everyone in their roles; they share
# this published key, which seed_demo prints (a trial database only, like the password).
DEMO_TOTP_SECRET = "SALESOPSDEMOKEY2SALESOPSDEMOKEY2"  # noqa: S105 - demo only, printed
DEMO_DEVICE_NAME = "SalesOps demo"


class Command(BaseCommand):
    help = "Build (or complete) the demo organisation. Safe to run again."

    def handle(self, *args, **options):
        for app, demo in app_modules("demo"):
            self.stdout.write(f"{app}:")
            demo.seed(self.stdout)
        given = give_demo_authenticators()
        self.stdout.write(f"salesops:\n  demo authenticators: {given} new")
        self.stdout.write(self.style.SUCCESS("Demo ready. Log in at http://127.0.0.1:8000/ as:"))
        for username, display_name, role, _regions, _held in PEOPLE:
            self.stdout.write(f"  {username:<16} {display_name:<6} {role.label}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(
            "Managers, the director, head office and admin also give a code: add the key "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or run "
            "`python manage.py demo_code` for the current one."
        )


def give_demo_authenticators() -> int:
    """A confirmed authenticator with the demo key for every demo person whose role needs one
    and who has none yet (a person who set up their own keeps it)."""
    usernames = [username for username, *_rest in PEOPLE]
    people = [
        person
        for person in User.objects.filter(username__in=usernames, totpdevice__isnull=True)
        if access.needs_second_factor(person)
    ]
    TOTPDevice.objects.bulk_create(
        TOTPDevice(
            user=person,
            name=DEMO_DEVICE_NAME,
            key=b32decode(DEMO_TOTP_SECRET).hex(),
            confirmed=True,
        )
        for person in people
    )
    return len(people)
