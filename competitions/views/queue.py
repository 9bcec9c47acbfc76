"""The scoring queue's health for an event's organisers, with rescore buttons."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import Phase, Submission
from ..selectors.health import check_sweeper
from ..selectors.queue import (
    event_active_submissions,
    event_recent_failures,
    queue_health,
    workers_seen,
)
from ..services.moderation import submission_moderate
from ..services.phases import phase_rescore
from ..services.sweeper import sweeper_last_run
from .helpers import get_event, service_call


@login_required
def queue_health_page(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    return render(
        request,
        "competitions/queue/health.html",
        {
            "event": event,
            "health": queue_health(event=event),
            "active": event_active_submissions(event=event),
            "failures": event_recent_failures(event=event),
            "workers": workers_seen(),
            "sweeper": check_sweeper(),
            "sweeper_last": sweeper_last_run(),
            "stale_seconds": int(settings.SCORING_HEARTBEAT_STALE_SECONDS),
            "sweep_seconds": int(settings.SCORING_SWEEP_INTERVAL_SECONDS),
            "max_attempts": settings.SCORING_MAX_ATTEMPTS,
        },
    )


@login_required
@require_POST
def rescore_submission(request, event_slug, submission_id):
    event = get_event(request, event_slug, action="event.manage")
    submission = get_object_or_404(
        Submission.objects.select_related("phase__challenge__event"),
        pk=submission_id,
        phase__challenge__event=event,
    )
    with service_call(request):
        submission_moderate(
            submission=submission,
            action="rescore",
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
        messages.success(request, _("The submission is queued for scoring again."))
    return redirect("competitions:manage_queue", event.slug)


@login_required
@require_POST
def rescore_phase(request, event_slug, phase_id):
    event = get_event(request, event_slug, action="event.manage")
    phase = get_object_or_404(Phase, pk=phase_id, challenge__event=event)
    with service_call(request):
        count = phase_rescore(
            phase=phase, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("%(n)d submissions queued for rescoring.") % {"n": count})
    return redirect("competitions:manage_queue", event.slug)
