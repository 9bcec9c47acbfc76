"""``Authorization: Bearer <token>`` with a personal API token (``accounts.tokens``)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.tokens import api_token_user

from .throttles import TokenFailureThrottle


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # not ours: the session may authenticate the request
        throttle = TokenFailureThrottle()
        if throttle.blocked(request):
            raise exceptions.Throttled(
                throttle.wait(), detail=_("Too many wrong tokens from your address.")
            )
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”.")
            )
        try:
            raw = parts[1].decode()
        except UnicodeError:
            raw = ""
        user = api_token_user(raw)
        if user is None:
            throttle.record_failure(request)
            raise exceptions.AuthenticationFailed(
                _(
                    "This API token is not valid: it is wrong, expired or revoked. Create a "
                    "new one on your profile page."
                )
            )
        return user, None

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
