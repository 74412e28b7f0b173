from django.http import HttpRequest


def current_center(request: HttpRequest) -> dict[str, object]:
    """The centre the signed-in user works in, for the page header."""
    user = getattr(request, "user", None)
    profile = getattr(user, "staff_profile", None) if user is not None and user.is_authenticated else None
    return {"current_center": profile.center if profile is not None else None}
