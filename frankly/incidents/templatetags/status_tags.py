from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from frankly.incidents.models import ComponentStatus

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def mul(value, factor):
    return int(value) * int(factor)


@register.filter
def status_label(value):
    try:
        return ComponentStatus(value).label
    except ValueError:
        return value


@register.simple_tag
def uptime_bars(history, name: str) -> str:
    """The SVG of a component's daily bars, built in Python.

    A status page has components x 90 days of bars; as template tags they took most
    of a second to render, which is too slow for a page that must be re-rendered
    after every update during an outage (bench/). Days in a row with the same
    status and no outage are one bar spanning them, with the dates in its title:
    the same picture, and a tenth of the bytes (a page of 40 components was 470 KB,
    sent to everyone who opens it during an outage). A day with an outage, or
    without data, is always its own bar.
    """
    language = get_language()
    rects = []
    for index, length, day, text in _runs(history.days, language):
        when = _day_label(day.day, language)
        if length > 1:
            when += " \u2013 " + _day_label(history.days[index + length - 1].day, language)
        css = "no-data" if not day.has_data else day.worst
        rects.append(
            f'<rect x="{index * 4}" y="0" width="{length * 4 - 1}" height="24" '
            f'class="bar {escape(css)}"><title>{when}: {escape(text)}</title></rect>'
        )
    percent = history.uptime_percent
    summary = f"{percent}% uptime" if percent is not None else "no data"
    aria = f"{name}: {summary} over the last {len(history.days)} days"
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<svg class="uptime-bars" viewBox="0 0 {len(history.days) * 4} 24" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(aria)}">'
        + "".join(rects)
        + "</svg>"
    )


def _runs(days, language):
    """(first index, number of days, first day, text) for each bar: quiet days with
    the same status in a row are one bar; outage days and days without data each
    stand alone."""
    runs = []
    for index, day in enumerate(days):
        if not day.has_data:
            text, joins = "no data", False
        elif day.outage_minutes:
            text, joins = f"{day.outage_minutes} minutes of outage", False
        else:
            text, joins = _no_outage(day.worst, language), True
        last = runs[-1] if runs else None
        if joins and last and last[4] and last[3] == text:
            last[1] += 1
        else:
            runs.append([index, 1, day, text, joins])
    return [(index, length, day, text) for index, length, day, text, _ in runs]


@lru_cache(maxsize=1024)
def _day_label(day, language) -> str:
    return escape(date_format(day, "j M Y"))


@lru_cache(maxsize=64)
def _no_outage(status: str, language) -> str:
    return f"{status_label(status)}, no outage"


@register.simple_tag
def component_status_rows(mapping, component_list) -> list[dict]:
    """{component id: status} as rows to show, in the status page's order, from the
    components the page already read (no query). A component deleted since keeps its
    line, by number, so the record stays exact."""
    mapping = mapping or {}
    known = {str(c.pk): c for c in component_list}
    rows = [
        {"name": c.name, "status": mapping[key], "label": status_label(mapping[key])}
        for key, c in known.items()
        if key in mapping
    ]
    rows += [
        {"name": f"Component #{key} (removed)", "status": status, "label": status_label(status)}
        for key, status in sorted(mapping.items())
        if key not in known
    ]
    return rows
