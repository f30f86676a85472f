from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

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
            css, text = "no-data", _("no data")
        elif day.outage_minutes:
            css, text = (
                day.worst,
                ngettext(
                    "%(minutes)d minute of outage",
                    "%(minutes)d minutes of outage",
                    day.outage_minutes,
                )
                % {"minutes": day.outage_minutes},
            )
        else:
            css, text = day.worst, _no_outage(day.worst, language)
        rects.append(
            f'<rect x="{index * 4}" y="0" width="3" height="24" class="bar {escape(css)}">'
            f"<title>{_day_label(day.day, language)}: {escape(text)}</title></rect>"
        )
    percent = history.uptime_percent
    summary = (
        _("%(percent)s%% uptime") % {"percent": percent} if percent is not None else _("no data")
    )
    aria = _("%(name)s: %(summary)s over the last %(days)s days") % {
        "name": name,
        "summary": summary,
        "days": len(history.days),
    }
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
    return _("%(status)s, no outage") % {"status": status_label(status)}
