"""One error shape for every 4xx and 5xx the API gives:

    {"error": {"code": "not_found", "message": "…", "field": null}}

`code` is stable and machine-readable, `message` is for a person, `field` names the offending input
(`body.answers[3]`, `query.limit`, `header.Idempotency-Key`) when there is one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sitbone.api import ratelimit
from sitbone.engine.errors import EngineInputError

logger = logging.getLogger("sitbone.api")


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """Raise from a handler to answer with the error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}


DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}
DEFAULT_MESSAGES = {
    400: "The request could not be read.",
    401: "Sign in, or send a valid API token as `Authorization: Bearer <token>`.",
    403: "You may not do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "The request conflicts with the current state.",
    413: "The request is too large.",
    422: "Some input is not valid.",
    429: "Too many requests. Try again later.",
    500: "Something went wrong on our side. Nothing was saved.",
}


def error_body(
    status: int, code: str | None = None, message: str | None = None, field: str | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": code or DEFAULT_CODES.get(status, "error"),
            "message": message or DEFAULT_MESSAGES.get(status, "Request failed."),
            "field": field,
        }
    }


def error_response(
    status: int,
    code: str | None = None,
    message: str | None = None,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    response = JsonResponse(error_body(status, code, message, field), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_path(location: Any) -> str | None:
    parts = [str(p) for p in location or () if p != "__root__"]
    if len(parts) > 1 and parts[0] == "body" and parts[1] == "payload":
        del parts[1]  # ninja names the body parameter; clients know only the body's fields
    if not parts:
        return None
    path = parts[0]
    for part in parts[1:]:
        path += f"[{part}]" if part.isdigit() else f".{part}"
    return path


def _validation_message(error: dict[str, Any]) -> str:
    message = str(error.get("msg") or "Not valid.")
    return message.removeprefix("Value error, ")


def unauthenticated_response(request: HttpRequest) -> JsonResponse:
    """401, or 429 once an address has failed to authenticate too often (token guessing)."""
    wait = ratelimit.auth_failure(request.META.get("REMOTE_ADDR"))
    if wait is not None:
        return error_response(429, headers={"Retry-After": str(wait)})
    return error_response(401, headers={"WWW-Authenticate": 'Bearer realm="sitbone"'})


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default bodies ({"detail": …}) with ours."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(
            exc.status, exc.code, exc.message, field=exc.field, headers=exc.headers
        )

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = list(exc.errors or [])
        first = errors[0] if errors else {}
        return error_response(
            422, "invalid", _validation_message(first), field=_field_path(first.get("loc"))
        )

    def on_engine(request: HttpRequest, exc: EngineInputError) -> HttpResponse:
        field = f"body.{exc.field}" if exc.field else "body"
        return error_response(422, "invalid", exc.message, field=field.replace("body.[", "body["))

    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return unauthenticated_response(request)

    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if status == 403 and "CSRF" in str(exc):
            return error_response(
                403, "csrf_failed", "Send the CSRF token (X-CSRFToken) with session writes."
            )
        if status == 400:
            return error_response(400, "bad_request", "The request body is not valid JSON.")
        return error_response(status)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404)

    def on_anything(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500)

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, on_anything),
        (Http404, on_not_found),
        (HttpError, on_http),
        (ValidationError, on_validation),
        (AuthenticationError, on_auth),
        (EngineInputError, on_engine),
        (ApiError, on_api_error),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


def as_api_error_response(response: HttpResponse) -> HttpResponse:
    """Give a plain 4xx/5xx (a 405 from ninja's router, a 404 page) the API's error shape."""
    if response.status_code < 400:
        return response
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return response
    replacement = error_response(response.status_code)
    for name in ("Allow", "Retry-After", "WWW-Authenticate"):
        if response.has_header(name):
            replacement[name] = response[name]
    return replacement


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)
