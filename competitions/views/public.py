import uuid

from django.http import FileResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import page_cache
from ..formatting import score_text, time_element
from ..inputs import strip_forbidden
from ..models import DataFile, Submission
from ..selectors.home import event_cards
from ..selectors.participation import has_accepted_rules
from ..selectors.quotas import team_quota
from ..selectors.teams import FinalSelection
from .helpers import (
    cached_data_files,
    cached_quota_override,
    cached_team_of,
    challenge_and_phases,
    current_phase,
    get_challenge,
    get_event,
)
from .leaderboards import shown_public_scores


def _for_visitors(request) -> None:
    """The same page for every visitor not signed in (``visitor_pages`` may share it); kept for
    a signed-in person (``personal_pages``) while what it read holds."""
    if request.user.is_authenticated:
        page_cache.personal(request)
    else:
        page_cache.shareable(request)


def home(request):
    query = strip_forbidden(request.GET.get("q", "")).strip()[:100]
    now = timezone.now()
    cards = event_cards(request.user, query, now)
    if page_cache.enabled():
        page_cache.site_version()  # what a kept copy depends on: any event's content
        # An event's status changes by itself when it starts or ends.
        moments = [m for c in cards for m in (c.event.starts_at, c.event.ends_at) if m and m > now]
        page_cache.valid_until(min(moments, default=None))
        _for_visitors(request)
    return render(request, "competitions/home.html", {"cards": cards, "query": query})


def event_detail(request, event_slug):
    event = get_event(request, event_slug)
    _for_visitors(request)
    return render(
        request,
        "competitions/event_detail.html",
        {
            "event": event,
            "challenges": event.challenges.all(),
            # The same for everyone not signed in: from the shared cache.
            "page_cache_key": page_cache.visitor_key(
                request, "event", page_cache.stamp(event), page_cache.content_version(event.pk)
            ),
            "announcements": event.announcements.select_related("challenge")[:20],
        },
    )


def challenge_detail(request, event_slug, challenge_slug):
    # The challenge, its phases, data files and the person's team from the shared cache while
    # what they depend on holds: a person's first visit and a team's visit after each upload
    # render this page anew, and these reads were half its queries.
    challenge, phases = challenge_and_phases(request, event_slug, challenge_slug)
    _for_visitors(request)
    now = timezone.now()
    phase = current_phase(challenge, now, phases)
    phase_open = phase is not None and phase.starts_at <= now < phase.ends_at
    team = cached_team_of(request.user, challenge)
    quota = finals = None
    if team and phase:
        override = cached_quota_override(team, phase)
        quota = team_quota(team=team, phase=phase, now=now, override=override)
        finals = FinalSelection(chosen=quota.final_chosen, limit=challenge.final_selection_limit)
    if page_cache.enabled():
        # What a kept page depends on beyond the event's content: a signed-in person's team's
        # rows, or the invitations to their address; and when it changes by itself.
        if team is not None:
            page_cache.team_token(team.pk)
        elif request.user.is_authenticated:
            page_cache.invites_token(challenge.pk)
        boundaries = [m for p in phases for m in (p.starts_at, p.ends_at) if m > now]
        if quota is not None:
            boundaries.append(quota.next_reset)
        page_cache.valid_until(min(boundaries, default=None))
    submissions = []
    if team is not None:
        submissions = list(team.submissions.select_related("submitted_by")[:20])
        by_id = {each.pk: each for each in phases}
        for submission in submissions:
            submission.phase, submission.team = by_id[submission.phase_id], team
        # Under the Ladder the team sees released values only (and which ones moved).
        for submission, (score, moved) in zip(
            submissions, shown_public_scores(request.user, submissions).values(), strict=True
        ):
            submission.shown_score, submission.ladder_moved = score, moved
    _submission_rows(request, submissions, finals=finals, phase=phase, phase_open=phase_open)
    return render(
        request,
        "competitions/challenge_detail.html",
        {
            "challenge": challenge,
            "event": challenge.event,
            "phase": phase,
            "phases": phases,
            "phase_open": phase_open,
            "team": team,
            "quota": quota,
            "finals": finals,
            "accepted": has_accepted_rules(request.user, challenge),
            "data_files": cached_data_files(challenge),
            "submissions": submissions,
            "spec": challenge.task_spec,
            # The same for everyone not signed in while the phase stays open or closed.
            "page_cache_key": page_cache.visitor_key(
                request,
                "challenge",
                page_cache.stamp(challenge, challenge.event, phase),
                page_cache.content_version(challenge.event_id),
                phase_open,
            ),
        },
    )


