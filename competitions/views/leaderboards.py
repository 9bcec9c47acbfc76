"""Leaderboard pages, their live fragment and the exports.

The board's HTML fragment depends only on the phase, the board, the page, the sort, the
language and two permission answers (``phase.view_raw_scores``, ``phase.view_private``):
nothing about the viewer's team or time zone is in it (the page around it marks "your team"
and shows times in the viewer's zone with ``static/js/leaderboard.js``), so it can be cached.
An open page asks for it every ``LEADERBOARD_POLL_SECONDS`` with the version it has; the
answer is an empty 204 while nothing changed (no query: ``visitor_pages`` answers it from the
cache), and a 304 when the browser holds the rendering its ETag names. The board and the public board's charts are rendered once
per version, language (and zone, for the charts) into the shared cache (``page_cache``);
everything about the viewer (their team, the private tab) is rendered around them.
"""

import csv
import datetime as dt
import re
from html import escape

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import page_cache, visitor_pages
from ..charts import bar_chart, legend_items, line_chart, table_rows
from ..context_processors import notifications
from ..csv_export import safe_cell
from ..formatting import score_text
from ..models import Challenge, Phase, Submission
from ..permissions import can, require_two_factor
from ..selectors.leaderboards import (
    FIXED_SORTS,
    PER_PAGE,
    PRIVATE,
    PUBLIC,
    Board,
    board_all,
    board_page,
    daily_submissions,
    kept_board,
    ladder_step,
    page_of_board,
    released_submission_ids,
    standings_version,
    team_board_page,
    team_history,
    top_history,
)
from ..selectors.participation import team_of
from .helpers import cached_team_of, challenge_and_phases, current_phase, get_challenge


def _phase(request, challenge: Challenge, phases=None) -> tuple[list[Phase], Phase | None]:
    phases = list(challenge.phases.all()) if phases is None else phases
    phase_id = request.GET.get("phase", "")
    phase = None
    if phase_id.isascii() and phase_id.isdigit() and len(phase_id) < 19:
        phase = next((p for p in phases if p.pk == int(phase_id)), None)
    if phase is None:
        phase = current_phase(challenge, timezone.now(), phases)
    return phases, phase


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    if not (value.isascii() and value.isdigit() and len(value) < 7):
        return 1
    return int(value) if int(value) > 0 else 1


def _board_kind(request, phase: Phase) -> str:
    """The board asked for; by default the private one once it is revealed (the final
    result), else the public one. A request for the private board by someone who may not
    see it gets the public one (the tab is not offered to them)."""
    revealed = phase.private_revealed_at is not None and phase.private_revealed_at <= timezone.now()
    wanted = request.GET.get("board") or (PRIVATE if revealed else PUBLIC)
    if wanted == PRIVATE and not revealed:
        # Before the reveal only staff see it: under the event's two-factor requirement, staff
        # who have not set it up are sent to do so.
        require_two_factor(request.user, "event.judge", phase.challenge.event)
    if wanted == PRIVATE and can(request.user, "phase.view_private", phase):
        return PRIVATE
    return PUBLIC


def _board_url(challenge: Challenge, **params) -> str:
    base = challenge.__dict__.get("_board_base")
    if base is None:
        base = reverse("competitions:leaderboard", args=[challenge.event.slug, challenge.slug])
        challenge.__dict__["_board_base"] = base
    defaults = {"page": 1, "sort": "rank"}
    params = {k: v for k, v in params.items() if v not in (None, "") and defaults.get(k) != v}
    return f"{base}?{urlencode(params)}" if params else base


def _number(value) -> str:
    return score_text(value)


def _utc(moment) -> tuple[str, str]:
    """(ISO time, readable UTC text): the browser shows it in the viewer's zone."""
    if moment is None:
        return "", ""
    moment = moment.astimezone(dt.UTC)
    return moment.isoformat(), moment.strftime("%Y-%m-%d %H:%M UTC")


