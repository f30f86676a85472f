"""The CRM panel on a post page, for staff only (the template checks viewer_is_staff
and the tag checks again, so a template slip cannot leak CRM data)."""

from django import template

from frankly.crm import queries

register = template.Library()


@register.inclusion_tag("crm/_post_panel.html", takes_context=True)
def crm_panel(context, post):
    request = context["request"]
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return {"hidden": True}
    post, author, wanted = queries.post_crm(post.pk, viewer=user)
    return {"post": post, "author_contact": author, "wanted": wanted}
