"""Who takes part where: a person's team in a challenge, rules accepted, events they may see."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet

from .. import page_cache
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
        # A yes is kept in the shared cache under the person token too (renewed by any write
        # to their rules acceptances, and by any POST of theirs: ``page_cache``).
        key = None
        if page_cache.enabled():
            key = f"rules-accepted:{user.pk}:{challenge.pk}:{page_cache.person_token(user.pk)}"
        if key is None or not cache.get(key):
            if not RulesAcceptance.objects.filter(challenge=challenge, user=user).exists():
                return False
            if key is not None:
                cache.set(key, True, settings.PAGE_CACHE_SECONDS)
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