def data_download(request, event_slug, challenge_slug, file_id):
    challenge = get_challenge(request, event_slug, challenge_slug, action="challenge.download")
    data_file = get_object_or_404(DataFile, pk=file_id, challenge=challenge)
    return FileResponse(data_file.file.open("rb"), as_attachment=True, filename=data_file.name)


def _submission_rows(request, submissions, *, finals, phase, phase_open: bool) -> None:
    """Each row of the team's submissions table as HTML (``row_html``), written out here rather
    than by the template: a team's challenge page is rendered again after each of its uploads,
    and the template took ~0.9 ms of CPU a row (twenty rows shown)."""
    if not submissions:
        return
    token = get_token(request)
    may_mark = bool(finals and finals.limit and phase is not None and phase_open)
    disqualified, hidden = _("Disqualified"), _("Hidden from the leaderboard")
    no_gain = format_html(' <span class="muted">{}</span>', _("(no significant improvement)"))
    final_badge = format_html('<span class="badge">{}</span>', _("final"))
    states = {value: str(label) for value, label in Submission.State.choices}
    # One reverse per page: the rows' links differ only in the submission's id.
    links = _by_id("competitions:submission")
    final_links = _by_id("competitions:submission_final")
    for s in submissions:
        moderation = ""
        if s.is_disqualified or s.is_hidden:
            badge = disqualified if s.is_disqualified else hidden
            reason = _("Reason: %(reason)s") % {"reason": escape(s.moderation_reason)}
            moderation = format_html(
                '<span class="badge moderated" id="moderation-{}">{}</span> '
                '<span class="muted moderation-reason">{}</span>',
                s.pk,
                badge,
                mark_safe(reason),
            )
        score = "—"
        if s.state == Submission.State.SCORED:
            score = format_html(
                "{}{}", score_text(s.shown_score), no_gain if s.ladder_moved is False else ""
            )
        mark = ""
        if may_mark and s.phase_id == phase.pk:
            counted = not s.is_disqualified and not s.is_hidden
            if s.is_final:
                mark = _final_form(final_links(s.pk), token, "no", _("Unmark"))
            elif s.state == Submission.State.SCORED and counted and finals.left:
                mark = _final_form(final_links(s.pk), token, "yes", _("Mark final"))
        s.row_html = format_html(
            '<tr id="submission-{}"{}><td>{}</td><td><a href="{}">{}</a></td><td>{}</td>'
            '<td><span class="state state-{}">{}</span>{}</td><td class="num">{}</td>'
            '<td class="final-cell">{}{}</td></tr>',
            s.pk,
            mark_safe(' class="final"') if s.is_final else "",
            time_element(s.created_at, short=True),
            links(s.pk),
            s.original_name,
            s.submitted_by or "—",
            s.state,
            states.get(s.state, s.state),
            moderation,
            score,
            final_badge if s.is_final else "",
            mark,
        )


_SOME_ID = uuid.UUID(int=0)


def _by_id(name: str):
    """``url(submission_id)`` for the URL named: reversed once, the id put in each time."""
    pattern = reverse(name, args=[_SOME_ID])
    return lambda submission_id: pattern.replace(str(_SOME_ID), str(submission_id))


def _final_form(action: str, token: str, value: str, label: str) -> str:
    return format_html(
        '<form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="final" value="{}">'
        '<button type="submit" class="link">{}</button></form>',
        action,
        token,
        value,
        label,
    )
