"""Two-step sign-in for the roles that approve and export (salesops.mfa): managers, directors,
head office and the admin give a code from an authenticator app (or a recovery code) after the
password; salespeople sign in with the password alone."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from salesops.models import AuditEntry
from tests.conftest import current_code, give_authenticator

pytestmark = pytest.mark.django_db

SECOND_FACTOR_ROLES = ["manager", "director", "head_office", "admin"]


def _password_login(personas, user) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": personas.password}
    )
    assert response.status_code == 302
    return client


def _code_for_setup(user) -> str:
    return current_code(TOTPDevice.objects.get(user=user, confirmed=False))


@pytest.mark.parametrize("role", SECOND_FACTOR_ROLES)
def test_a_role_that_approves_or_exports_must_set_up_a_code_first(personas, role):
    client = _password_login(personas, getattr(personas, role))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_setup')}?next=/"


@pytest.mark.parametrize("role", SECOND_FACTOR_ROLES)
def test_with_an_authenticator_the_role_is_asked_for_its_code(personas, role):
    user = getattr(personas, role)
    give_authenticator(user)
    client = _password_login(personas, user)

    response = client.get(reverse("sales:list"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_verify')}?next=/sales/"


@pytest.mark.parametrize("role", ["salesperson", "other_salesperson"])
def test_a_salesperson_signs_in_with_the_password_alone(personas, role):
    client = _password_login(personas, getattr(personas, role))

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("mfa_setup")).status_code == 403


def test_setting_up_shows_the_key_then_the_recovery_codes_once(personas):
    manager = personas.manager
    client = _password_login(personas, manager)

    page = client.get(reverse("mfa_setup"))
    assert page.status_code == 200
    assert 'id="mfa-qr-code"' in page.text and "data:image/svg+xml" in page.text
    confirmed = client.post(reverse("mfa_setup"), {"code": _code_for_setup(manager), "next": "/"})

    assert confirmed.status_code == 302
    shown = client.get(confirmed["Location"])
    codes = shown.context["codes"]
    assert len(codes) == 10 and all(code in shown.text for code in codes)
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    again = client.get(reverse("mfa_recovery_codes"))
    assert again.context["codes"] is None  # shown only once
    assert "You have 10 unused recovery codes." in again.text
    assert client.get(reverse("home")).status_code == 200  # this session is verified
    assert TOTPDevice.objects.get(user=manager).confirmed
    assert AuditEntry.objects.filter(
        action="salesops.mfa.authenticator_confirmed", actor=manager
    ).exists()


def test_a_wrong_code_does_not_confirm_the_authenticator(personas):
    client = _password_login(personas, personas.director)
    client.get(reverse("mfa_setup"))

    response = client.post(reverse("mfa_setup"), {"code": "000000"})

    assert "That code did not work." in response.text
    assert not TOTPDevice.objects.filter(user=personas.director, confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302


def test_the_authenticators_code_lets_the_user_in(personas):
    device = give_authenticator(personas.head_office)
    client = _password_login(personas, personas.head_office)

    response = client.post(reverse("mfa_verify"), {"code": current_code(device), "next": "/sales/"})

    assert response.status_code == 302 and response["Location"] == "/sales/"
    assert client.get(reverse("sales:list")).status_code == 200


def test_a_code_cannot_be_used_twice(personas):
    device = give_authenticator(personas.manager)
    code = current_code(device)
    first = _password_login(personas, personas.manager)
    assert first.post(reverse("mfa_verify"), {"code": code}).status_code == 302

    second = _password_login(personas, personas.manager)
    response = second.post(reverse("mfa_verify"), {"code": code})

    assert response.status_code == 200
    assert "That code did not work." in response.text


def test_a_recovery_code_works_once(personas):
    give_authenticator(personas.manager)
    device = personas.manager.staticdevice_set.create(name="Recovery codes")
    device.token_set.create(token="abcd2345")
    first = _password_login(personas, personas.manager)

    assert first.post(reverse("mfa_verify"), {"code": "ABCD 2345"}).status_code == 302
    home = first.get(reverse("home"))
    assert home.status_code == 200
    assert "You signed in with a recovery code: 0 are left." in home.text
    entry = AuditEntry.objects.get(action="salesops.mfa.recovery_code_used")
    assert entry.changes == {"codes_left": 0}
    second = _password_login(personas, personas.manager)
    assert second.post(reverse("mfa_verify"), {"code": "abcd2345"}).status_code == 200
    assert second.get(reverse("home")).status_code == 302


def test_waiting_for_the_code_opens_nothing_else(personas):
    give_authenticator(personas.manager)
    client = _password_login(personas, personas.manager)

    assert client.get(reverse("mfa_verify")).context["menu"] == []
    assert client.get(reverse("password_change")).status_code == 302
    htmx = client.post(reverse("company_settings"), {}, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("mfa_verify")  # the whole page, not the swapped part
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_new_authenticator_cannot_replace_the_code_check(personas):
    device = give_authenticator(personas.manager)
    client = _password_login(personas, personas.manager)

    assert client.get(reverse("mfa_setup"))["Location"] == reverse("mfa_verify")
    TOTPDevice.objects.create(user=personas.manager, name="intruder", confirmed=False)
    intruder = TOTPDevice.objects.get(name="intruder")
    response = client.post(reverse("mfa_setup"), {"code": current_code(intruder)})

    assert response["Location"] == reverse("mfa_verify")
    assert list(TOTPDevice.objects.filter(user=personas.manager, confirmed=True)) == [device]


def test_the_code_page_does_not_send_the_user_to_another_site(personas):
    device = give_authenticator(personas.admin)
    client = _password_login(personas, personas.admin)

    response = client.post(
        reverse("mfa_verify"), {"code": current_code(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


def test_new_recovery_codes_replace_the_old_ones(personas, login):
    client = login(personas.director)
    old = personas.director.staticdevice_set.create(name="Recovery codes")
    old.token_set.create(token="oldcode1")

    client.post(reverse("mfa_recovery_codes"))
    codes = client.get(reverse("mfa_recovery_codes")).context["codes"]

    assert len(codes) == 10
    assert not StaticToken.objects.filter(token="oldcode1").exists()


def test_the_admin_resets_a_lost_authenticator_without_seeing_its_key(personas, login):
    device = give_authenticator(personas.manager)
    client = login(personas.admin)

    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.text
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    manager = _password_login(personas, personas.manager)
    assert manager.get(reverse("home"))["Location"].startswith(reverse("mfa_setup"))


def test_signed_in_with_a_recovery_code_the_user_can_make_new_ones(personas):
    give_authenticator(personas.manager)
    device = personas.manager.staticdevice_set.create(name="Recovery codes")
    device.token_set.create(token="lastcode")
    client = _password_login(personas, personas.manager)
    client.post(reverse("mfa_verify"), {"code": "lastcode"})

    client.post(reverse("mfa_recovery_codes"))

    assert len(client.get(reverse("mfa_recovery_codes")).context["codes"]) == 10
    assert client.get(reverse("home")).status_code == 200  # still signed in with the code
