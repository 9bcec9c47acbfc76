"""Joining a challenge and forming teams: create, join (by link or e-mail), leave, disband.

The rules, and why:

- One team per person per challenge (a database constraint); a team never grows past the
  challenge's ``max_team_size``: every change of members locks the team row first.
- After the challenge's merger deadline nobody joins an existing team (as on Kaggle, where the
  merger deadline is also the last day to join one); creating a team of your own stays possible.
- Leaving: a member who has made a submission that counted (one that reveals a score) cannot
  leave, before or after a merge. The scores the team has seen belong to the whole team, and
  letting people who probed the leaderboard move on would let a group spread its attempts over
  several teams. Anyone who has not submitted may leave at any time. When the leader leaves,
  the longest-standing remaining member leads. When the last member leaves, the team is deleted
  (it cannot have counted submissions then, see above).
- Disbanding (leader): only while the team has no counted submission; the leaderboard keeps
  every team that has a score.

Files that failed validation and platform failures never count, so they never block anything.
"""

import datetime as dt
import logging
import smtplib
from contextlib import nullcontext

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..formatting import local_datetime
from ..inputs import check_text
from ..models import (
    Challenge,
    Membership,
    RulesAcceptance,
    Submission,
    Team,
    TeamInvite,
    new_token,
)
from ..permissions import can, require
from ..selectors.notifications import as_reader
from ..selectors.teams import counted_submissions, invite_expires_at, pending_invites
from . import ServiceError
from .audit import log_action
from .invite_emails import InviteCapReached, invite_email_refund, invite_email_reserve
from .notifications import notify

logger = logging.getLogger(__name__)


class TeamError(ServiceError):
    pass


def team_page_path(team: Team) -> str:
    challenge = team.challenge
    return reverse("competitions:team", args=[challenge.event.slug, challenge.slug])


def _require_participation(challenge: Challenge, user) -> None:
    """Judges never compete in the event they judge."""
    if not can(user, "challenge.participate", challenge):
        if user.is_authenticated and can(user, "event.judge", challenge.event):
            raise TeamError(
                _("You judge this event, so you cannot take part in its challenges or teams.")
            )
        raise TeamError(_("You cannot take part in this challenge."))


def rules_accept(*, challenge: Challenge, user) -> RulesAcceptance:
    """Record that the user accepted the rules (once; the first time stands)."""
    _require_participation(challenge, user)
    acceptance, _created = RulesAcceptance.objects.get_or_create(challenge=challenge, user=user)
    return acceptance


def _require_rules(challenge: Challenge, user) -> None:
    if not challenge.acceptances.filter(user=user).exists():
        raise TeamError(_("Accept the challenge rules first."))


def _lock_team(team_pk: int) -> Team:
    """The team row, locked until the end of the transaction; refused if it is gone."""
    team = (
        Team.objects.select_for_update(of=("self",))
        .select_related("challenge__event")
        .filter(pk=team_pk)
        .order_by("pk")
        .first()
    )
    if team is None:
        raise TeamError(
            _("This team no longer exists: it merged into another team or was disbanded.")
        )
    return team


def check_merger_deadline(*, challenge: Challenge, now: dt.datetime, joining: bool) -> None:
    deadline = challenge.merger_deadline
    if deadline is None or now <= deadline:
        return
    if joining:
        raise TeamError(
            _(
                "The team merger deadline passed at %(t)s: teams can no longer take new "
                "members. You can still take part in a team of your own."
            )
            % {"t": local_datetime(deadline)}
        )
    raise TeamError(
        _("The team merger deadline passed at %(t)s: teams can no longer merge.")
        % {"t": local_datetime(deadline)}
    )


def team_create(*, challenge: Challenge, user, name: str, is_baseline: bool = False) -> Team:
    name = check_text(name, field="name", max_length=100, label=_("The team name")).strip()
    if not name:
        raise TeamError(_("Give your team a name."), field="name")
    if is_baseline:
        require(user, "challenge.manage", challenge)
    _require_participation(challenge, user)
    _require_rules(challenge, user)
    if Membership.objects.filter(challenge=challenge, user=user).exists():
        raise TeamError(_("You are already in a team for this challenge."))
    if Team.objects.filter(challenge=challenge, name__iexact=name).exists():
        raise TeamError(
            _("A team called “%(name)s” already exists. Choose another name.") % {"name": name}
        )
    try:
        with transaction.atomic():
            team = Team.objects.create(challenge=challenge, name=name, is_baseline=is_baseline)
            Membership.objects.create(
                team=team, user=user, challenge=challenge, role=Membership.Role.LEADER
            )
            log_action(event=challenge.event, actor=user, action="team.create", target=team)
    except IntegrityError:
        raise TeamError(_("You are already in a team, or that name was just taken.")) from None
    return team


