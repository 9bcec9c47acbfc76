"""Who takes part where: a person's team in a challenge, rules accepted, events they may see."""

from django.db.models import Q, QuerySet

from ..models import Challenge, Event, Membership, RulesAcceptance, Team


def team_of(user, challenge: Challenge) -> Team | None:
    """The person's team in this challenge (cached on the user object for the request)."""
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_datajam_teams", {})
    if challenge.pk not in cache:
        membership = (
            Membership.objects.filter(challenge=challenge, user=user)
            .select_related("team")
            .order_by()  # one row at most: no need for the default order's joins
            .first()
        )
        cache[challenge.pk] = membership.team if membership else None
    return cache[challenge.pk]


def has_accepted_rules(user, challenge: Challenge) -> bool:
    """Whether the person accepted the challenge's rules. A yes is kept on the user object for
    the request (an acceptance is never withdrawn); a no is asked again, since the request may
    be the one that accepts."""
    if not user.is_authenticated:
        return False
    accepted = user.__dict__.setdefault("_datajam_accepted", set())
    if challenge.pk not in accepted:
        if not RulesAcceptance.objects.filter(challenge=challenge, user=user).exists():
            return False
        accepted.add(challenge.pk)
    return True


def events_visible_to(user) -> QuerySet[Event]:
    """Published events, and the unpublished ones the person organises or judges.

    The same rule as ``can(user, "event.view", event)``; the permission test checks they agree.
    """
    if not user.is_authenticated:
        return Event.objects.filter(is_published=True)
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(Q(is_published=True) | Q(roles__user=user)).distinct()
