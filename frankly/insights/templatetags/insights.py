import math

from django import template
from django.core.exceptions import ObjectDoesNotExist

from frankly.insights.similarity import similar_posts

register = template.Library()


@register.filter
def duration(hours: float | None) -> str:
    """A response time for people: "5.5 hours", "3.2 days", or that it is still waiting."""
    if hours is None:
        return "no posts"
    if math.isinf(hours):
        return "not answered yet"
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


@register.filter
def percent(share: float | None) -> str:
    return "no posts" if share is None else f"{share * 100:.0f}%"


@register.inclusion_tag("insights/_similar.html")
def similar_to(title: str | None):
    """Posts like the title in the new-post form, rendered on the server so the hint
    works without JavaScript (after a failed submit or from ?title=)."""
    return {"suggestions": similar_posts(title or "") if title else []}


@register.inclusion_tag("insights/_sentiment.html", takes_context=True)
def sentiment_of(context, item):
    """The sentiment badge, for staff only. Customers never see a score."""
    if not context.get("viewer_is_staff"):
        return {"sentiment": None}
    try:
        sentiment = item.sentiment
    except ObjectDoesNotExist:  # not scored yet
        sentiment = None
    return {"sentiment": sentiment}