def _add_member(*, team_pk: int, user, now: dt.datetime) -> Membership:
    """Inside a transaction: lock the team, check every rule, add the member."""
    team = _lock_team(team_pk)
    challenge = team.challenge
    _require_participation(challenge, user)
    _require_rules(challenge, user)
    current = Membership.objects.filter(challenge=challenge, user=user).select_related("team")
    current = current.order_by("pk").first()
    if current is not None:
        if current.team_id == team.pk:
            raise TeamError(_("You are already in %(team)s.") % {"team": team.name})
        raise TeamError(
            _(
                "You are already in team %(team)s for this challenge. Leave it first (from "
                "your team page) to join another."
            )
            % {"team": current.team.name}
        )
    check_merger_deadline(challenge=challenge, now=now, joining=True)
    if team.memberships.count() >= challenge.max_team_size:
        raise TeamError(
            _("%(team)s is full (at most %(n)d members). Ask its leader, or create your own team.")
            % {"team": team.name, "n": challenge.max_team_size}
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(team=team, user=user, challenge=challenge)
    except IntegrityError:
        raise TeamError(_("You are already in a team for this challenge.")) from None
    log_action(event=challenge.event, actor=user, action="team.join", target=team)
    notify(
        users=[m.user for m in team.memberships.exclude(user=user).select_related("user")],
        message=gettext_noop("%(user)s joined your team %(team)s."),
        params={"user": str(user), "team": team.name},
        link=team_page_path(team),
    )
    return membership


def team_join(*, team: Team, user, now: dt.datetime | None = None) -> Membership:
    """Join by the team's invite link."""
    now = now or timezone.now()
    with transaction.atomic():
        return _add_member(team_pk=team.pk, user=user, now=now)


def team_invite_link_regenerate(*, team: Team, user) -> Team:
    """A new invite link; the old one stops working (e.g. after it was shared too widely)."""
    if not can(user, "team.manage", team):
        raise TeamError(
            _("Only the leader of %(team)s can change its invite link.") % {"team": team}
        )
    with transaction.atomic():
        team = _lock_team(team.pk)
        team.invite_token = new_token()
        team.save(update_fields=["invite_token"])
    return team


def _users_with_email(email: str):
    user_model = get_user_model()
    return user_model.objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email)
    ).distinct()


