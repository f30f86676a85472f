"""Every write of the insights app: staff acknowledge alerts, keep watch words, and
merge a likely duplicate (through the feedback board's own merge)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from frankly.access import require_staff
from frankly.errors import Conflict, Invalid, NotFound
from frankly.insights.models import Alert, WatchKind, WatchWord
from frankly.validation import full_clean_or_invalid


@transaction.atomic
def acknowledge_alert(*, actor, alert_id: int) -> Alert:
    """Mark an alert as seen by a staff member; it leaves the header count."""
    require_staff(actor)
    alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("There is no such alert.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = timezone.now(), actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert


@transaction.atomic
def add_watch_word(*, actor, word: str, kind: str = WatchKind.TOPIC) -> WatchWord:
    """Start counting mentions of a word (a name, any case, as a whole word)."""
    require_staff(actor)
    word = " ".join((word or "").split())
    if not word:
        raise Invalid("The word is empty. Type the name you want counted.", field="word")
    if len(word) > 60:
        raise Invalid("Keep the word under 60 characters.", field="word")
    if "\x00" in word:
        raise Invalid("The word holds a character that is not allowed.", field="word")
    if kind not in WatchKind.values:
        raise Invalid(
            f"'{kind}' is not a kind. Choose one of: {', '.join(WatchKind.values)}.", field="kind"
        )
    if WatchWord.objects.filter(word__iexact=word).exists():
        raise Conflict(f"“{word}” is watched already.")
    watch = WatchWord(word=word, kind=kind, created_by=actor)
    full_clean_or_invalid(watch, exclude=["created_by"])
    try:
        with transaction.atomic():
            watch.save()
    except IntegrityError:
        raise Conflict(f"“{word}” is watched already.") from None
    return watch


@transaction.atomic
def remove_watch_word(*, actor, watch_word_id: int) -> None:
    """Stop counting a word. Nothing else is lost: mentions are read from the text."""
    require_staff(actor)
    deleted, _ = WatchWord.objects.filter(pk=watch_word_id).delete()
    if not deleted:
        raise NotFound("That word is not watched.")
