from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from ..errors import PermissionRefused, ServiceError, TwoFactorRequired
from ..models import Challenge, Event, Phase
from ..permissions import can, require_two_factor


def get_event(request, event_slug: str, action: str = "event.view") -> Event:
    """The event, or 404 to those who may not see it, or 403 to those who may not act on it."""
    event = get_object_or_404(Event, slug=event_slug)
    if not can(request.user, "event.view", event):
        raise Http404
    if action != "event.view" and not can(request.user, action, event):
        raise PermissionDenied
    require_two_factor(request.user, action, event)
    return event


def get_challenge(
    request, event_slug: str, challenge_slug: str, action: str = "challenge.view"
) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("event"), event__slug=event_slug, slug=challenge_slug
    )
    if not can(request.user, "challenge.view", challenge):
        raise Http404
    if action != "challenge.view" and not can(request.user, action, challenge):
        raise PermissionDenied
    require_two_factor(request.user, action, challenge)
    return challenge


def get_phase(request, phase_id: int, action: str = "phase.manage") -> Phase:
    """A phase for its organisers: 404 to those who may not see the event, else 403."""
    phase = get_object_or_404(Phase.objects.select_related("challenge__event"), pk=phase_id)
    if not can(request.user, "challenge.view", phase.challenge):
        raise Http404
    if not can(request.user, action, phase):
        raise PermissionDenied
    require_two_factor(request.user, action, phase)
    return phase


class service_call:
    """Run service calls in a ``with`` block: an expected refusal (``ServiceError``) becomes a
    message for the person, or an error on the form's field when a form is given, instead of an
    exception; ``ok`` tells whether the block went through. A permission refusal is a 403.

        with service_call(request, form) as call:
            svc.phase_update(phase=phase, actor=request.user, data=form.cleaned_data)
        if call.ok:
            ...
    """

    def __init__(self, request, form=None):
        self.request = request
        self.form = form
        self.ok = False

    def __enter__(self) -> "service_call":
        return self

    def __exit__(self, exc_type, error, traceback) -> bool:
        if exc_type is None:
            self.ok = True
            return False
        if isinstance(error, TwoFactorRequired):
            return False  # the middleware sends the person to set it up
        if isinstance(error, PermissionRefused):
            raise PermissionDenied(str(error)) from error
        if not isinstance(error, ServiceError):
            return False
        if self.form is not None:
            field = error.field if error.field in self.form.fields else None
            self.form.add_error(field, str(error))
        else:
            messages.error(self.request, str(error))
        return True


def current_phase(challenge: Challenge, now, phases: list[Phase] | None = None) -> Phase | None:
    """The open phase, else the next one, else the last one (of ``phases`` when the caller has
    read them already)."""
    if phases is None:
        phases = list(challenge.phases.all())
    for phase in phases:
        if phase.starts_at <= now < phase.ends_at:
            return phase
    upcoming = [p for p in phases if p.starts_at > now]
    if upcoming:
        return upcoming[0]
    return phases[-1] if phases else None


def safe_next(request, default: str) -> str:
    """The form's ``next`` if it is a path on this site, else ``default`` (no open redirects;
    only a path starting with one ``/``, so ``redirect()`` never takes it for a view name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and len(target) <= 2000
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