def _change_cell(row) -> str:
    change = row.rank_change
    note = (
        escape(_("(was %(n)s on the public board)") % {"n": row.public_rank})
        if row.public_rank is not None
        else ""
    )
    if row.is_new:
        inner = f'<span class="badge">{escape(_("new"))}</span>'
    elif change is None:
        inner = ""
    elif change > 0:
        inner = f'<span class="up">▲{change}</span><span class="visually-hidden"> {note}</span>'
    elif change < 0:
        inner = f'<span class="down">▼{-change}</span><span class="visually-hidden"> {note}</span>'
    else:
        same = escape(_("same rank as on the public board"))
        inner = f'<span aria-hidden="true">=</span><span class="visually-hidden">{same}</span>'
    return f'<td class="change">{inner}</td>'


def _time_cell(moment) -> str:
    iso, text = _utc(moment)
    return f'<td><time datetime="{iso}" data-local>{text}</time></td>' if iso else "<td></td>"


def _present(board: Board) -> None:
    """Each row's HTML, built once in Python with every text escaped: a page of 100 rows costs
    a few milliseconds instead of thousands of template lookups."""
    baseline = f'<span class="badge">{escape(_("baseline"))}</span>'
    private = board.kind == PRIVATE
    for row in board.rows:
        rank = baseline if row.is_baseline else str(row.rank) if row.rank else "—"
        name = escape(row.team_name)
        if row.members:
            members = "".join(f"<li>{escape(m)}</li>" for m in row.members)
            team = f'<details><summary>{name}</summary><ul class="members">{members}</ul></details>'
        else:
            team = name
        raw = f'<td class="num raw">{_number(row.raw)}</td>' if board.show_raw else ""
        secondary = "".join(f'<td class="num">{_number(v)}</td>' for v in row.secondary_values)
        marker = ' class="baseline"' if row.is_baseline else ""
        row.html = mark_safe(
            f'<tr id="team-{row.team_id}" data-team="{row.team_id}"{marker}>'
            f'<td class="num rank">{rank}</td>{_change_cell(row) if private else ""}'
            f'<td class="team">{team}</td><td class="num score">{_number(row.score)}</td>'
            f'{raw}{secondary}<td class="num">{row.entries}</td>'
            f"{_time_cell(row.last_submission_at)}{_time_cell(row.scored_at)}</tr>"
        )


def _board_spec(request, challenge: Challenge, phase: Phase) -> dict:
    """What the board shown depends on, read without reading any row: the board, the page and
    sort asked for, the permission answer, the standings version."""
    sort = request.GET.get("sort") or "rank"
    if sort not in {*FIXED_SORTS, *(challenge.secondary_metrics or [])}:
        sort = "rank"
    return {
        "kind": _board_kind(request, phase),
        "raw": can(request.user, "phase.view_raw_scores", phase),
        "page": _page_number(request),
        "sort": sort,
        "version": standings_version(phase),
    }


def _fragment_context(request, challenge: Challenge, phase: Phase | None, spec: dict) -> dict:
    context = {"challenge": challenge, "event": challenge.event, "phase": phase, "board": None}
    if phase is None:
        return context
    kind = spec["kind"]
    version = spec["version"]
    if page_cache.enabled():
        # The page and sort made from the whole board kept in this process: perhaps read for
        # an older version, less than BOARD_REFRESH_SECONDS ago (the page then says so).
        kept = kept_board(phase, kind=kind, raw=spec["raw"], version=version)
        board = page_of_board(kept.board, raw=spec["raw"], page=spec["page"], sort=spec["sort"])
        if kept.version != version:
            version = kept.version
            context["read_at"] = kept.made_at
    else:
        board = board_page(phase, kind=kind, raw=spec["raw"], page=spec["page"], sort=spec["sort"])
    _present(board)

    def link(**changes) -> str:
        params = {"phase": phase.pk, "board": kind, "page": board.page, "sort": board.sort}
        params.update(changes)
        return _board_url(challenge, **params)

    context.update(
        board=board,
        kind=kind,
        version=version,
        poll_seconds=settings.LEADERBOARD_POLL_SECONDS,
        this_url=link(),
        sort_urls={name: link(sort=name, page=1) for name in ["rank", "raw", "entries", "last"]},
        secondary_columns=[(c, link(sort=c.name, page=1)) for c in board.secondary],
        page_urls={n: link(page=n) for n in board.page_numbers},
        previous_url=link(page=board.page - 1) if board.page > 1 else "",
        next_url=link(page=board.page + 1) if board.page < board.pages else "",
    )
    return context


