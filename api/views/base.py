"""What every API view shares: errors documented, the caller's language and zone."""

import datetime as dt
import zoneinfo

from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiResponse
from rest_framework.generics import GenericAPIView

from ..serializers import ErrorSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Refused, with the web's message."),
    401: OpenApiResponse(ErrorSerializer, description="No credentials, or a wrong token."),
    403: OpenApiResponse(ErrorSerializer, description="Signed in, but not allowed."),
    404: OpenApiResponse(ErrorSerializer, description="Not there, or not yours to see."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; retry later."),
}


def errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


class ApiView(GenericAPIView):
    """A view of the API. A person authenticated by token never passed the middleware that
    picks their language and zone (it runs before DRF authenticates): do it here, so messages
    are in their language and name times in their zone (UTC until they choose one)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                zone = zoneinfo.ZoneInfo(user.timezone) if user.timezone else dt.UTC
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = dt.UTC
            timezone.activate(zone)
