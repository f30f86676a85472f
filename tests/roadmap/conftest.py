"""Factories for the roadmap and the changelog, and a snapshot of every table a
changelog write touches (to show that a refused write changed nothing)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from frankly.feedback.models import Post, StatusChange
from frankly.notify.models import Notification
from frankly.roadmap import services
from frankly.roadmap.models import ChangelogComment, ChangelogEntry, RoadmapSetting
from frankly.transparency.models import LedgerEntry, Revision

CHANGELOG_TABLES = (
    ChangelogEntry,
    ChangelogComment,
    RoadmapSetting,
    StatusChange,
    LedgerEntry,
    Revision,
    Notification,
)


def snapshot() -> dict:
    state = {m.__name__: list(m.objects.order_by("pk").values()) for m in CHANGELOG_TABLES}
    state["links"] = sorted(
        ChangelogEntry.posts.through.objects.values_list("changelogentry_id", "post_id")
    )
    state["statuses"] = sorted(Post.objects.values_list("pk", "status"))
    return state


def make_entry(staff, *, title: str = "Dark mode is here", posts=(), publish=False, **extra):
    return services.create_entry(
        actor=staff,
        title=title,
        body=extra.pop("body", "Switch it on under **Settings**."),
        category=extra.pop("category", "new"),
        post_ids=[p.pk for p in posts],
        publish=publish,
    )


def reload(instance):
    instance.refresh_from_db()
    return instance


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def draft(staff, post):
    """An unpublished entry that delivers the ``post`` fixture."""
    return make_entry(staff, title="Dark mode is here", posts=[post])


@pytest.fixture
def published(staff):
    return make_entry(staff, title="Faster exports", publish=True)
