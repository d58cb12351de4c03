"""The NinjaAPI instance and its URLs: /api/v1/… operations, /api/openapi.json, /api/docs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.operation import Operation

from sitbone.api.auth import SessionAuth, TokenAuth, principal_for_user
from sitbone.api.errors import (
    as_api_error_response,
    error_response,
    install_error_handlers,
    unauthenticated_response,
)
from sitbone.api.routers import diary, engine, fhir, me, measures, patients, programmes
from sitbone.api.services import api_token_for_secret


class ServerDocs(DocsBase):
    """A plain operations list rendered on the server: no CDN, no inline script (strict CSP)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        from sitbone.api.views import api_docs

        return api_docs(request, api=api)


def schema_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema is for signed-in people and clinic tokens; the docs page for staff (checked in
    the page itself)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET":  # both are documents to read; nothing else is accepted
            return HttpResponseNotAllowed(["GET"])
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        allowed = (token and api_token_for_secret(token) is not None) or (
            request.user.is_authenticated and principal_for_user(request.user) is not None
        )
        if request.path.endswith("/docs"):
            return view(request, *args, **kwargs)  # the page itself admits staff only
        if not allowed:
            return unauthenticated_response(request)
        return view(request, *args, **kwargs)

    return wrapper


class SitboneAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Operation ids are the handler names (`patient_list`, `session_create`, …)."""
        return str(operation.view_func.__name__)


api = SitboneAPI(
    title="Sitbone API",
    version="1",
    description=(
        "Patients, programmes, sessions, morning check-ins, outcome measures, decisions, FHIR R4 "
        "export and the clinical engine. Authenticate with a clinic API token "
        "(`Authorization: Bearer sbt_…`) or, in the browser, the signed-in session (send the CSRF "
        "token as `X-CSRFToken` on writes). Every error is "
        '`{"error": {"code", "message", "field"}}`; lists are cursor-paged (`next_cursor`) and '
        "filter by date with `since`/`until`; too many requests get 429 with `Retry-After`."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=ServerDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=schema_access,
)
install_error_handlers(api)
for module in (me, patients, programmes, diary, measures, fhir, engine):
    api.add_router("/v1/", module.router)
# Apps that may not be part of every build: their endpoints come with them.
if apps.is_installed("sitbone.assessments"):
    from sitbone.api.routers import assessments

    api.add_router("/v1/", assessments.router)
if apps.is_installed("sitbone.appointments"):
    from sitbone.api.routers import appointments

    api.add_router("/v1/", appointments.router)


def api_only_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every answer under /api/ that is an error has the API's error shape, even those made
    outside an operation (ninja's 405, a 404 raised before routing)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error_response(404)
        return as_api_error_response(response)

    for flag in ("csrf_exempt",):
        if hasattr(view, flag):
            setattr(wrapper, flag, getattr(view, flag))
    return wrapper


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(404)


def _wrapped(patterns: list[Any]) -> list[Any]:
    wrapped: list[Any] = []
    for item in patterns:
        if isinstance(item, URLPattern):
            item.callback = api_only_errors(item.callback)
            wrapped.append(item)
        elif isinstance(item, URLResolver):
            _wrapped(item.url_patterns)
            wrapped.append(item)
    return wrapped


def api_urls() -> tuple[list[Any], str, str]:
    patterns, app_name, namespace = api.urls
    patterns = _wrapped(list(patterns))
    patterns.append(re_path(r"^(?P<rest>.*)$", api_only_errors(not_found), name="not_found"))
    return patterns, app_name, namespace
