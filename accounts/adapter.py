"""allauth's account adapter with DataJam's failed-login limits (accounts/login_limits.py)."""

import math

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import login_limits


def _login_of(credentials: dict) -> str:
    return credentials.get("email") or credentials.get("username") or ""


def refusal_message(refused: login_limits.TooManyFailures) -> str:
    seconds = max(1, math.ceil(refused.wait))
    if seconds >= 120:
        wait = ngettext("%(n)d minute", "%(n)d minutes", math.ceil(seconds / 60)) % {
            "n": math.ceil(seconds / 60)
        }
    else:
        wait = ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    if refused.scope == "account":
        return _(
            "Too many wrong passwords for this account from devices it has not logged in "
            "from before. Try again in %(wait)s, log in from a device you have used before, "
            "or reset your password."
        ) % {"wait": wait}
    if refused.scope == "ip":
        return _(
            "Too many wrong passwords from your network. Try again in %(wait)s, or log in "
            "from a device you have used before."
        ) % {"wait": wait}
    return _("The login service is busy. Try again in a second.")


class AccountAdapter(DefaultAccountAdapter):
    """Counts wrong passwords per login and per network, but never refuses the right password
    from a device its account has logged in from; marks such devices at each login."""

    def pre_authenticate(self, request, **credentials) -> None:
        # Replaces allauth's own "login_failed" count, which refuses the right password too.
        login = _login_of(credentials)
        self._datajam_attempt = None
        self._datajam_known = login_limits.is_known_device(request, login)
        if self._datajam_known:
            return
        try:
            self._datajam_attempt = login_limits.attempt_start(request, login)
        except login_limits.TooManyFailures as refused:
            raise forms.ValidationError(
                refusal_message(refused), code="too_many_login_attempts"
            ) from None

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        attempt = getattr(self, "_datajam_attempt", None)
        if user is not None and attempt is not None:
            attempt.succeeded()
        return user

    def authentication_failed(self, request, **credentials) -> None:
        super().authentication_failed(request, **credentials)
        if getattr(self, "_datajam_known", False):
            login_limits.device_failed(request, _login_of(credentials))

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # allauth calls this after a successful password reset.
        super()._delete_login_attempts_cached_email(request, **credentials)
        login_limits.forget_account_failures(request, _login_of(credentials))

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if response is not None and hasattr(response, "set_signed_cookie"):
            logins = {
                user.email,
                *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
            }
            login_limits.remember_device(request, response, logins)
        return response
