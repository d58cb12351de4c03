"""The clinic admin's API token page and the staff-only API docs page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sitbone.api.forms import ApiTokenCreateForm
from sitbone.api.selectors import api_token_for_admin, api_tokens_for_admin
from sitbone.api.services import api_token_create, api_token_revoke
from sitbone.clinics.access import require_staff
from sitbone.web.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = require_staff(request.user, admin=True)
    form = ApiTokenCreateForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "now": timezone.now()}
    if request.method == "POST" and form.is_valid():
        token, secret = api_token_create(
            actor=request.user,
            clinic=staff.clinic,
            name=form.cleaned_data["name"],
            scopes=list(form.cleaned_data["scopes"]),
            days=form.cleaned_data["days"],
        )
        context |= {"created": token, "secret": secret, "form": ApiTokenCreateForm()}
    context["tokens"] = list(api_tokens_for_admin(actor=request.user))
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, api_token_id: str) -> HttpResponse:
    token = api_token_for_admin(actor=request.user, public_id=api_token_id)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” was revoked and no longer works.")
    return redirect("api_pages:tokens")


def api_docs(request: HttpRequest, *, api: Any) -> HttpResponse:
    """The operations of the OpenAPI schema as a page (staff only)."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require_staff(request.user)
    schema = api.get_openapi_schema()
    tags: dict[str, list[dict[str, Any]]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            tags.setdefault((operation.get("tags") or ["other"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body": _schema_name(operation.get("requestBody")),
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return render(
        request,
        "api/docs.html",
        {"info": schema["info"], "tags": sorted(tags.items()), "schema_url": "/api/openapi.json"},
    )


def _schema_name(body: dict[str, Any] | None) -> str:
    if not body:
        return ""
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1] or "JSON object"
