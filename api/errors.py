"""Every refusal as ``{"error": {"code": "...", "message": "..."}}``, with the same message
the web shows. A service's ``ServiceError`` is a 400 (a ``PermissionRefused`` a 403, or a 401
to someone not signed in); a Django ``Http404`` / ``PermissionDenied`` raised by the shared
view helpers becomes the API's 404 / 403."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from competitions.errors import PermissionRefused, ServiceError


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _flatten(value)]
    if isinstance(detail, list):
        return [text for value in detail for text in _flatten(value)]
    return [str(detail)]


def _anonymous(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def exception_handler(exc, context):
    if isinstance(exc, PermissionRefused | DjangoPermissionDenied):
        if _anonymous(context):
            exc = exceptions.NotAuthenticated()
        else:
            exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or not yours to see."))
    if isinstance(exc, ServiceError):
        body = {"code": getattr(exc, "code", "refused"), "message": str(exc)}
        if exc.field:
            body["field"] = exc.field
        return Response({"error": body}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code, message = "invalid", " ".join(_flatten(exc.detail))
        body = {"code": code, "message": message, "fields": exc.detail}
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {"code": codes if isinstance(codes, str) else "error", "message": str(exc.detail)}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after_seconds"] = int(exc.wait + 0.999)
    response.data = {"error": body}
    return response
