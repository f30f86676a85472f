"""HTML pages of the feedback board. Thin: parse, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from frankly.accounts.models import User
from frankly.errors import FranklyError, NotAllowed, NotFound
from frankly.feedback import caching, feeds, queries, services
from frankly.feedback.forms import (
    CommentEditForm,
    CommentForm,
    MergeForm,
    PostForm,
    ResponseForm,
    StatusForm,
)
from frankly.feedback.models import Comment, Kind, Status
from frankly.feedback.services.merged_votes import moved_vote
from frankly.transparency import tombstones
from frankly.transparency.queries import appeal_of, rules_for_staff


def _wants_fragment(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _safe_next(request, *, fallback: str) -> str:
    """The page to go back to, only if it is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _flash_error(request, exc: FranklyError) -> None:
    messages.error(request, exc.message)


def _require_editor(user, content) -> None:
    """Only the author or staff may open an edit form: it shows the current text,
    which for hidden content nobody else may read."""
    if not (user.is_staff or content.author_id == user.pk):
        raise NotAllowed("Only the author or staff can edit this.")


@require_GET
def board(request, *, heading: str = ""):
    return caching.anonymous_page(
        request, name="board", render=lambda: _board_page(request, heading=heading)
    )


def _board_page(request, *, heading: str):
    params = {
        "sort": request.GET.get("sort", ""),
        "kind": request.GET.get("kind", ""),
        "status": request.GET.get("status", ""),
        "tag": request.GET.get("tag", ""),
        "mine": request.GET.get("mine") == "1",
        "q": request.GET.get("q", "")[:500],
        "cursor": request.GET.get("cursor") or None,
    }
    error = None
    try:
        page = queries.list_posts(viewer=request.user, **params)
    except FranklyError as exc:
        error, page = exc.message, None
    query = request.GET.copy()
    query.pop("cursor", None)
    sorts = [s for s in queries.SORTS if s != "relevance" or params["q"]]
    tags = list(queries.tags())
    # The feed keeps the board's filters (not search or sort: a feed is newest first).
    filters = {} if error else {name: params[name] for name in feeds.FILTERS}
    feed_url, feed_title = feeds.posts_feed_link(**filters, tags=tags)
    context = {
        "page": page,
        "error": error,
        "params": params,
        "active_sort": params["sort"] or ("relevance" if params["q"] else "trending"),
        "sorts": [(s, queries.SORT_LABELS[s]) for s in sorts],
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "tags": tags,
        "base_query": query.urlencode(),
        "heading": heading,
        "feed_url": feed_url,
        "feed_title": feed_title,
    }
    return render(request, "feedback/board.html", context, status=400 if error else 200)


def search(request):
    return board(request, heading="Search")


def _post_page(request, post_id: int, *, forms: dict | None = None, status: int = 200):
    try:
        post = queries.post_detail(post_id, viewer=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    comments = queries.thread(post, request.user, whole=request.GET.get("comments") == "all")
    shown = [c for c in comments if not getattr(c, "is_gap", False)]
    tombstones.prepare([post, *shown, *(r for c in shown for r in c.replies.all())], request.user)
    viewer = request.user
    context = {
        "post": post,
        "comments": comments,
        "rules": rules_for_staff(viewer),
        "my_appeal": appeal_of(post, viewer),
        "is_following": queries.is_following(post, request.user),
        "comment_form": CommentForm(),
        "status_form": StatusForm(initial={"status": post.status}),
        "response_form": ResponseForm(
            initial={"body": post.official_response.body}
            if hasattr(post, "official_response")
            else None
        ),
        "merge_form": MergeForm(),
        "moved_vote": moved_vote(user=viewer, post=post)
        if getattr(post, "has_voted", False)
        else None,
        "tags": list(queries.tags()),
        "can_edit": request.user.is_authenticated
        and (request.user.is_staff or post.author_id == request.user.pk),
        "can_accept": post.kind == Kind.QUESTION
        and request.user.is_authenticated
        and (request.user.is_staff or post.author_id == request.user.pk),
    }
    context.update(forms or {})
    return render(request, "feedback/post_detail.html", context, status=status)


@require_GET
def post_detail(request, post_id: int):
    return _post_page(request, post_id)


@login_required
def new_post(request):
    form = PostForm(request.POST or None, initial={"title": request.GET.get("title", "")})
    if request.method == "POST" and form.is_valid():
        try:
            post = services.create_post(
                author=request.user,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=request.POST.getlist("tags"),
            )
        except FranklyError as exc:
            if exc.status in (401, 403):
                raise
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "feedback/post_form.html", {"form": form, "editing": None}, status=status
    )


