"""HTML pages of the roadmap and the changelog. Thin: parse, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frankly.access import require_staff
from frankly.errors import FranklyError, NotFound
from frankly.roadmap import queries, services
from frankly.roadmap.forms import EntryCommentForm, EntryEditForm, EntryForm
from frankly.roadmap.models import Category, ChangelogEntry
from frankly.transparency import tombstones
from frankly.transparency.queries import rules_for_staff


def _form_error(form, exc: FranklyError) -> None:
    """Show a service error on the form, next to its field when there is one."""
    if exc.status in (401, 403):
        raise exc
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# The roadmap


@require_GET
def roadmap(request):
    return render(
        request,
        "roadmap/roadmap.html",
        {"columns": queries.roadmap_columns(viewer=request.user)},
    )


@login_required
@require_POST
def roadmap_options(request, post_id: int):
    try:
        services.set_roadmap_options(
            actor=request.user,
            post_id=post_id,
            is_hidden=request.POST.get("is_hidden") == "1",
            target_quarter=request.POST.get("target_quarter", "")[:100],
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Roadmap options of post #%(id)s saved.") % {"id": post_id})
    return redirect(f"{reverse('roadmap:roadmap')}#post-{post_id}")


# The changelog


@require_GET
def changelog(request):
    category = request.GET.get("category", "")
    error = None
    try:
        page = queries.changelog_page(category=category, cursor=request.GET.get("cursor") or None)
    except FranklyError as exc:
        error, page = exc.message, None
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "roadmap/changelog.html",
        {
            "page": page,
            "error": error,
            "category": category,
            "categories": Category.choices,
            "drafts": queries.drafts(viewer=request.user),
            "base_query": query.urlencode(),
        },
        status=400 if error else 200,
    )


def _find_entry(request, entry_id) -> ChangelogEntry:
    try:
        return queries.entry_detail(entry_id, viewer=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _entry_page(request, entry, *, forms: dict | None = None, status: int = 200):
    comments = list(queries.entry_comments(entry))
    tombstones.prepare(comments, request.user)
    context = {
        "entry": entry,
        "comments": comments,
        "rules": rules_for_staff(request.user),
        "comment_form": EntryCommentForm(),
    }
    if request.user.is_authenticated and request.user.is_staff:
        # Its own ids: the comment form on the same page has a "body" field too.
        context["edit_form"] = EntryEditForm(initial=_initial(entry), auto_id="edit-%s")
    context.update(forms or {})
    return render(request, "roadmap/entry.html", context, status=status)


def _initial(entry: ChangelogEntry) -> dict:
    return {
        "title": entry.title,
        "category": entry.category,
        "body": entry.body,
        "posts": ", ".join(str(p.pk) for p in entry.posts.all()),
    }


@require_GET
def entry(request, entry_id: int, slug: str = ""):
    found = _find_entry(request, entry_id)
    if request.path != found.get_absolute_url():
        # The id finds the entry; the words after it follow the title when it changes.
        return redirect(found, permanent=found.is_published)
    return _entry_page(request, found)


@login_required
def new_entry(request):
    require_staff(request.user)
    form = EntryForm(request.POST or None, initial={"category": Category.NEW})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_entry(
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                category=form.cleaned_data["category"],
                post_ids=form.cleaned_data["posts"],
                publish=request.POST.get("publish") == "1",
            )
        except FranklyError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Published, and on the public ledger.")
                if created.is_published
                else _("Saved as a draft: only staff can see it."),
            )
            return redirect(created)
    return render(
        request,
        "roadmap/entry_form.html",
        {"form": form, "editing": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def edit_entry(request, entry_id: int):
    require_staff(request.user)
    current = _find_entry(request, entry_id)
    form = EntryEditForm(request.POST or None, initial=_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            edited = services.edit_entry(
                actor=request.user,
                entry_id=current.pk,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                category=form.cleaned_data["category"],
                post_ids=form.cleaned_data["posts"],
                reason=form.cleaned_data["reason"],
            )
        except FranklyError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your changes are saved; the old text is in the history."))
            return redirect(edited)
    return render(
        request,
        "roadmap/entry_form.html",
        {"form": form, "editing": current},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def publish(request, entry_id: int):
    try:
        published = services.publish_entry(actor=request.user, entry_id=entry_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(
        request,
        _(
            "Published, and on the public ledger. The posts it delivers are marked done; "
            "the people who asked for them are being told."
        ),
    )
    return redirect(published)


@login_required
@require_POST
def comment(request, entry_id: int):
    form = EntryCommentForm(request.POST)
    if form.is_valid():
        try:
            created = services.add_entry_comment(
                author=request.user, entry_id=entry_id, body=form.cleaned_data["body"]
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except FranklyError as exc:
            _form_error(form, exc)
        else:
            return redirect(created.get_absolute_url())
    return _entry_page(
        request, _find_entry(request, entry_id), forms={"comment_form": form}, status=400
    )
