from django import template

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
