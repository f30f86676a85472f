"""Taking back a vote that a merge moved: from the email's link (no login, RFC 8058
style one-click POST) or from the post's page (signed in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from frankly.errors import Conflict, NotFound
from frankly.feedback.services import merged_votes


@csrf_exempt  # the link in the email works with no session, like one-click unsubscribe
@require_http_methods(["GET", "POST"])
def withdraw_by_link(request, token: str):
    try:
        user, post = merged_votes.read_withdraw_token(token)
        if request.method == "POST":
            merged_votes.withdraw_merged_vote_by_token(token=token)
            return render(request, "feedback/vote_withdrawn.html", {"post": post})
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Conflict as exc:
        return render(
            request,
            "feedback/vote_withdrawn.html",
            {"post": post, "error": exc.message},
            status=409,
        )
    vote = merged_votes.moved_vote(user=user, post=post)
    return render(
        request, "feedback/withdraw_vote.html", {"token": token, "post": post, "vote": vote}
    )


@login_required
@require_POST
def withdraw_on_page(request, post_id: int):
    try:
        merged_votes.withdraw_merged_vote(user=request.user, post_id=post_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your vote is withdrawn. The moderation log records it."))
    return redirect("feedback:post", post_id=post_id)
