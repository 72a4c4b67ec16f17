"""API errors as the README promises: ``{"detail": "...", "code": "..."}``.

Services raise :class:`ServiceError` subclasses with a stable ``code``; this
handler turns them (and DRF's own errors) into JSON answers, so a view never
translates an error by hand and a user never sees a server error for bad
input.
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

log = logging.getLogger("django.request")

SERVER_ERROR = {"detail": "Something went wrong on our side; please try again later.", "code": "server_error"}
NOT_FOUND = {"detail": "Not found.", "code": "not_found"}


class ServiceError(Exception):
    """An error of a business rule that the person can act on."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message, code=None, status_code=None, extra=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.extra = extra or {}

    def as_dict(self):
        return {"detail": self.message, "code": self.code, **self.extra}


class Conflict(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


def exception_handler(exc, context):
    """Every API error as JSON, whatever the client accepts (never the browsable API's HTML)."""
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(as_serializer_error(exceptions.ValidationError(exc.messages)), status=400)
    response = drf_exception_handler(exc, context)
    if response is None:
        # An unexpected exception: logged with its traceback for the operator; the
        # client gets JSON without any detail of the server (no HTML, no traceback).
        log.error("Server error: %s", getattr(request, "path", "?"), exc_info=exc)
        set_rollback()
        return Response(SERVER_ERROR, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(response.data, dict) and "detail" in response.data and "code" not in response.data:
        detail = response.data["detail"]
        code = getattr(detail, "code", None)
        if isinstance(exc, Http404):
            code = "not_found"
        response.data = {"detail": str(detail), "code": code or getattr(exc, "default_code", "error")}
    return response


class JSONErrorsMixin:
    """For API views whose success is not JSON (a PDF, the schema, the docs page): errors still are.

    Whatever the client's ``Accept`` header, an error (405, 401, 404, ...) is
    rendered as ``{"detail", "code"}`` JSON like every other API error.
    """

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


def is_api(request):
    return request.path.startswith("/api/")


def api_not_found(request):
    """The 404 of an address under /api/ that no route matches, as JSON."""
    return JsonResponse(NOT_FOUND, status=404)


def api_server_error(request):
    """A server error that escaped every view (a middleware, the URL resolver), as JSON."""
    return JsonResponse(SERVER_ERROR, status=500)
