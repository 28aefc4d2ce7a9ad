from salesops import access, mfa
from salesops.navigation import request_menu


def navigation(request):
    if not hasattr(request, "user"):
        return {"menu": []}
    if mfa.is_pending(request.user):
        # Password given, code not yet: nothing of the app is open, so no menu either.
        return {"menu": [], "second_factor_pending": True}
    return {
        "menu": request_menu(request),
        "uses_second_factor": access.needs_second_factor(request.user),
    }
