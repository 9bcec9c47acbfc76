"""Template helpers for the team parts of the challenge page (reads only, via selectors)."""

from django import template

from ..selectors.teams import invites_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def my_invitations(context, challenge):
    """``{% my_invitations challenge as invites %}``: open e-mail invitations to this person."""
    return list(invites_for_user(user=context["request"].user, challenge=challenge))
