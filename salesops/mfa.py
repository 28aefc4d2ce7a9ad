"""The second sign-in factor (django-otp) for the roles that decide and export: managers,
directors, head office and the admin (`access.needs_second_factor`).

After the password, such a user is held at the code page (`SecondFactorMiddleware`) until the
session is verified: with an authenticator app's six-digit code (TOTP), or with one of ten
single-use recovery codes. A user without an authenticator sets one up first: scan the QR code
or type the key, confirm one code, and keep the recovery codes shown once.
"""

import re

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from salesops import access, audit
from salesops.models import User

AUTHENTICATOR_NAME = "SalesOps"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
_TOTP_CODE = re.compile(r"^\d{6}$")
_SEPARATORS = re.compile(r"[\s\-]")


def is_pending(user: User) -> bool:
    """Signed in with the password, in a role that needs the second factor, not yet verified."""
    return access.needs_second_factor(user) and not user.is_verified()


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def signed_in_with_recovery_code(user: User) -> bool:
    return isinstance(getattr(user, "otp_device", None), StaticDevice)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- setting up -------------------------------------------------------------------------------


def authenticator_to_confirm(user: User) -> TOTPDevice:
    """The unconfirmed authenticator this user is setting up (a new key the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code image (an SVG data: URI for an <img>)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, dark="#212529")


def readable_key(device: TOTPDevice) -> str:
    """The secret for typing into an app by hand: base32 in groups of four."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


@transaction.atomic
def confirm_authenticator(*, request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the authenticator being set up with one of its codes; the session is then
    verified. Returns the new recovery codes (to be shown once), or None for a wrong code."""
    user = request.user
    if is_pending(user) and has_authenticator(user):
        return None  # only a verified session may replace an authenticator
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    code = _normalised(code)
    if device is None or not _TOTP_CODE.match(code) or not device.verify_token(code):
        return None
    # One authenticator per person: a new one replaces the old (a lost phone).
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    django_otp.login(request, device)
    audit.record("salesops.mfa.authenticator_confirmed", actor=user, target=user)
    return codes


@transaction.atomic
def replace_recovery_codes(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    audit.record("salesops.mfa.recovery_codes_replaced", actor=user, target=user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    # The device stays (a session verified by one of its codes stays verified); its codes go.
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


# --- signing in -------------------------------------------------------------------------------


@transaction.atomic
def verify(*, request: HttpRequest, code: str) -> bool:
    """Verify the session with an authenticator code or a recovery code (used up by it).

    A six-digit code goes to the authenticator only, anything else to the recovery codes only,
    so a mistyped code counts against one device's back-off, not both."""
    user = request.user
    code = _normalised(code)
    model = TOTPDevice if _TOTP_CODE.match(code) else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(code):
        audit.record("salesops.mfa.code_refused", actor=user, target=user)
        return False
    django_otp.login(request, device)
    if model is StaticDevice:
        audit.record(
            "salesops.mfa.recovery_code_used",
            actor=user,
            target=user,
            changes={"codes_left": device.token_set.count()},
        )
    return True


def _normalised(code: str) -> str:
    return _SEPARATORS.sub("", code or "").lower()
