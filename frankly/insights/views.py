"""Insights pages. Staff only, except the public response metrics."""

import csv
from datetime import timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from frankly.errorpages import run_form_action
from frankly.errors import NotAllowed
from frankly.feedback import services as feedback
from frankly.insights import charts, queries, responsiveness, services, trends, watchwords
from frankly.insights.models import WatchKind, WatchWord

TABLES = {
    "volume": ["period", "posts", "comments", "negative", "neutral", "positive"],
    "kinds": ["name", "posts"],
    "statuses": ["name", "posts"],
    "tags": ["name", "posts"],
    "bands": ["name", "items"],
    "rising": ["post_id", "title", "votes_last_7_days", "votes_28_days_before", "total_votes"],
    "discussed": ["post_id", "title", "comments_in_range", "total_comments"],
    "unanswered": ["post_id", "title", "kind", "created_at", "days_waiting"],
}


def staff_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise NotAllowed("Only staff can see insights.")
        return view(request, *args, **kwargs)

    return wrapper


def _range(request) -> tuple[int, str]:
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in trends.RANGES else 30
    by = request.GET.get("by", "day")
    return days, by if by in trends.PERIODS else "day"


def _split(request) -> str:
    split = request.GET.get("split", "kind")
    return split if split in trends.SPLITS else "kind"


@require_GET
@staff_only
def trends_page(request):
    days, by = _range(request)
    data = trends.trends(days=days, by=by)
    volume_chart = charts.bar_chart(
        id="chart-volume",
        title=f"Posts and comments per {by}, last {days} days",
        description="Bars per period: posts, then comments. The table beside has the numbers.",
        rows=data["volume"],
        label="period",
        series=["posts", "comments"],
    )
    band_chart = charts.bar_chart(
        id="chart-sentiment",
        title=f"Sentiment of posts and comments per {by}, last {days} days",
        description="Bars per period: negative, neutral, positive.",
        rows=data["volume"],
        label="period",
        series=["negative", "neutral", "positive"],
        colours=[3, 7, 2],  # vermillion, grey, green
    )
    split = _split(request)
    now = timezone.now()
    columns, split_rows = trends.volume_split(
        since=now - timedelta(days=days), now=now, by=by, split=split
    )
    split_chart = charts.bar_chart(
        id="chart-split",
        title=f"Posts per {by} by {trends.SPLITS[split].lower()}, last {days} days",
        description=f"Bars per period, one per {trends.SPLITS[split].lower()}.",
        rows=split_rows,
        label="period",
        series=columns,
    )
    context = {
        **data,
        "days": days,
        "by": by,
        "ranges": trends.RANGES,
        "volume_chart": volume_chart,
        "band_chart": band_chart,
        "split": split,
        "split_label": trends.SPLITS[split],
        "splits": list(trends.SPLITS.items()),
        "split_columns": columns,
        "split_rows": [
            {"period": row["period"], "cells": [row[c] for c in columns]} for row in split_rows
        ],
        "split_chart": split_chart,
        "query": f"days={days}&by={by}&split={split}",
    }
    return render(request, "insights/trends.html", context)


def _csv_value(row: dict, column: str):
    if column == "post_id":
        return row["post"].pk
    value = row[column]
    return value.isoformat() if hasattr(value, "isoformat") else value


@require_GET
@staff_only
def export_csv(request, table: str):
    if table not in TABLES and table != "split":
        raise Http404(
            f"There is no table called '{table}'. Tables: {', '.join([*TABLES, 'split'])}."
        )
    days, by = _range(request)
    if table == "split":
        now = timezone.now()
        split = _split(request)
        columns, rows = trends.volume_split(
            since=now - timedelta(days=days), now=now, by=by, split=split
        )
        columns = ["period", *columns]
        name = f"posts-by-{split}"
    else:
        rows, columns, name = trends.trends(days=days, by=by)[table], TABLES[table], table
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insights-{name}-{days}d.csv"'
    writer = csv.writer(response)
    writer.writerow([_defused(c) for c in columns])
    for row in rows:
        writer.writerow([_defused(_csv_value(row, c)) for c in columns])
    return response


def _defused(value):
    """A leading = + - @ would make a spreadsheet run the cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value


@require_GET
@staff_only
def alerts_page(request):
    alerts = list(queries.alerts()[:100])
    return render(request, "insights/alerts.html", {"alerts": alerts})


@require_GET
@staff_only
def alert_detail(request, alert_id: int):
    alert = queries.alert_detail(alert_id)
    if alert is None:
        raise Http404("There is no such alert.")
    return render(request, "insights/alert_detail.html", {"alert": alert})


@require_POST
@staff_only
def acknowledge(request, alert_id: int):
    run_form_action(
        request,
        lambda: services.acknowledge_alert(actor=request.user, alert_id=alert_id),
        done="Alert acknowledged.",
    )
    return redirect("insights:alert", alert_id=alert_id)


@require_GET
@staff_only
def duplicates_page(request):
    return render(request, "insights/duplicates.html", {"rows": queries.likely_duplicates()})


@require_POST
@staff_only
def merge_duplicate(request):
    def merge():
        try:
            duplicate = int(request.POST.get("duplicate", ""))
            original = int(request.POST.get("into", ""))
        except ValueError:
            from frankly.errors import Invalid

            raise Invalid("Choose the duplicate and the post to merge it into.") from None
        return feedback.merge_posts(
            actor=request.user, duplicate_id=duplicate, original_id=original
        )

    run_form_action(request, merge, done="Merged: the votes moved to the original post.")
    return redirect("insights:duplicates")


@staff_only
def watch_words_page(request):
    if request.method == "POST":
        run_form_action(
            request,
            lambda: services.add_watch_word(
                actor=request.user,
                word=request.POST.get("word", ""),
                kind=request.POST.get("kind", WatchKind.TOPIC),
            ),
            done="Watching that word now.",
        )
        return redirect("insights:watch_words")
    since = timezone.now() - timedelta(days=30)
    rows = watchwords.counts(list(WatchWord.objects.all()), since=since)
    return render(request, "insights/watch_words.html", {"rows": rows, "kinds": WatchKind.choices})


@require_POST
@staff_only
def remove_watch_word(request, watch_word_id: int):
    run_form_action(
        request,
        lambda: services.remove_watch_word(actor=request.user, watch_word_id=watch_word_id),
        done="That word is no longer watched.",
    )
    return redirect("insights:watch_words")


@require_GET
@staff_only
def watch_word_detail(request, watch_word_id: int):
    word = WatchWord.objects.filter(pk=watch_word_id).first()
    if word is None:
        raise Http404("That word is not watched.")
    return render(
        request,
        "insights/watch_word_detail.html",
        {
            "word": word,
            "posts": list(watchwords.posts_mentioning(word.word).select_related("author")[:50]),
            "comments": list(watchwords.comments_mentioning(word.word)[:50]),
        },
    )


@require_GET
def responsiveness_page(request):
    months = responsiveness.monthly(months=12)
    return render(
        request,
        "insights/responsiveness.html",
        {"months": months, "days": responsiveness.ANSWER_WITHIN_BUSINESS_DAYS},
    )
