from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LedgerEntry(models.Model):
    """One public statement, chained to the one before it by its hash.

    The database refuses UPDATE and DELETE on this table (triggers, migration 0002).
    """

    seq = models.PositiveBigIntegerField(primary_key=True)
    prev_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    object_url = models.CharField(max_length=300)
    body = models.TextField(help_text="Canonical JSON of the statement.")
    created_at = models.CharField(max_length=32, help_text="ISO 8601 UTC, as hashed.")
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="ledger_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class Checkpoint(models.Model):
    """An Ed25519 signature over the ledger's head at one moment."""

    seq = models.PositiveBigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    created_at = models.CharField(max_length=32)
    signature = models.CharField(max_length=128, help_text="base64")
    key_id = models.CharField(max_length=64, help_text="sha256 hex of the public key")

    class Meta:
        ordering = ["-seq"]


class TreeHead(models.Model):
    """The Merkle tree head of the first ``size`` entries, signed as a C2SP checkpoint.

    A table of its own rather than columns on Checkpoint: on SQLite, adding a column
    rebuilds the table and would drop its append-only triggers."""

    size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64, help_text="hex")
    note = models.TextField(help_text="The C2SP signed-note checkpoint, signature included")
    key_id = models.CharField(max_length=64, help_text="sha256 hex of the public key")

    class Meta:
        ordering = ["-size"]


class MerkleNode(models.Model):
    """One perfect subtree of the RFC 6962 tree over the ledger (see merkle.py).

    ``level`` 0 is a leaf: entry seq = index + 1. Stored as they complete, about two
    per entry, so proofs read O(log n) rows. Append-only like the ledger."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64, help_text="hex")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="merkle_node_position")
        ]


class Revision(models.Model):
    """One edit of user-visible text: who, when, the fields before and after, why."""

    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    editor_was_staff = models.BooleanField(default=False)
    old = models.JSONField(help_text="Field name → text before the edit.")
    new = models.JSONField(help_text="Field name → text after the edit.")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-created_at"], name="revision_object")
        ]


class Rule(models.Model):
    """A community rule; moderators hide content only by naming one."""

    title = models.CharField(max_length=80, unique=True)
    description = models.TextField(max_length=2_000, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Action(models.TextChoices):
    HIDE = "hide", _("Hidden")
    UNHIDE = "unhide", _("Shown again")
    MERGE = "merge", _("Merged")
    LOCK = "lock", _("Locked")
    UNLOCK = "unlock", _("Unlocked")
    BAN = "ban", _("Banned")
    UNBAN = "unban", _("Unbanned")
    ERASE = "erase", _("Account deleted by its owner")
    WITHDRAW = "withdraw", _("Vote withdrawn after a merge")


class ModerationAction(models.Model):
    """One line of the public moderation log."""

    action = models.CharField(max_length=12, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    object_url = models.CharField(max_length=300)
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    rule_title = models.CharField(max_length=80, blank=True, help_text="As it was then.")
    reason = models.TextField(max_length=2_000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="modlog_time"),
            models.Index(fields=["object_type", "object_id"], name="modlog_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"


class Appeal(models.Model):
    """An author's one appeal against hiding their content."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Waiting for staff"
        UPHELD = "upheld", "Stays hidden"
        REVERSED = "reversed", "Shown again"

    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals"
    )
    message = models.TextField(max_length=2_000)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=2_000, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class Moderatable(models.Model):
    """What every piece of user content carries so it can become a tombstone.

    Subclasses name their text fields in ``TEXT_FIELDS``: author deletion wipes
    them (and their revisions) for real; hiding keeps them for the author and staff.
    """

    TEXT_FIELDS: tuple[str, ...] = ()

    hidden_by = models.ForeignKey(
        ModerationAction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_by_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_tombstone(self) -> bool:
        return self.is_hidden or self.is_deleted
