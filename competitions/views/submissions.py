import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import page_cache
from ..models import Submission
from ..permissions import can, require_two_factor
from ..selectors.leaderboards import ladder_outcome
from ..selectors.queue import queue_position, status_poll_ms
from ..services.submissions import submission_create
from .helpers import cached_team_of, current_phase, get_challenge, service_call

logger = logging.getLogger(__name__)


@login_required
@require_POST
def submit(request, event_slug, challenge_slug):
    challenge = get_challenge(request, event_slug, challenge_slug)
    phase = current_phase(challenge, timezone.now())
    uploaded = request.FILES.get("file")
    back = redirect("competitions:challenge", challenge.event.slug, challenge.slug)
    if phase is None:
        messages.error(request, _("This challenge has no phase to submit to."))
        return back
    if uploaded is None:
        messages.error(request, _("Choose a file to upload."))
        return back
    with service_call(request) as call:
        submission = submission_create(
            user=request.user, phase=phase, uploaded=uploaded, note=request.POST.get("note", "")
        )
    if not call.ok:
        return back
    return redirect("competitions:submission", submission.pk)


def _get_submission(request, submission_id) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("phase__challenge__event", "team", "submitted_by"),
        pk=submission_id,
    )
    # The person's team from the shared cache (``cached_team_of`` keeps it for the request,
    # where the checks below ask for it): the page and its polls are asked many times a minute.
    cached_team_of(request.user, submission.phase.challenge)
    # An organiser of an event that requires two-factor authentication is sent to set it up
    # (``can`` alone would answer "not there").
    require_two_factor(request.user, "submission.moderate", submission)
    # The same answer for "not yours" and "not there": ids reveal nothing.
    if not can(request.user, "submission.view", submission):
        raise Http404
    return submission


def _poll_marks(submission_id) -> dict:
    """What the status poll carries (``visitor_pages`` answers it while they hold): the
    submission's status token, read before its row, and when this rendering was made. Nothing
    when caching is off or the cache does not answer: the poll then always gets the view."""
    try:
        since = page_cache.status_token(submission_id)
    except Exception:
        logger.warning("submission status: the cache did not answer", exc_info=True)
        since = ""
    return {"status_since": since, "status_at": int(time.time())} if since else {}


@login_required
def submission_detail(request, submission_id):
    marks = _poll_marks(submission_id)
    submission = _get_submission(request, submission_id)
    return render(
        request,
        "competitions/submission_detail.html",
        {**_detail_context(request, submission), **marks},
    )


@login_required
def submission_status(request, submission_id):
    """The live part of the submission page, polled by htmx until the state is final. While
    nothing changed, most polls are answered before this view (``visitor_pages``); it renders
    again at least every ``STATUS_POLL_FRESH_SECONDS``, which keeps the queue position, the
    waiting time and the polling interval current."""
    marks = _poll_marks(submission_id)
    submission = _get_submission(request, submission_id)
    return render(
        request,
        "competitions/partials/submission_status.html",
        {**_detail_context(request, submission), **marks},
    )


@login_required
def submission_download(request, submission_id):
    submission = _get_submission(request, submission_id)
    if not can(request.user, "submission.download", submission):
        raise Http404
    return FileResponse(
        submission.file.open("rb"), as_attachment=True, filename=submission.original_name
    )


WHOLE_FILE_FIGURES = ("coverage", "n_predicted_clusters", "largest_predicted_cluster")


def _detail_context(request, submission: Submission) -> dict:
    challenge = submission.phase.challenge
    spec = challenge.task_spec
    raw = can(request.user, "submission.view_raw_score", submission)
    # Under the Ladder a participant sees the released value only, never the raw metrics.
    # Coverage is shown apart, for the whole file (as in the missing-ads warning): the table
    # holds the public part's metrics.
    # The predicted-cluster counts are whole-file figures too (never per split, so that they
    # tell nothing about which ads are public): they are listed with the coverage.
    metrics = [
        (name, spec.metric_labels.get(name, name), submission.public_scores.get(name))
        for name in spec.metrics
        if raw and name in submission.public_scores and name not in WHOLE_FILE_FIGURES
    ]
    whole = submission.all_scores or {}
    coverage = whole.get("coverage")
    file_figures = [
        (name, spec.metric_labels.get(name, name), whole[name])
        for name in spec.metrics
        if raw and name in whole and name in WHOLE_FILE_FIGURES and name != "coverage"
    ]
    ladder = None
    if submission.state == Submission.State.SCORED:
        ladder = ladder_outcome(submission)
    now = timezone.now()
    waiting = running = None
    if submission.state == Submission.State.QUEUED and submission.queued_at:
        waiting = max(int((now - submission.queued_at).total_seconds()), 0)
    if submission.state == Submission.State.RUNNING and submission.started_at:
        running = max(int((now - submission.started_at).total_seconds()), 0)
    ahead = queue_position(submission)
    return {
        "submission": submission,
        "challenge": challenge,
        "event": challenge.event,
        "metrics": metrics,
        "primary_metric": challenge.primary_metric,
        "primary_metric_label": spec.metric_labels.get(
            challenge.primary_metric, challenge.primary_metric
        ),
        "queue_ahead": ahead,
        "poll_ms": status_poll_ms(
            state=submission.state,
            waiting_seconds=waiting,
            running_seconds=running,
            ahead=ahead,
        ),
        "waiting_seconds": waiting,
        "running_seconds": running,
        "max_attempts": settings.SCORING_MAX_ATTEMPTS,
        "show_raw": raw,
        "ladder": ladder,
        "coverage": coverage,
        "file_figures": file_figures,
    }