def _board_html(request, challenge: Challenge, phase: Phase, spec: dict, polled: bool) -> str:
    """The board's HTML, from the shared cache when this version of it was rendered before in
    this language (the same for everyone with the same permission answer), or when an older
    version of it was rendered within ``BOARD_REFRESH_SECONDS`` (``request.board_stale``)."""

    def render() -> tuple:
        context = _fragment_context(request, challenge, phase, spec)
        context["polled"] = polled
        html = render_to_string(
            "competitions/partials/leaderboard_board.html", context, request=request
        )
        # A page past the last one shows the last: not worth a key of its own.
        keep = context["board"].page == spec["page"]
        if "read_at" in context:  # rows read for an older version
            return html, keep, context["read_at"]
        return html, keep

    parts = [phase.pk, spec["kind"], spec["page"], spec["sort"], int(spec["raw"]), int(polled)]
    cache_key = page_cache.key("board", spec["version"], *parts, by_zone=False)
    latest_key = page_cache.key("board-latest", *parts, by_zone=False)
    html, stale = page_cache.recent_html(cache_key, latest_key, render)
    request.board_stale = stale
    return html


def _etag(spec: dict, polled: bool) -> str:
    parts = [
        spec["version"], spec["kind"], spec["page"], spec["sort"], int(spec["raw"]),
        get_language(), int(polled),
    ]  # fmt: skip
    return '"' + "-".join(map(str, parts)) + '"'


def leaderboard(request, event_slug, challenge_slug):
    challenge, phases = challenge_and_phases(request, event_slug, challenge_slug)
    phases, phase = _phase(request, challenge, phases)
    if not request.user.is_authenticated:
        page_cache.shareable(request)  # visitor_pages: the same for every visitor
    if request.headers.get("HX-Request"):
        return _fragment(request, challenge, phase)
    if request.user.is_authenticated and phase is not None:
        response = _from_visitors_page(request, challenge, phase)
        if response is not None:
            return response
    context = {"challenge": challenge, "event": challenge.event, "phase": phase, "phases": phases}
    if phase is not None:
        spec = _board_spec(request, challenge, phase)
        context.update(
            kind=spec["kind"],
            version=spec["version"],
            board_html=_board_html(request, challenge, phase, spec, polled=False),
        )
        context.update(_page_extras(request, challenge, phase, spec))
    return render(request, "competitions/leaderboard.html", context)


# The parts of the page that are about the person (``templates/partials/personal_regions.html``):
# the top bar's "Manage" link and account links, the footer's link and the jump to their team.
_REGIONS = [
    re.compile(rb"<!--p:" + name + rb"-->.*?<!--/p:" + name + rb"-->", re.S)
    for name in (b"nav", b"account", b"footer", b"team")
]
_NO_TEAM = b'<div id="board" data-my-team=""'


