"""Community rules. Every change is on the public ledger."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.access import require_staff
from frankly.errors import Conflict, Invalid, NotFound
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.models import Rule
from frankly.validation import is_valid_id, refuse_nul


def _clean(title: str, description: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    refuse_nul(title, field="title", what="title")
    if not title:
        raise Invalid(_("The rule needs a short title, like 'No personal data'."), field="title")
    if len(title) > 80:
        raise Invalid(_("Keep the rule's title under 80 characters."), field="title")
    description = (description or "").strip()
    refuse_nul(description, field="description", what="description")
    if len(description) > 2_000:
        raise Invalid(_("Keep the description under 2,000 characters."), field="description")
    return title, description


def _on_ledger(rule: Rule, kind: str) -> None:
    append_to_ledger(
        kind=kind,
        object_type="rule",
        object_id=rule.pk,
        object_url=reverse("transparency:rules"),
        body={"title": rule.title, "description": rule.description, "is_active": rule.is_active},
    )


@transaction.atomic
def create_rule(*, actor, title: str, description: str = "") -> Rule:
    """Add a community rule (staff)."""
    require_staff(actor)
    title, description = _clean(title, description)
    if Rule.objects.filter(title__iexact=title).exists():
        raise Conflict(f"There is already a rule called '{title}'.")
    position = (
        Rule.objects.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    rule = Rule.objects.create(title=title, description=description, position=position)
    _on_ledger(rule, "rule.created")
    return rule


@transaction.atomic
def update_rule(
    *, actor, rule_id: int, title: str, description: str, is_active: bool = True
) -> Rule:
    """Change a rule's wording or retire it (staff). Past actions keep the old title."""
    require_staff(actor)
    rule = (
        Rule.objects.select_for_update().filter(pk=rule_id).first()
        if is_valid_id(rule_id)
        else None
    )
    if rule is None:
        raise NotFound(_("There is no such rule."))
    title, description = _clean(title, description)
    if Rule.objects.filter(title__iexact=title).exclude(pk=rule.pk).exists():
        raise Conflict(f"There is already a rule called '{title}'.")
    if (rule.title, rule.description, rule.is_active) == (title, description, is_active):
        return rule
    rule.title, rule.description, rule.is_active = title, description, is_active
    rule.updated_at = timezone.now()
    rule.save()
    _on_ledger(rule, "rule.changed" if is_active else "rule.retired")
    return rule
