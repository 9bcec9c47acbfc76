import datetime as dt

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from competitions.errors import ServiceError
from competitions.models import Event
from competitions.permissions import can
from competitions.views.helpers import safe_next

from .backends import forget_user
from .forms import ApiTokenForm, ProfileForm
from .tokens import api_token_create, api_token_revoke, api_tokens_of

# The new token waits here between the POST that made it and the page that shows it, once.
NEW_TOKEN_SESSION_KEY = "datajam_new_api_token"


def _profile_page(request, form, token_form, status=200):
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "mfa_enabled": is_mfa_enabled(request.user),
            "token_form": token_form,
            "tokens": api_tokens_of(request.user),
            "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return _profile_page(request, form, ApiTokenForm())


@login_required
@require_POST
def token_create(request):
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        days = token_form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            token, raw = api_token_create(
                user=request.user, name=token_form.cleaned_data["name"], expires_at=expires_at
            )
        except ServiceError as error:
            field = error.field if error.field in token_form.fields else None
            token_form.add_error(field, str(error))
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"name": token.name, "token": raw}
            return redirect("accounts:profile")
    return _profile_page(request, ProfileForm(instance=request.user), token_form, status=400)


@login_required
@require_POST
def token_revoke(request, token_id):
    try:
        api_token_revoke(user=request.user, token_id=token_id)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Token revoked: it no longer works."))
    return redirect("accounts:profile")


def set_language(request):
    """Django's language switch, which also saves the choice of a signed-in person (their
    notifications and e-mails follow it)."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and code in dict(settings.LANGUAGES)
    ):
        get_user_model().objects.filter(pk=request.user.pk).update(language=code)
        forget_user(request.user.pk)
    return response


TWO_FACTOR_RETURN = "datajam_two_factor_return"


@login_required
def two_factor_required(request):
    """Why an event's page asked for two-factor authentication, the way to set it up, and,
    once it is on, the way back (kept in the session across allauth's setup pages)."""
    event = Event.objects.filter(slug=request.GET.get("event", "")[:50]).first()
    back = safe_next(request, "")
    if is_mfa_enabled(request.user):
        request.session.pop(TWO_FACTOR_RETURN, None)
        return redirect(back or "accounts:profile")
    if back:
        request.session[TWO_FACTOR_RETURN] = back
    return render(
        request,
        "accounts/two_factor_required.html",
        {"event": event if event and can(request.user, "event.view", event) else None},
    )
