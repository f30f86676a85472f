"""The demo's changelog: published entries that deliver done posts, and a draft."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from frankly.roadmap.models import ChangelogComment, ChangelogEntry
from frankly.transparency.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_changelog_that_closes_the_loop(client):
    call_command("demo", stdout=StringIO())

    published = ChangelogEntry.objects.published()
    assert published.count() >= 3
    assert ChangelogEntry.objects.drafts().count() == 1
    for entry in published:
        assert entry.posts.exists(), entry.title
        assert set(entry.posts.values_list("status", flat=True)) == {"done"}
        assert entry.published_at < timezone.now()
    assert ChangelogComment.objects.filter(entry__in=published).exists()
    assert LedgerEntry.objects.filter(kind="changelog.published").count() == published.count()
    page = client.get("/changelog/").content.decode()
    assert "Invoices your accountant will like" in page
    assert "Our plans for the second half" not in page  # a draft
    assert "Shipped in" in client.get("/roadmap/").content.decode()
