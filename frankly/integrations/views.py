"""Tracker webhooks (no session: they prove themselves by signature or token) and
the staff form that links a post to an issue."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from frankly.errors import FranklyError
from frankly.integrations import services
from frankly.validation import parse_id


def _refuse(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _payload(request) -> dict | None:
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def _apply(found) -> JsonResponse:
    if found is None:
        return JsonResponse({"detail": "Nothing to do for this event.", "moved": []})
    url, event = found
    outcome = services.apply_tracker_event(url=url, event=event)
    return JsonResponse(
        {
            "detail": f"{len(outcome.moved)} post(s) moved.",
            "moved": outcome.moved,
            "skipped": {str(k): v for k, v in outcome.skipped.items()},
        }
    )


@csrf_exempt
@require_POST
def github_webhook(request):
    if not services.github_signature_is_valid(
        request.body, request.headers.get("X-Hub-Signature-256", "")
    ):
        return _refuse(
            403,
            "The X-Hub-Signature-256 header does not match. Set the same secret here "
            "(FRANKLY_GITHUB_WEBHOOK_SECRET) and in the GitHub webhook settings.",
        )
    payload = _payload(request)
    if payload is None:
        return _refuse(400, "The body is not a JSON object. Choose content type application/json.")
    kind = request.headers.get("X-GitHub-Event", "")
    if kind == "ping":
        return JsonResponse({"detail": "pong"})
    return _apply(services.github_event(kind, payload))


@csrf_exempt
@require_POST
def gitlab_webhook(request):
    if not services.gitlab_token_is_valid(request.headers.get("X-Gitlab-Token", "")):
        return _refuse(
            403,
            "The X-Gitlab-Token header does not match. Set the same token here "
            "(FRANKLY_GITLAB_WEBHOOK_TOKEN) and in the GitLab webhook settings.",
        )
    payload = _payload(request)
    if payload is None:
        return _refuse(400, "The body is not a JSON object.")
    return _apply(services.gitlab_event(payload))


@login_required
@require_POST
def link(request, post_id: int):
    try:
        services.link_issue(actor=request.user, post_id=post_id, url=request.POST.get("url", ""))
    except FranklyError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Linked. The post's status follows the issue from now on."))
    return redirect("feedback:post", post_id=post_id)


@login_required
@require_POST
def unlink(request, post_id: int):
    link_id = parse_id(request.POST.get("link", ""))
    try:
        services.unlink_issue(actor=request.user, link_id=link_id or 0)
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Unlinked. The post keeps its status."))
    return redirect("feedback:post", post_id=post_id)
