"""Two-step sign-in in a real browser, in Simplified Chinese and in English: a regional manager
sets up an authenticator at the first sign-in (the key as the page shows it, the code computed
from it with django-otp's TOTP, as a phone app would), keeps the recovery codes, logs out,
signs in again with a code, and then with a recovery code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADINGS = {
    "en": {
        "setup": "Set up two-step sign-in",
        "codes": "Recovery codes",
        "code": "Enter your code",
    },
    "zh-hans": {"setup": "设置两步登录", "codes": "恢复码", "code": "输入验证码"},
}
KEPT = {"en": "I have kept them", "zh-hans": "我已保存"}
LOG_OUT = {"en": "Log out", "zh-hans": "退出登录"}


class Authenticator:
    """What a phone app does with the key: a code per 30-second step (RFC 6238). The server
    takes each step once, so a second code within the same step is the next step's, which it
    still accepts (one step of tolerance)."""

    def __init__(self, key_as_shown: str):
        self.totp = TOTP(b32decode(key_as_shown.replace(" ", "")))
        self.last_step = -1

    def code(self) -> str:
        self.totp.time = time.time()
        if self.totp.t() <= self.last_step:
            self.totp.time += 30
        self.last_step = self.totp.t()
        return f"{self.totp.token():06d}"


def _password(page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")


def _enter_code(page, code: str) -> None:
    page.locator("#id_code").fill(code)
    page.locator("#id_code").press("Enter")


def _log_out(page, user) -> None:
    page.locator("#navbar .dropdown-toggle", has_text=user.display_name).click()
    page.get_by_role("button", name=LOG_OUT[page.language]).click()
    page.wait_for_url("**/accounts/login/**")


def _on_home_page(page) -> None:
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)  # http://host/
    page.locator("#main-menu-groups li").first.wait_for()


def test_a_manager_sets_up_two_step_sign_in_and_uses_it(lang_page, personas):
    page, manager = lang_page, personas.manager
    headings = HEADINGS[page.language]

    _password(page, manager)
    page.wait_for_url("**/accounts/code/setup/**")
    page.get_by_role("heading", name=headings["setup"]).wait_for()
    assert page.locator("#mfa-qr-code").evaluate("image => image.naturalWidth") > 0
    assert page.locator("#main-menu-groups li").count() == 0  # nothing else opens yet
    phone = Authenticator(page.locator("#mfa-key").inner_text())
    _enter_code(page, phone.code())

    page.get_by_role("heading", name=headings["codes"]).wait_for()
    recovery_codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(recovery_codes) == 10
    page.get_by_role("link", name=KEPT[page.language]).click()
    _on_home_page(page)
    _log_out(page, manager)

    _password(page, manager)
    page.get_by_role("heading", name=headings["code"]).wait_for()
    _enter_code(page, phone.code())
    _on_home_page(page)
    _log_out(page, manager)

    _password(page, manager)
    page.get_by_role("heading", name=headings["code"]).wait_for()
    _enter_code(page, recovery_codes[0])
    _on_home_page(page)
    left = set(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True))
    assert left == set(recovery_codes[1:])  # that code is used up
