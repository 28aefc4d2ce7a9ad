"""The second sign-in factor's pages (salesops.mfa): set up an authenticator, enter a code, see
the recovery codes once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from salesops import access, mfa
from salesops.forms import SecondFactorForm

CODES_TO_SHOW = "mfa_recovery_codes_to_show"
WRONG_CODE = gettext_lazy("That code did not work. Check it and try again in a few seconds.")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("home")


def _require_second_factor_role(request: HttpRequest) -> None:
    if not access.needs_second_factor(request.user):
        raise PermissionDenied


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    _require_second_factor_role(request)
    if not mfa.is_pending(request.user):
        return redirect(_next_url(request))
    if not mfa.has_authenticator(request.user):
        return redirect("mfa_setup")
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        if mfa.verify(request=request, code=form.cleaned_data["code"]):
            _warn_after_recovery_code(request)
            return redirect(_next_url(request))
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/mfa_verify.html", context)


def _warn_after_recovery_code(request: HttpRequest) -> None:
    if not mfa.signed_in_with_recovery_code(request.user):
        return
    left = mfa.recovery_codes_left(request.user)
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code: %(count)d is left. Make new ones under "
            "Two-step sign-in.",
            "You signed in with a recovery code: %(count)d are left. Make new ones under "
            "Two-step sign-in.",
            left,
        )
        % {"count": left},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """A first authenticator, or (once signed in with the second factor) a replacement."""
    _require_second_factor_role(request)
    if mfa.is_pending(request.user) and mfa.has_authenticator(request.user):
        return redirect("mfa_verify")  # a new authenticator never replaces the code check
    form = SecondFactorForm(request.POST or None, submit_label=_("Confirm"))
    if form.is_valid():
        codes = mfa.confirm_authenticator(request=request, code=form.cleaned_data["code"])
        if codes is not None:
            request.session[CODES_TO_SHOW] = codes
            messages.success(request, _("Two-step sign-in is on."))
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('mfa_recovery_codes')}?{query}")
        form.add_error("code", WRONG_CODE)
    device = mfa.authenticator_to_confirm(request.user)
    context = {
        "form": form,
        "qr_code": mfa.qr_code_data_uri(device),
        "key": mfa.readable_key(device),
        "replacing": mfa.has_authenticator(request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/mfa_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The codes just made, shown this once; otherwise how many are left, and new ones."""
    _require_second_factor_role(request)
    if mfa.is_pending(request.user):
        return redirect("mfa_verify")
    if request.method == "POST":
        request.session[CODES_TO_SHOW] = mfa.replace_recovery_codes(user=request.user)
        return redirect("mfa_recovery_codes")
    context = {
        "codes": request.session.pop(CODES_TO_SHOW, None),
        "codes_left": mfa.recovery_codes_left(request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/mfa_recovery_codes.html", context)
