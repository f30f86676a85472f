"""Staff pages for posts held for review (FRANKLY_HOLD_FIRST_POSTS)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from frankly.errors import FranklyError, NotAllowed, NotFound
from frankly.feedback import queries, services
from frankly.transparency.queries import rules_for_staff


@login_required
@require_GET
def review_queue(request):
    if not request.user.is_staff:
        raise NotAllowed("Only staff can review held posts.")
    context = {
        "posts": list(queries.review_queue()[:100]),
        "rules": rules_for_staff(request.user),
        "hold_first_posts": settings.HOLD_FIRST_POSTS,
    }
    return render(request, "feedback/review_queue.html", context)


def _decide(request, action, *, done: str):
    try:
        action()
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("feedback:review_queue")


@login_required
@require_POST
def approve(request, post_id: int):
    return _decide(
        request,
        lambda: services.approve_post(actor=request.user, post_id=post_id),
        done=f"Post #{post_id} is published.",
    )


@login_required
@require_POST
def reject(request, post_id: int):
    return _decide(
        request,
        lambda: services.reject_post(
            actor=request.user,
            post_id=post_id,
            rule_id=request.POST.get("rule"),
            reason=request.POST.get("reason", ""),
        ),
        done=f"Post #{post_id} is rejected; its tombstone and your reason are public.",
    )