@login_required
def edit_post(request, post_id: int):
    try:
        post = services.get_post(post_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    _require_editor(request.user, post)
    form = PostForm(
        request.POST or None, initial={"kind": post.kind, "title": post.title, "body": post.body}
    )
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                actor=request.user,
                post_id=post.pk,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                reason=request.POST.get("reason", "")[:300],
            )
        except FranklyError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "feedback/post_form.html", {"form": form, "editing": post}, status=status
    )


@login_required
@require_POST
def vote(request, post_id: int):
    try:
        post, has_voted = services.toggle_vote(user=request.user, post_id=post_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FranklyError as exc:
        if _wants_fragment(request):
            return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
        if exc.status in (401, 403):
            raise
        _flash_error(request, exc)
        return redirect("feedback:post", post_id=post_id)
    if _wants_fragment(request):
        post.has_voted = has_voted
        return render(request, "feedback/_vote.html", {"post": post})
    return redirect(_safe_next(request, fallback=post.get_absolute_url()))


@login_required
@require_POST
def comment(request, post_id: int):
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            created = services.add_comment(
                author=request.user,
                post_id=post_id,
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data["parent"],
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except FranklyError as exc:
            if exc.status in (401, 403):
                raise
            form.add_error("body", exc.message)
        else:
            return redirect(created.get_absolute_url())
    return _post_page(request, post_id, forms={"comment_form": form}, status=400)


@login_required
@require_POST
def follow(request, post_id: int):
    try:
        if request.POST.get("follow") == "0":
            services.unfollow_post(user=request.user, post_id=post_id)
            messages.success(request, "You no longer follow this post.")
        else:
            services.follow_post(user=request.user, post_id=post_id)
            messages.success(request, "You follow this post now.")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect("feedback:post", post_id=post_id)


def _staff_action(request, post_id: int, form, action, *, form_name: str, done: str):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except FranklyError as exc:
            if exc.status in (401, 403):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("feedback:post", post_id=post_id)
    return _post_page(request, post_id, forms={form_name: form}, status=400)


@login_required
@require_POST
def change_status(request, post_id: int):
    return _staff_action(
        request,
        post_id,
        StatusForm(request.POST),
        lambda data: services.change_status(actor=request.user, post_id=post_id, **data),
        form_name="status_form",
        done="Status changed.",
    )


@login_required
@require_POST
def official_response(request, post_id: int):
    return _staff_action(
        request,
        post_id,
        ResponseForm(request.POST),
        lambda data: services.set_official_response(actor=request.user, post_id=post_id, **data),
        form_name="response_form",
        done="Official response published.",
    )


@login_required
@require_POST
def merge(request, post_id: int):
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            original = services.merge_posts(
                actor=request.user, duplicate_id=post_id, original_id=form.cleaned_data["into"]
            )
        except FranklyError as exc:
            if exc.status in (401, 403):
                raise
            form.add_error("into", exc.message)
        else:
            messages.success(request, f"Merged #{post_id} into this post.")
            return redirect(original)
    return _post_page(request, post_id, forms={"merge_form": form}, status=400)


@login_required
@require_POST
def set_tags(request, post_id: int):
    try:
        services.edit_post(actor=request.user, post_id=post_id, tags=request.POST.getlist("tags"))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        _flash_error(request, exc)
    else:
        messages.success(request, "Tags saved.")
    return redirect("feedback:post", post_id=post_id)


@login_required
@require_POST
def accept_answer(request, post_id: int):
    raw = request.POST.get("comment", "")
    comment_id = int(raw) if raw.isdigit() else None
    try:
        services.accept_answer(actor=request.user, post_id=post_id, comment_id=comment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        _flash_error(request, exc)
    return redirect("feedback:post", post_id=post_id)


@require_GET
def profile(request, user_id: int):
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise Http404("There is no such person.")
    viewer = request.user
    if person.hides_profile and viewer.pk != person.pk and not viewer.is_staff:
        raise Http404("This profile is private, or there is no such person.")
    posts = queries.attach_tags(
        list(
            queries.with_viewer_votes(
                person.posts.listed().with_list_data(request.user).order_by("-created_at", "-id"),
                request.user,
            )[:50]
        )
    )
    comments = (
        Comment.objects.filter(author=person, hidden_by__isnull=True, deleted_at__isnull=True)
        .select_related("post")
        .order_by("-created_at", "-id")[:50]
    )
    return render(
        request,
        "feedback/profile.html",
        {
            "person": person,
            "posts": posts,
            "comments": comments,
            "rules": rules_for_staff(request.user),
        },
    )


@login_required
def edit_comment(request, comment_id: int):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=comment_id)
    _require_editor(request.user, comment)
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(actor=request.user, comment_id=comment.pk, **form.cleaned_data)
        except FranklyError as exc:
            if exc.status in (401, 403, 404):
                raise
            form.add_error("body", exc.message)
        else:
            messages.success(request, "Your changes are saved; the old text is in the history.")
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "feedback/comment_form.html",
        {"form": form, "comment": comment},
        status=400 if form.errors else 200,
    )
