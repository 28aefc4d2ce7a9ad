import time
from base64 import b32decode

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from salesops.management.commands.seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current sign-in code of the demo authenticators (seed_demo's published key), "
        "for trying the demo without an authenticator app."
    )

    def handle(self, *args, **options):
        totp = TOTP(b32decode(DEMO_TOTP_SECRET))
        totp.time = time.time()
        left = 30 - int(totp.time) % 30
        self.stdout.write(f"{totp.token():06d}  (valid for {left} more seconds)")
