"""Organiser pages: thin views over the services in ``services/`` (events, challenges, phases, moderation)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from .. import forms
from ..inputs import strip_forbidden
from ..models import Challenge, DataFile, Event, EventRole, Submission, Team, TemplateJob
from ..permissions import can
from ..selectors.audit import AuditFilter, audit_entries, audit_filter_choices, audit_sentence
from ..selectors.organiser import phase_submission_counts, reference_scores
from ..selectors.quotas import team_quota
from ..selectors.readiness import event_readiness
from ..services import announcements as announcement_svc
from ..services import challenges as challenge_svc
from ..services import events as event_svc
from ..services import moderation as moderation_svc
from ..services import phases as phase_svc
from ..services.challenge_templates import template_job_start
from .helpers import get_event, get_phase, safe_next, service_call

TRUTH_SUMMARY_LABELS = {
    "n_rows": gettext_lazy("rows"),
    "n_public": gettext_lazy("public rows"),
    "n_private": gettext_lazy("private rows"),
    "n_clusters": gettext_lazy("operators (clusters)"),
    "n_singletons": gettext_lazy("ads standing alone"),
    "largest_cluster": gettext_lazy("largest cluster"),
    "n_true_pairs": gettext_lazy("same-operator pairs"),
    "n_classes": gettext_lazy("classes"),
}


def _challenge(request, event_slug, challenge_slug) -> tuple[Event, Challenge]:
    event = get_event(request, event_slug, action="event.manage")
    return event, get_object_or_404(Challenge, event=event, slug=challenge_slug)


def _challenge_page(challenge: Challenge):
    return redirect("competitions:manage_challenge", challenge.event.slug, challenge.slug)


def _form_page(request, form, title: str, back: str, submit: str | None = None):
    return render(
        request,
        "competitions/organiser/form.html",
        {"form": form, "title": title, "back": back, "submit": submit or _("Save")},
    )


@login_required
def dashboard(request):
    roles = EventRole.objects.filter(user=request.user).select_related("event")
    return render(request, "competitions/organiser/dashboard.html", {"roles": roles})


@login_required
def event_new(request):
    if not can(request.user, "event.create"):
        raise PermissionDenied(_("Only staff accounts can create events on this site."))
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            event = event_svc.event_create(actor=request.user, data=form.cleaned_data)
        if call.ok:
            messages.success(
                request,
                _(
                    "Event created as a draft: only you and the people you add see it. "
                    "Publish it when the checklist is complete."
                ),
            )
            return redirect("competitions:manage_event", event.slug)
    return _form_page(request, form, _("New event"), reverse("competitions:manage"))


@login_required
def event_manage(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    return render(
        request,
        "competitions/organiser/event.html",
        {
            "event": event,
            "challenges": event.challenges.prefetch_related("phases"),
            "roles": event.roles.select_related("user"),
            "role_form": forms.RoleForm(),
            "readiness": event_readiness(event),
        },
    )


@login_required
def announcement_new(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    form = forms.AnnouncementForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_call(request, form) as call:
            announcement = announcement_svc.announcement_send(
                event=event, actor=request.user, subject=data["subject"], body=data["body"],
                challenge=data["audience"],
            )  # fmt: skip
        if call.ok:
            messages.success(
                request,
                ngettext(
                    "Announcement sent to %(n)d participant.",
                    "Announcement sent to %(n)d participants.",
                    announcement.recipients,
                )
                % {"n": announcement.recipients},
            )
            return redirect("competitions:manage_event", event.slug)
    back = reverse("competitions:manage_event", args=[event.slug])
    return _form_page(request, form, _("Write to the participants"), back, _("Send"))


@login_required
@require_POST
def event_publish(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    with service_call(request) as call:
        event_svc.event_publish(event=event, actor=request.user)
    if call.ok:
        messages.success(request, _("The event is published: everyone can see it."))
    return redirect("competitions:manage_event", event.slug)


@login_required
@require_POST
def event_unpublish(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    with service_call(request):
        event_svc.event_unpublish(
            event=event, actor=request.user, reason=request.POST.get("reason", "")[:300]
        )
        messages.success(
            request, _("The event is a draft again: only its organisers and judges see it.")
        )
    return redirect("competitions:manage_event", event.slug)


@login_required
def event_edit(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    form = forms.EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            event = event_svc.event_update(event=event, actor=request.user, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Event saved."))
            return redirect("competitions:manage_event", event.slug)
    return _form_page(
        request, form, _("Edit event"), reverse("competitions:manage_event", args=[event_slug])
    )


@login_required
@require_POST
def role_add(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    form = forms.RoleForm(request.POST)
    if form.is_valid():
        with service_call(request):
            event_svc.role_grant(event=event, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Role granted."))
    else:
        messages.error(request, _("Give a valid e-mail address and a role."))
    return redirect("competitions:manage_event", event.slug)


@login_required
@require_POST
def role_remove(request, event_slug, role_id):
    event = get_event(request, event_slug, action="event.manage")
    role = get_object_or_404(EventRole, pk=role_id, event=event)
    with service_call(request):
        event_svc.role_revoke(role=role, actor=request.user)
        messages.success(request, _("Role removed."))
    return redirect("competitions:manage_event", event.slug)


@login_required
def challenge_new(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    form = forms.ChallengeForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            challenge = challenge_svc.challenge_create(
                event=event, actor=request.user, data=form.cleaned_data
            )
        if call.ok:
            messages.success(
                request, _("Challenge created. Add a phase, data files and the truth.")
            )
            return _challenge_page(challenge)
    return _form_page(
        request, form, _("New challenge"), reverse("competitions:manage_event", args=[event.slug])
    )


@login_required
def challenge_from_template(request, event_slug):
    """Starts the generation in a background task and follows it on a progress page (the
    corpus and its truth take seconds to minutes: never inside the web request)."""
    event = get_event(request, event_slug, action="event.manage")
    form = forms.LinkageTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            job = template_job_start(event=event, actor=request.user, options=form.cleaned_data)
        if call.ok:
            return redirect("competitions:manage_template_job", event.slug, job.pk)
    back = reverse("competitions:manage_event", args=[event.slug])
    return _form_page(
        request, form, _("New ad-linkage challenge from the template"), back, _("Create")
    )


@login_required
def template_job(request, event_slug, job_id):
    event = get_event(request, event_slug, action="event.manage")
    job = get_object_or_404(TemplateJob.objects.select_related("challenge"), pk=job_id, event=event)
    template = (
        "competitions/organiser/partials/template_job_status.html"
        if request.headers.get("HX-Request")
        else "competitions/organiser/template_job.html"
    )
    return render(request, template, {"event": event, "job": job})


@login_required
def challenge_manage(request, event_slug, challenge_slug):
    event, challenge = _challenge(request, event_slug, challenge_slug)
    phases = list(challenge.phases.all())
    counts = phase_submission_counts(phases)
    for phase in phases:
        phase.stale, phase.counts = counts[phase.pk]
    return render(
        request,
        "competitions/organiser/challenge.html",
        {
            "event": event,
            "challenge": challenge,
            "phases": phases,
            "data_files": challenge.data_files.all(),
            "data_form": forms.DataFileForm(),
            "teams": challenge.teams.prefetch_related("memberships__user"),
            "references": reference_scores(challenge),
        },
    )


@login_required
def challenge_edit(request, event_slug, challenge_slug):
    event, challenge = _challenge(request, event_slug, challenge_slug)
    form = forms.ChallengeForm(request.POST or None, instance=challenge, event=event)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            challenge = challenge_svc.challenge_update(
                challenge=challenge, actor=request.user, data=form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Challenge saved."))
            return _challenge_page(challenge)
    back = reverse("competitions:manage_challenge", args=[event.slug, challenge_slug])
    return _form_page(request, form, _("Edit challenge"), back)


@login_required
def phase_new(request, event_slug, challenge_slug):
    event, challenge = _challenge(request, event_slug, challenge_slug)
    form = forms.PhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            phase_svc.phase_create(challenge=challenge, actor=request.user, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Phase created. Upload its ground truth."))
            return _challenge_page(challenge)
    back = reverse("competitions:manage_challenge", args=[event.slug, challenge.slug])
    return _form_page(request, form, _("New phase"), back)


@login_required
def phase_edit(request, phase_id):
    phase = get_phase(request, phase_id)
    challenge = phase.challenge
    form = forms.PhaseForm(request.POST or None, instance=phase)
    back = reverse("competitions:manage_challenge", args=[challenge.event.slug, challenge.slug])
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            phase_svc.phase_update(phase=phase, actor=request.user, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Phase saved."))
            return redirect(back)
    return _form_page(request, form, _("Edit phase"), back)


@login_required
def phase_truth(request, phase_id):
    phase = get_phase(request, phase_id)
    challenge = phase.challenge
    form = forms.TruthForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            summary = phase_svc.phase_set_truth(
                phase=phase, uploaded=form.cleaned_data["file"], actor=request.user
            )
        if call.ok:
            messages.success(
                request,
                _("Ground truth accepted: %(rows)s rows (%(public)s public, %(private)s private).")
                % {
                    "rows": summary.get("n_rows"),
                    "public": summary.get("n_public"),
                    "private": summary.get("n_private"),
                },
            )
            for warning in summary.get("warnings", []):
                messages.warning(request, warning)
            return redirect("competitions:manage_phase_truth", phase.pk)
    phase.refresh_from_db()
    stale = phase.submissions.exclude(truth_version=phase.truth_version).count()
    return render(
        request,
        "competitions/organiser/truth.html",
        {
            "phase": phase,
            "challenge": challenge,
            "event": challenge.event,
            "form": form,
            "stale": stale,
            "columns": ",".join(challenge.task_spec.truth_columns),
            "summary_rows": [
                (TRUTH_SUMMARY_LABELS.get(key, key.replace("_", " ")), value)
                for key, value in phase.truth_summary.items()
                if key != "warnings"
            ],
            "truth_warnings": phase.truth_summary.get("warnings", []),
        },
    )


@login_required
@require_POST
def phase_rescore(request, phase_id):
    phase = get_phase(request, phase_id)
    with service_call(request):
        count = phase_svc.phase_rescore(
            phase=phase, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("%(n)d submissions queued for rescoring.") % {"n": count})
    return redirect(safe_next(request, reverse("competitions:manage_phase_truth", args=[phase.pk])))


@login_required
@require_POST
def phase_reveal(request, phase_id):
    phase = get_phase(request, phase_id)
    reveal = request.POST.get("reveal") == "yes"
    phase_svc.phase_reveal_private(phase=phase, actor=request.user, reveal=reveal)
    messages.success(
        request,
        _("The private leaderboard is now public.")
        if reveal
        else _("The private leaderboard is hidden again."),
    )
    return _challenge_page(phase.challenge)


@login_required
@require_POST
def datafile_add(request, event_slug, challenge_slug):
    event, challenge = _challenge(request, event_slug, challenge_slug)
    form = forms.DataFileForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        with service_call(request):
            challenge_svc.datafile_add(
                challenge=challenge, actor=request.user, upload=data["file"],
                name=data["name"], kind=data["kind"], description=data["description"],
            )  # fmt: skip
            messages.success(request, _("File uploaded."))
    else:
        messages.error(
            request, _("The file was not uploaded: %(e)s") % {"e": form.errors.as_text()}
        )
    return _challenge_page(challenge)


@login_required
@require_POST
def datafile_delete(request, event_slug, challenge_slug, file_id):
    event, challenge = _challenge(request, event_slug, challenge_slug)
    data_file = get_object_or_404(DataFile, pk=file_id, challenge=challenge)
    challenge_svc.datafile_delete(data_file=data_file, actor=request.user)
    messages.success(request, _("File deleted."))
    return _challenge_page(challenge)


@login_required
def submissions(request, event_slug, challenge_slug):
    event, challenge = _challenge(request, event_slug, challenge_slug)
    queryset = Submission.objects.filter(phase__challenge=challenge).select_related(
        "team", "phase", "submitted_by"
    )
    state = request.GET.get("state")
    if state in Submission.State.values:
        queryset = queryset.filter(state=state)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "competitions/organiser/submissions.html",
        {
            "event": event,
            "challenge": challenge,
            "page": page,
            "state": state,
            "states": Submission.State.choices,
            "moderation_form": forms.ModerationForm(),
        },
    )


@login_required
@require_POST
def submission_moderate(request, submission_id):
    submission = get_object_or_404(
        Submission.objects.select_related("phase__challenge__event"), pk=submission_id
    )
    if not can(request.user, "submission.view", submission):
        raise Http404
    if not can(request.user, "submission.moderate", submission):
        raise PermissionDenied
    form = forms.ModerationForm(request.POST)
    if form.is_valid():
        with service_call(request):
            moderation_svc.submission_moderate(
                submission=submission, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("Done."))
    else:
        messages.error(request, _("Choose an action and give a reason."))
    challenge = submission.phase.challenge
    return redirect(
        safe_next(
            request,
            reverse("competitions:manage_submissions", args=[challenge.event.slug, challenge.slug]),
        )
    )


@login_required
def quota_override(request, phase_id, team_id):
    phase = get_phase(request, phase_id)
    team = get_object_or_404(Team, pk=team_id, challenge=phase.challenge)
    existing = phase.quota_overrides.filter(team=team).first()
    form = forms.QuotaOverrideForm(request.POST or None, instance=existing)
    back = reverse(
        "competitions:manage_challenge", args=[phase.challenge.event.slug, phase.challenge.slug]
    )
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            phase_svc.quota_override_set(
                team=team, phase=phase, actor=request.user, **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Limits for %(team)s changed.") % {"team": team.name})
            return redirect(back)
    quota = team_quota(team=team, phase=phase)
    title = _("Limits for %(team)s in %(phase)s (now: %(used)d of %(limit)d used today)") % {
        "team": team.name, "phase": phase.name, "used": quota.used_today, "limit": quota.daily_limit,
    }  # fmt: skip
    return _form_page(request, form, title, back)


@login_required
def audit_log(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    chosen = AuditFilter(
        action=strip_forbidden(request.GET.get("action", ""))[:64],
        person=strip_forbidden(request.GET.get("person", ""))[:32],
    )
    page = Paginator(audit_entries(event, chosen), 100).get_page(request.GET.get("page"))
    for entry in page:
        entry.sentence = audit_sentence(entry)
    actions, people = audit_filter_choices(event)
    query = urlencode(
        {k: v for k, v in (("action", chosen.action), ("person", chosen.person)) if v}
    )
    return render(
        request,
        "competitions/organiser/audit.html",
        {"event": event, "page": page, "chosen": chosen, "actions": actions, "people": people,
         "query": query},
    )  # fmt: skip
