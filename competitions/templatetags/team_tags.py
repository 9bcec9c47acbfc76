"""Template helpers for the team parts of the challenge page (reads only, via selectors)."""

from django import template

from ..selectors.teams import final_selection, invites_for_user

register = template.Library()


@register.simple_tag
def final_choices(team, phase):
    """``{% final_choices team phase as finals %}``: how many are marked, and the limit."""
    if team is None or phase is None:
        return None
    return final_selection(team=team, phase=phase)


@register.simple_tag(takes_context=True)
def my_invitations(context, challenge):
    """``{% my_invitations challenge as invites %}``: open e-mail invitations to this person."""
    return list(invites_for_user(user=context["request"].user, challenge=challenge))
