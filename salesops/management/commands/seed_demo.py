from django.core.management.base import BaseCommand

from salesops.navigation import app_modules
from territories.demo import DEMO_PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "Build (or complete) the demo organisation. Safe to run again."

    def handle(self, *args, **options):
        for app, demo in app_modules("demo"):
            self.stdout.write(f"{app}:")
            demo.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo ready. Log in at http://127.0.0.1:8000/ as:"))
        for username, display_name, role, _regions, _held in PEOPLE:
            self.stdout.write(f"  {username:<16} {display_name:<6} {role.label}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
