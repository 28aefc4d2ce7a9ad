from salesops.navigation import menu_for


def navigation(request):
    if not hasattr(request, "user"):
        return {"menu": []}
    match = getattr(request, "resolver_match", None)
    return {"menu": menu_for(request.user, match.view_name if match else "")}
