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
    after every update during an outage (bench/).
    """
    language = get_language()
    rects = []
    for index, day in enumerate(history.days):
        if not day.has_data:
            css, text = "no-data", "no data"
        elif day.outage_minutes:
            css, text = day.worst, f"{day.outage_minutes} minutes of outage"
        else:
            css, text = day.worst, _no_outage(day.worst, language)
        rects.append(
            f'<rect x="{index * 4}" y="0" width="3" height="24" class="bar {escape(css)}">'
            f"<title>{_day_label(day.day, language)}: {escape(text)}</title></rect>"
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