def _from_visitors_page(request, challenge: Challenge, phase: Phase) -> HttpResponse | None:
    """A signed-in person's page made from the one kept for visitors (same URL, language and
    zone), with their own parts put in; None when theirs differs in more than those parts or
    none is kept. A crowd reads the board page: the visitors' rendering is shared, so that a
    signed-in person's page costs their parts only, not a rendering of the whole page."""
    user = request.user
    session = request.session
    if "messages" in request.COOKIES or "_messages" in session:
        return None  # a message waits: the page shows it
    if session.get("datajam_two_factor_return"):
        return None
    spec = _board_spec(request, challenge, phase)
    visitor = AnonymousUser()
    if spec["raw"] != can(visitor, "phase.view_raw_scores", phase) or can(
        user, "phase.view_private", phase
    ) != can(visitor, "phase.view_private", phase):
        return None  # staff see more than visitors
    body = visitor_pages.kept_for_visitors(request, getattr(request, "timezone_name", ""))
    if body is None or _NO_TEAM not in body:
        return None
    my_team = cached_team_of(user, challenge)
    my_url = ""
    if my_team is not None:
        my_page = _team_page(phase, my_team.pk, spec)
        if my_page:
            my_url = _board_url(challenge, phase=phase.pk, board=spec["kind"], page=my_page)
            my_url += f"#team-{my_team.pk}"
        body = body.replace(_NO_TEAM, _NO_TEAM[:-1] + b'%d"' % my_team.pk, 1)
    # What the parts read, given directly: the context processors' work for a whole page is not
    # needed for these few lines.
    context = {
        "user": user,
        "csrf_token": get_token(request),
        "my_team": my_team,
        "my_team_url": my_url,
        **notifications(request),
    }
    theirs = get_template("partials/personal_regions.html").render(context).encode()
    for region in _REGIONS:
        part = region.search(theirs)
        body, found = region.subn(lambda _m, part=part: part.group(0), body, count=1)
        if part is None or found != 1:
            return None  # a page made before these marks: render it
    return HttpResponse(body)


def _fragment(request, challenge: Challenge, phase: Phase | None) -> HttpResponse:
    """The board alone, for htmx: 204 when the page already shows this version, 304 when the
    browser holds this rendering (its ETag), both before any row is read."""
    if phase is None:
        context = _fragment_context(request, challenge, phase, {})
        return render(request, "competitions/partials/leaderboard_board.html", context)
    spec = _board_spec(request, challenge, phase)
    since = request.GET.get("since", "")
    if since and since == spec["version"]:
        deps = phase.__dict__.get("_version_deps")
        if deps:  # the next poll with this version is answered by visitor_pages, for anyone
            page_cache.remember_board_version(phase.pk, since, deps)
        return HttpResponse(status=204)
    etag = _etag(spec, bool(since))
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(_board_html(request, challenge, phase, spec, polled=bool(since)))
        if request.board_stale:  # an older version's rendering: no tag the browser could keep
            response["Cache-Control"] = "no-cache"
            response["Vary"] = "Cookie, Accept-Language, HX-Request"
            return response
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    response["Vary"] = "Cookie, Accept-Language, HX-Request"
    return response


def _page_extras(request, challenge: Challenge, phase: Phase, spec: dict) -> dict:
    """What only the whole page shows: your team (never cached), the exports, the charts."""
    kind = spec["kind"]
    my_team = cached_team_of(request.user, challenge)
    my_page = _team_page(phase, my_team.pk, spec) if my_team else None
    export = reverse("competitions:leaderboard_export", args=[challenge.event.slug, challenge.slug])
    query = urlencode({"phase": phase.pk, "board": kind})
    step = ladder_step(phase)
    extras = {
        "my_team": my_team,
        "my_team_url": (
            _board_url(challenge, phase=phase.pk, board=kind, page=my_page) + f"#team-{my_team.pk}"
            if my_page
            else ""
        ),
        "export_csv": f"{export}?{query}&format=csv",
        "export_json": f"{export}?{query}&format=json",
        "can_view_private": can(request.user, "phase.view_private", phase),
        "public_url": _board_url(challenge, phase=phase.pk, board=PUBLIC),
        "private_url": _board_url(challenge, phase=phase.pk, board=PRIVATE),
        "ladder_step": step,
        "history_html": "",
    }
    if kind == PUBLIC:
        raw = spec["raw"]

        def render_history() -> tuple[str, bool]:
            context = _history_context(challenge, phase, raw=raw, step=step)
            html = render_to_string(
                "competitions/partials/leaderboard_history.html", context, request=request
            )
            return html, True

        # Times in the charts are in the viewer's zone: the key has the zone.
        cache_key = page_cache.key("history", phase.pk, spec["version"], int(raw))
        latest_key = page_cache.key("history-latest", phase.pk, int(raw))
        extras["history_html"] = page_cache.recent_html(cache_key, latest_key, render_history)[0]
    return extras


