"""Every patient form post may carry an idempotency key (the forms send one).

A double click, a retry after a dropped connection or the back button followed by a resubmit
sends the same key again: the first answer is replayed and nothing is stored twice. The same
key with different answers is refused with 422. A duplicate sent while the first is still being
saved is shown the first one's answer when it comes, or 409 if it is slow to come; both
refusals tell the person what to do. An answer that confirms nothing (a form shown again with
its errors, a refused request) releases the key, so the corrected form can be sent with it.
The key travels as the `idempotency_key` form field or, for scripts, the `Idempotency-Key`
header, and is kept with the API's keys (`sitbone.api.idempotency`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sitbone.api.idempotency import KeyConflict, request_fingerprint, run_once
from sitbone.clinics.access import own_patient_record

FIELD = "idempotency_key"
KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
DUPLICATE_WAIT_SECONDS = 3.0
"""A duplicate sent while the first is being saved (a double click) waits this long for the
first answer and is then shown it, so the person sees one ordinary result; only a first
request still running after that gets 409."""
REPLAYED_BODY_LIMIT = 64 * 1024
"""A confirming answer larger than this is not kept (patient forms answer with a redirect)."""


class NotConfirmed(Exception):
    """The view's answer confirmed nothing: hand it back and release the key."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


class IdempotentPostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method != "POST"
            or request.path.startswith("/api/")
            or not request.user.is_authenticated
        ):
            return self.get_response(request)
        key = request.headers.get("Idempotency-Key") or request.POST.get(FIELD)
        if not key:
            return self.get_response(request)
        patient = own_patient_record(request.user)
        if patient is None:
            return self.get_response(request)
        if not KEY.fullmatch(key):
            return problem(
                request,
                400,
                "This form could not be sent safely",
                "Its key is not valid. Reload the page and fill in the form again.",
            )

        def write() -> tuple[int, dict[str, Any]]:
            response = self.get_response(request)
            if response.status_code >= 400 or response.streaming:
                raise NotConfirmed(response)
            return response.status_code, kept(response)

        fingerprint = request_fingerprint(method="POST", path=request.path, body=submitted(request))
        give_up = time.monotonic() + DUPLICATE_WAIT_SECONDS
        while True:
            try:
                status, answer, _ = run_once(
                    owner=f"user:{request.user.public_id}",
                    key=key,
                    fingerprint=fingerprint,
                    patient=patient,
                    write=write,
                )
                break
            except NotConfirmed as refused:
                return refused.response
            except KeyConflict as conflict:
                if conflict.reused:
                    return problem(
                        request,
                        422,
                        "This form was already sent with other answers",
                        "Nothing new was saved. Reload the page to see what is stored, then "
                        "fill in the form again if you need to change something.",
                    )
                if time.monotonic() >= give_up:
                    return problem(
                        request,
                        409,
                        "This form is still being saved",
                        "You sent it twice. Wait a moment, then reload the page: it will be "
                        "saved once.",
                    )
                time.sleep(0.05)
        return replayed(status, answer)


def submitted(request: HttpRequest) -> Any:
    """What the person sent, without the CSRF token and the key themselves."""
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = {
            name: request.POST.getlist(name)
            for name in request.POST
            if name not in (FIELD, "csrfmiddlewaretoken")
        }
        files = {
            name: [[upload.name, upload.size] for upload in request.FILES.getlist(name)]
            for name in request.FILES
        }
        return {"form": form, "files": files}
    return {"body": request.body.decode(errors="replace")}


def kept(response: HttpResponse) -> dict[str, Any]:
    answer: dict[str, Any] = {"content_type": response.get("Content-Type", "")}
    if response.has_header("Location"):
        answer["location"] = response["Location"]
    elif len(response.content) <= REPLAYED_BODY_LIMIT:
        answer["body"] = response.content.decode(errors="replace")
    return answer


def replayed(status: int, answer: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(
        answer.get("body", ""), status=status, content_type=answer.get("content_type") or None
    )
    if "location" in answer:
        response["Location"] = answer["location"]
    return response


def problem(
    request: HttpRequest, status: int, title: str, message: str, *, back: str | None = None
) -> HttpResponse:
    """A refused POST's page: what happened, and a way on (``back``: the page it came from)."""
    return render(
        request,
        "web/post_problem.html",
        {"title": title, "message": message, "back": back},
        status=status,
    )
