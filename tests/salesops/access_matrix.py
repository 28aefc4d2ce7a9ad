from django.urls import reverse

from tests.access_matrix import FORBIDDEN, OK, REDIRECT, Case, expect, post_halves

MOVED = 301
_CODE_ROLES = ["manager", "other_manager", "director", "head_office", "admin"]
_CODE_ROLES_OK = dict.fromkeys(_CODE_ROLES, OK)
_CODE_ROLES_DONE = dict.fromkeys(_CODE_ROLES, REDIRECT)  # already verified: on to the page


def cases(world):
    cases = [
        Case(reverse("home"), expect(OK)),
        Case(reverse("health"), expect(OK, anonymous=OK)),
        Case(reverse("favicon"), expect(MOVED, anonymous=MOVED)),
        Case(reverse("login"), expect(REDIRECT, anonymous=OK)),  # signed in: straight home
        Case(reverse("logout"), expect(REDIRECT, anonymous=REDIRECT), method="post"),
        Case(reverse("password_change"), expect(OK)),
        Case(reverse("password_change_done"), expect(OK)),
        Case(reverse("password_reset"), expect(OK, anonymous=OK)),
        Case(reverse("password_reset_done"), expect(OK, anonymous=OK)),
        Case(reverse("password_reset_confirm", args=["MQ", "bad-token"]), expect(OK, anonymous=OK)),
        Case(reverse("password_reset_complete"), expect(OK, anonymous=OK)),
        Case(
            reverse("set_language"),
            expect(REDIRECT, anonymous=REDIRECT),
            method="post",
            data={"language": "en", "next": "/"},
        ),
        Case(reverse("set_language"), expect(REDIRECT, anonymous=REDIRECT)),  # GET: no change
        # Two-step sign-in: the roles that approve and export (signed in here with their code).
        Case(reverse("mfa_verify"), expect(FORBIDDEN, **_CODE_ROLES_DONE)),
        Case(reverse("mfa_setup"), expect(FORBIDDEN, **_CODE_ROLES_OK)),
        Case(reverse("mfa_recovery_codes"), expect(FORBIDDEN, **_CODE_ROLES_OK)),
        Case(reverse("mfa_recovery_codes"), expect(FORBIDDEN, **_CODE_ROLES_DONE), method="post"),
        # "Waiting for me": everyone signed in sees what waits for them (nothing, if no decider).
        Case(reverse("waiting"), expect(OK)),
        # rules.md §0.3: head office (and the administrator) set the numbers.
        Case(reverse("company_settings"), expect(FORBIDDEN, head_office=OK, admin=OK)),
        Case(
            reverse("company_settings"),
            expect(FORBIDDEN, head_office=OK, admin=OK),
            method="post",
            data={},
        ),
    ]
    # The POST half of the GET/POST pages.
    halves = {
        "login": {},
        "mfa_verify": {},
        "mfa_setup": {},
        "password_change": {},
        "password_reset": {},
        "password_reset_confirm": {},
    }
    return cases + post_halves(cases, halves)