def _team_page(phase: Phase, team_id: int, spec: dict) -> int | None:
    """The board page that holds the team: from the whole board kept in this process (the one
    the board's pages are made from), or three counts when nothing is kept."""
    if not page_cache.enabled():
        return team_board_page(phase, team_id, kind=spec["kind"])
    kept = kept_board(phase, kind=spec["kind"], raw=spec["raw"], version=spec["version"])
    index = kept.positions.get(team_id)
    return None if index is None else index // PER_PAGE + 1


def _history_context(challenge: Challenge, phase: Phase, *, raw: bool, step) -> dict:
    series = top_history(phase, raw=raw)
    days = daily_submissions(phase)
    return {
        "metric_label": challenge.metric_label(challenge.primary_metric),
        "released_only": step is not None and not raw,
        "top_series": series,
        "top_legend": legend_items(series),
        "top_table": table_rows(series),
        "top_chart": line_chart(
            series,
            title=_("Best public score over time, top %(n)d teams") % {"n": len(series)},
            description=_history_description(series),
        ),
        "days": days,
        "days_chart": bar_chart(
            days,
            title=_("Submissions per day (UTC)"),
            description=_("%(total)d submissions over %(days)d days; the busiest day had %(most)d.")
            % {
                "total": sum(n for _d, n in days),
                "days": len(days),
                "most": max((n for _d, n in days), default=0),
            },
        ),
    }


def _history_description(series) -> str:
    if not series:
        return ""
    leader = series[0]
    return _(
        "%(team)s leads with %(score)s; each line is a team's best score, rising when a "
        "submission beats it."
    ) % {"team": leader.label, "score": score_text(leader.points[-1][1])}


# --- Exports --------------------------------------------------------------------------------


def board_export_rows(board: Board, kind: str) -> tuple[list[str], list[list]]:
    header = ["rank", "team", "baseline", board.metric.name]
    if board.show_raw:
        header.append(f"raw_{board.metric.name}")
    if kind == PRIVATE:
        header.append("public_rank")
    header += [c.name for c in board.secondary]
    header += ["entries", "last_submission_at"]
    rows = []
    for row in board.rows:
        line = [row.rank, row.team_name, row.is_baseline, row.score]
        if board.show_raw:
            line.append(row.raw)
        if kind == PRIVATE:
            line.append(row.public_rank)
        line += [row.metrics.get(c.name) for c in board.secondary]
        line += [
            row.entries,
            row.last_submission_at.isoformat() if row.last_submission_at else None,
        ]
        rows.append(line)
    return header, rows


