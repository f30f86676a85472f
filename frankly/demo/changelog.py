"""The demo's changelog: a few published entries that deliver posts the board already
marked done, a customer's comment, and one draft for staff to find.

Written through the roadmap services, then moved into the past like the board.
"""

import textwrap
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from frankly.feedback.models import Post, Status, StatusChange
from frankly.roadmap import services
from frankly.roadmap.models import Category, ChangelogComment, ChangelogEntry

ENTRIES = (
    (
        Category.NEW,
        "Security keys and scoped API tokens",
        """
        Two of your most-voted requests for account security are live:

        - **Security keys (WebAuthn)**: add one under *Account → Security*. Passkeys follow.
        - **Scoped API tokens**: give a token read-only access, or limit it to one project.
        """,
        (
            "Sign in with a hardware security key (WebAuthn)",
            "Scoped API tokens: read-only and per project",
        ),
    ),
    (
        Category.IMPROVED,
        "Invoices your accountant will like",
        """
        *Billing → Invoices → Export* now downloads a CSV for any date range, and invoice
        PDFs show your current VAT number. We re-issued the invoices that showed an old one.
        """,
        (
            "Export invoices as CSV for our accountant",
            "Invoice PDF shows our old VAT number",
        ),
    ),
    (
        Category.FIXED,
        "A faster console, and --json for every CLI command",
        """
        The instances page now makes 2 requests instead of one per instance, so large
        accounts load in about a second. CLI 3.2 adds `--json` (and `--output yaml`) to
        every command.
        """,
        (
            "Console takes 10+ seconds to load with 300 instances",
            "A --json flag for every CLI command",
        ),
    ),
)
DRAFT = (
    Category.ANNOUNCEMENT,
    "Our plans for the second half of the year",
    "A draft: only staff see it until it is published.",
)
COMMENT = (1, "Thank you! The CSV export saves me an hour at every month's end.")


def build_changelog_demo(*, staff, customers: list) -> None:
    now = timezone.now()
    published = []
    for category, title, body, post_titles in ENTRIES:
        posts = list(
            Post.objects.filter(
                title__in=post_titles, status=Status.DONE, merged_into__isnull=True
            ).order_by("pk")
        )
        entry = services.create_entry(
            actor=staff,
            title=title,
            body=textwrap.dedent(body).strip(),
            category=category,
            post_ids=[p.pk for p in posts],
            publish=True,
        )
        # Published a day after the last of its posts was marked done.
        done = StatusChange.objects.filter(post__in=posts, to_status=Status.DONE).aggregate(
            at=Max("created_at")
        )["at"]
        when = min((done or now - timedelta(days=30)) + timedelta(days=1), now - timedelta(hours=2))
        ChangelogEntry.objects.filter(pk=entry.pk).update(created_at=when, published_at=when)
        published.append((entry, when))
    index, text = COMMENT
    if customers and len(published) > index:
        entry, when = published[index]
        comment = services.add_entry_comment(author=customers[0], entry_id=entry.pk, body=text)
        ChangelogComment.objects.filter(pk=comment.pk).update(
            created_at=min(when + timedelta(hours=5), now - timedelta(hours=1))
        )
    category, title, body = DRAFT
    services.create_entry(actor=staff, title=title, body=body, category=category)