def team_invite_send(
    *, team: Team, user, email: str, site_url: str = "", now: dt.datetime | None = None
) -> TeamInvite:
    """E-mail an invitation with an accept link (and notify the person if they have an account).

    The link is single-use and expires; sending again to the same address re-sends the open
    invitation instead of making a second one.
    """
    now = now or timezone.now()
    email = (email or "").strip()
    if not can(user, "team.member", team):
        raise TeamError(_("Only members of %(team)s can invite people to it.") % {"team": team})
    check_text(email, field="email", max_length=254, label=_("The e-mail address"))
    try:
        validate_email(email)
    except ValidationError:
        raise TeamError(
            _("“%(email)s” is not an e-mail address. Check it and try again.") % {"email": email}
        ) from None
    challenge = team.challenge
    check_merger_deadline(challenge=challenge, now=now, joining=True)
    if team.memberships.filter(
        Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email)
    ).exists():
        raise TeamError(_("%(email)s is already in your team.") % {"email": email})
    if team.memberships.count() >= challenge.max_team_size:
        raise TeamError(
            _("%(team)s is full (at most %(n)d members): nobody else can join it.")
            % {"team": team.name, "n": challenge.max_team_size}
        )
    try:
        invite_email_reserve(team=team, now=now)
    except InviteCapReached as error:
        raise TeamError(str(error)) from None
    invite = pending_invites(team=team, now=now).filter(email__iexact=email).first()
    created = invite is None
    if created:
        invite = TeamInvite.objects.create(team=team, email=email, invited_by=user)
    accept_path = reverse("competitions:team_invite", args=[invite.token])
    # In the invitee's language and zone when they have an account, else in the inviter's.
    invitee = _users_with_email(email).first()
    with as_reader(invitee) if invitee is not None else nullcontext():
        context = {
            "team": team,
            "challenge": challenge,
            "inviter": user,
            "accept_url": (site_url or settings.SITE_URL).rstrip("/") + accept_path,
            "expires_at": local_datetime(invite_expires_at(invite)),
        }
        subject = render_to_string("email/team_invite_subject.txt", context).strip()
        body = render_to_string("email/team_invite.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except (smtplib.SMTPException, OSError):
        logger.exception("team invite e-mail to %s failed", email)
        invite_email_refund(team=team, now=now)
        if created:
            invite.delete()
        raise TeamError(
            _(
                "The e-mail to %(email)s could not be sent. Check the address, or share your "
                "team's invite link instead."
            )
            % {"email": email}
        ) from None
    notify(
        users=_users_with_email(email).exclude(pk=user.pk),
        message=gettext_noop("%(user)s invited you to join team %(team)s in %(challenge)s."),
        params={"user": str(user), "team": team.name, "challenge": challenge.title},
        link=accept_path,
    )
    return invite


def _check_invite_open(invite: TeamInvite, now: dt.datetime) -> None:
    if invite.accepted_at is not None:
        raise TeamError(
            _("This invitation was already used. Ask %(team)s for a new one.")
            % {"team": invite.team.name}
        )
    if now >= invite_expires_at(invite):
        raise TeamError(
            _("This invitation expired at %(t)s. Ask %(team)s for a new one.")
            % {"t": local_datetime(invite_expires_at(invite)), "team": invite.team.name}
        )


def team_invite_accept(*, invite: TeamInvite, user, now: dt.datetime | None = None) -> Membership:
    """Join through an e-mail invitation: the same rules as the link, and the link works once.

    Whoever holds the link (it went to the invited address) may use it, like the team link; it
    does not require an account with that exact address, since people often sign up with another.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invite = TeamInvite.objects.select_for_update().select_related("team").get(pk=invite.pk)
        _check_invite_open(invite, now)
        membership = _add_member(team_pk=invite.team_id, user=user, now=now)
        invite.accepted_at = now
        invite.save(update_fields=["accepted_at"])
    return membership


def team_invite_withdraw(*, invite: TeamInvite, user) -> None:
    """A member of the team withdraws an open invitation; its link stops working."""
    if not can(user, "team.member", invite.team):
        raise TeamError(_("Only members of the team can withdraw its invitations."))
    if invite.accepted_at is not None:
        raise TeamError(_("This invitation was already used; there is nothing to withdraw."))
    invite.delete()


def team_invite_decline(*, invite: TeamInvite, user) -> None:
    """The person holding the invitation link says no; whoever sent it is told."""
    if invite.accepted_at is not None:
        raise TeamError(_("This invitation was already used; there is nothing to decline."))
    team, email = invite.team, invite.email
    invite.delete()
    notify(
        users=[invite.invited_by],
        message=gettext_noop(
            "%(user)s (invited as %(email)s) declined the invitation to %(team)s."
        ),
        params={"user": str(user), "email": email, "team": team.name},
        link=team_page_path(team),
    )


def _delete_team(team: Team) -> None:
    """Delete a team with no counted submission, and (after commit) its failed files."""
    names = list(Submission.objects.filter(team=team).values_list("file", flat=True))
    team.delete()
    if names:
        storage = Submission._meta.get_field("file").storage

        def remove_files():
            for name in names:
                storage.delete(name)

        transaction.on_commit(remove_files)


def team_leave(*, team: Team, user) -> Team | None:
    """Leave a team; returns the team, or None if it was deleted because it is now empty."""
    with transaction.atomic():
        team = _lock_team(team.pk)
        membership = team.memberships.filter(user=user).first()
        if membership is None:
            raise TeamError(_("You are not a member of %(team)s.") % {"team": team.name})
        if counted_submissions(team=team).filter(submitted_by=user).exists():
            raise TeamError(
                _(
                    "You cannot leave %(team)s: you have made submissions with it, and its "
                    "scores stay with its members. If something is wrong, contact the organisers."
                )
                % {"team": team.name}
            )
        remaining = list(
            team.memberships.exclude(pk=membership.pk)
            .select_related("user")
            .order_by("joined_at", "pk")
        )
        event = team.challenge.event
        if not remaining:
            if counted_submissions(team=team).exists():
                raise TeamError(
                    _(
                        "You are the last member of %(team)s and it has scored submissions, so "
                        "it cannot be left empty. Contact the organisers."
                    )
                    % {"team": team.name}
                )
            log_action(
                event=event,
                actor=user,
                action="team.disband",
                target=team,
                reason="the last member left",
            )
            _delete_team(team)
            return None
        membership.delete()
        data = {}
        if membership.role == Membership.Role.LEADER:
            successor = remaining[0]
            successor.role = Membership.Role.LEADER
            successor.save(update_fields=["role"])
            data["new_leader"] = str(successor.user)
            notify(
                users=[successor.user],
                message=gettext_noop("%(user)s left %(team)s; you are now its leader."),
                params={"user": str(user), "team": team.name},
                link=team_page_path(team),
            )
        log_action(event=event, actor=user, action="team.leave", target=team, data=data)
        notify(
            users=[m.user for m in remaining],
            message=gettext_noop("%(user)s left your team %(team)s."),
            params={"user": str(user), "team": team.name},
            link=team_page_path(team),
        )
    return team


def team_disband(*, team: Team, user) -> None:
    """Delete the team (leader only), while it has no submission that counted."""
    if not can(user, "team.manage", team):
        raise TeamError(_("Only the leader of %(team)s can disband it.") % {"team": team.name})
    with transaction.atomic():
        team = _lock_team(team.pk)
        if counted_submissions(team=team).exists():
            raise TeamError(
                _(
                    "%(team)s has submissions, so it cannot be disbanded: its scores are part of "
                    "the competition. Members who have not submitted can still leave."
                )
                % {"team": team.name}
            )
        others = [m.user for m in team.memberships.exclude(user=user).select_related("user")]
        log_action(event=team.challenge.event, actor=user, action="team.disband", target=team)
        name = team.name
        _delete_team(team)
        notify(
            users=others,
            message=gettext_noop(
                "%(user)s disbanded your team %(team)s. You can create or join another."
            ),
            params={"user": str(user), "team": name},
        )