def leaderboard_export(request, event_slug, challenge_slug):
    """The whole board as CSV or JSON: released scores only, unless the viewer may see raw
    ones; the private board for those who may see it (403 for others)."""
    challenge = get_challenge(request, event_slug, challenge_slug)
    _phases, phase = _phase(request, challenge)
    if phase is None:
        raise Http404
    kind = request.GET.get("board", PUBLIC)
    if kind not in (PUBLIC, PRIVATE):
        kind = PUBLIC
    if kind == PRIVATE and not can(request.user, "phase.view_private", phase):
        raise PermissionDenied
    raw = can(request.user, "phase.view_raw_scores", phase)
    board = board_all(phase, kind=kind, raw=raw)
    header, rows = board_export_rows(board, kind)
    name = f"{challenge.slug}-{phase.pk}-{kind}-leaderboard"
    if request.GET.get("format") == "json":
        response = JsonResponse(
            {
                "challenge": challenge.slug,
                "phase": phase.name,
                "board": kind,
                "metric": board.metric.name,
                "ladder_step": board.ladder_step if not raw else None,
                "rows": [dict(zip(header, line, strict=True)) for line in rows],
            },
            json_dumps_params={"ensure_ascii": False},
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for line in rows:
        writer.writerow([safe_cell(value) for value in line])
    return response


@login_required
def team_submissions_export(request, event_slug, challenge_slug):
    """A team's own submissions with every metric, as CSV (members only). Under the Ladder a
    participant gets the released values, never the raw ones."""
    challenge = get_challenge(request, event_slug, challenge_slug)
    team = team_of(request.user, challenge)
    if team is None or not can(request.user, "team.member", team):
        raise Http404
    submissions = list(
        team.submissions.select_related("phase", "submitted_by").order_by(
            "phase__order", "created_at"
        )
    )
    metrics = list(challenge.task_spec.metrics)
    header = [
        "phase", "submitted_at", "file", "submitted_by", "state", "hidden", "disqualified",
        "final", "public_score", "released_public_score", "private_score",
    ]  # fmt: skip
    header += [f"public_{m}" for m in metrics] + [f"private_{m}" for m in metrics]
    released: dict = {}
    answers: dict = {}
    rows = []
    for submission in submissions:
        phase = submission.phase
        if phase.pk not in answers:
            answers[phase.pk] = (
                can(request.user, "submission.view_raw_score", submission),
                can(request.user, "submission.view_private_score", submission),
            )
            released.update(released_submission_ids(phase, team))
        raw, private = answers[phase.pk]
        value, _moved = released.get(submission.pk, (None, False))
        line = [
            phase.name,
            submission.created_at.isoformat(),
            submission.original_name,
            str(submission.submitted_by or ""),
            submission.state,
            submission.is_hidden,
            submission.is_disqualified,
            submission.is_final,
            submission.public_score if raw else None,
            value if ladder_step(phase) is not None else submission.public_score,
            submission.private_score if private else None,
        ]
        line += [(submission.public_scores or {}).get(m) if raw else None for m in metrics]
        line += [(submission.private_scores or {}).get(m) if private else None for m in metrics]
        rows.append(line)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{challenge.slug}-submissions.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for line in rows:
        writer.writerow([safe_cell(value) for value in line])
    return response


def team_history_context(request, challenge: Challenge, team) -> dict:
    """The team page's chart: its public score over time in the current phase (raw scores
    and the running best, or the released score under the Ladder), and its export link."""
    phase = current_phase(challenge, timezone.now())
    context = {
        "export_submissions_url": reverse(
            "competitions:team_submissions_export", args=[challenge.event.slug, challenge.slug]
        ),
        "history_phase": phase,
    }
    if phase is None:
        return context
    raw = can(request.user, "phase.view_raw_scores", phase)
    series = team_history(phase, team, raw=raw)
    if series is None:
        return context
    label = challenge.metric_label(challenge.primary_metric)
    if raw:
        title = _("%(team)s: public %(metric)s of each submission and the best so far") % {
            "team": team.name,
            "metric": label,
        }
        description = _("%(n)d submissions; the best public score so far is %(best)s.") % {
            "n": len(series.marks),
            "best": score_text(series.points[-1][1]),
        }
    else:
        title = _("%(team)s: released public %(metric)s over time") % {
            "team": team.name,
            "metric": label,
        }
        description = _(
            "Under the Ladder the released score moved %(n)d times; it is now %(best)s."
        ) % {"n": len(series.marks), "best": score_text(series.points[-1][1])}
    context.update(
        history=series,
        history_raw=raw,
        history_metric=label,
        history_chart=line_chart([series], title=title, description=description),
        history_points=table_rows([series]),
        history_marks=table_rows([series], marks=True),
    )
    return context


def shown_public_scores(user, submissions: list[Submission]) -> dict:
    """``{submission id: (score shown, moved)}`` for a list of a team's submissions: the raw
    score for those who may see it, else the Ladder's released value after it (``moved``
    False: no significant improvement)."""
    shown = {}
    replays: dict = {}
    for submission in submissions:
        if can(user, "submission.view_raw_score", submission):
            shown[submission.pk] = (submission.public_score, None)
            continue
        key = (submission.phase_id, submission.team_id)
        if key not in replays:
            replays[key] = released_submission_ids(submission.phase, submission.team)
        shown[submission.pk] = replays[key].get(submission.pk, (None, None))
    return shown
