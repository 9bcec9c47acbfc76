"""Template context for every page."""


def two_factor_return(request) -> dict:
    """The page an event's two-factor requirement interrupted, once two-factor
    authentication is on (allauth's setup pages know nothing of it)."""
    back = request.session.get("datajam_two_factor_return") if hasattr(request, "session") else ""
    user = getattr(request, "user", None)
    if not back or user is None or not user.is_authenticated:
        return {}
    from competitions.permissions import has_two_factor

    return {"two_factor_return": back} if has_two_factor(user) else {}
