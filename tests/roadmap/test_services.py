"""The rules of the changelog and the roadmap, tested through the service functions."""

import pytest

from frankly.errors import Conflict, Invalid, NotAllowed, NotFound, NotSignedIn
from frankly.feedback import services as feedback
from frankly.roadmap import services
from frankly.roadmap.models import ChangelogEntry, RoadmapSetting
from frankly.transparency import moderation, rules, tombstones
from frankly.transparency.models import LedgerEntry, Revision
from frankly.transparency.queries import revisions_for
from tests.conftest import make_post
from tests.roadmap.conftest import make_entry, reload, snapshot

pytestmark = pytest.mark.django_db

REFUSED = {"customer": NotAllowed, "anonymous": NotSignedIn}


# Who may write


STAFF_WRITES = {
    "create_entry": lambda actor, entry, post: services.create_entry(
        actor=actor, title="Sneaky", category="new"
    ),
    "create_and_publish": lambda actor, entry, post: services.create_entry(
        actor=actor, title="Sneaky", category="new", post_ids=[post.pk], publish=True
    ),
    "edit_entry": lambda actor, entry, post: services.edit_entry(
        actor=actor, entry_id=entry.pk, title="Changed"
    ),
    "publish_entry": lambda actor, entry, post: services.publish_entry(
        actor=actor, entry_id=entry.pk
    ),
    "set_roadmap_options": lambda actor, entry, post: services.set_roadmap_options(
        actor=actor, post_id=post.pk, is_hidden=True, target_quarter="2027-Q1"
    ),
}


@pytest.mark.parametrize("who", ["customer", "anonymous"])
@pytest.mark.parametrize("write", STAFF_WRITES)
def test_only_staff_write_entries_and_roadmap_options(request, draft, post, who, write):
    actor = request.getfixturevalue(who)
    before = snapshot()

    with pytest.raises(REFUSED[who]):
        STAFF_WRITES[write](actor, draft, post)

    assert snapshot() == before


@pytest.mark.parametrize("who", ["customer", "anonymous"])
def test_drafts_are_not_found_by_customers(request, draft, who):
    with pytest.raises(NotFound):
        services.get_entry(draft.pk, viewer=request.getfixturevalue(who))


def test_staff_find_drafts(draft, staff):
    assert services.get_entry(draft.pk, viewer=staff) == draft


def test_an_admin_is_staff_too(admin, draft):
    services.publish_entry(actor=admin, entry_id=draft.pk)
    assert reload(draft).published_by == admin


# Writing entries


def test_a_new_entry_is_a_draft_with_rendered_markdown(staff, post):
    entry = make_entry(staff, title="  Dark   mode ", posts=[post], body="It is **here**.")

    assert entry.title == "Dark mode"
    assert "<strong>here</strong>" in entry.body_html
    assert not entry.is_published and entry.published_at is None
    assert list(entry.posts.all()) == [post]
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("title", "category", "field"),
    [
        ("", "new", "title"),
        ("   ", "new", "title"),
        ("x" * 161, "new", "title"),
        ("Nul\x00title", "new", "title"),
        ("Fine", "breaking", "category"),
        ("Fine", "", "category"),
    ],
)
def test_bad_entries_are_refused_with_a_reason(staff, title, category, field):
    with pytest.raises(Invalid) as error:
        services.create_entry(actor=staff, title=title, category=category)
    assert error.value.field == field
    assert error.value.message
    assert not ChangelogEntry.objects.exists()


@pytest.mark.parametrize("bad_id", [987654, 2**63, 2**80, 0, -3, "12", None, True])
def test_linking_a_post_that_is_not_there_is_refused(staff, post, bad_id):
    with pytest.raises(Invalid, match="There is no post") as error:
        services.create_entry(actor=staff, title="Hi", post_ids=[post.pk, bad_id], publish=True)
    assert error.value.field == "posts"
    assert not ChangelogEntry.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_linking_a_merged_or_hidden_post_is_refused_and_says_what_to_link(staff, customer):
    original, duplicate = make_post(customer), make_post(customer)
    feedback.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=original.pk)
    with pytest.raises(Invalid, match=f"merged into #{original.pk}"):
        services.create_entry(actor=staff, title="Hi", post_ids=[duplicate.pk])

    rule = rules.create_rule(actor=staff, title="No spam")
    moderation.hide_content(
        actor=staff, object_type="post", object_id=original.pk, rule_id=rule.pk, reason="Spam"
    )
    with pytest.raises(Invalid, match="hidden or deleted"):
        services.create_entry(actor=staff, title="Hi", post_ids=[original.pk])


def test_too_many_linked_posts_are_refused(staff, customer):
    posts = [make_post(customer) for _ in range(services.MAX_LINKED_POSTS + 1)]
    with pytest.raises(Invalid, match="at most"):
        services.create_entry(actor=staff, title="Hi", post_ids=[p.pk for p in posts])


def test_the_same_post_twice_is_linked_once(staff, post):
    entry = services.create_entry(actor=staff, title="Hi", post_ids=[post.pk, post.pk])
    assert entry.posts.count() == 1


# Editing: history and the ledger


def test_editing_a_draft_keeps_a_revision_but_stays_off_the_ledger(staff, draft):
    services.edit_entry(actor=staff, entry_id=draft.pk, body="New text", reason="Typo")

    revision = Revision.objects.get(object_type="changelog_entry", object_id=draft.pk)
    assert revision.old == {"body": "Switch it on under **Settings**."}
    assert revision.new == {"body": "New text"}
    assert revision.reason == "Typo"
    assert not LedgerEntry.objects.exists()
    assert reload(draft).edited_at is None  # nobody saw the draft, so it was not "edited"


def test_a_drafts_history_is_for_staff_only(staff, customer, draft):
    services.edit_entry(actor=staff, entry_id=draft.pk, title="Secret plans")

    [seen_by_customer] = revisions_for("changelog_entry", draft.pk, viewer=customer)
    [seen_by_staff] = revisions_for("changelog_entry", draft.pk, viewer=staff)
    assert seen_by_customer["withheld"] and seen_by_customer["new"] is None
    assert seen_by_staff["new"] == {"title": "Secret plans"}


def test_editing_a_published_entry_keeps_history_and_goes_on_the_ledger(staff, draft, post):
    services.publish_entry(actor=staff, entry_id=draft.pk)
    other = make_post(staff, title="Another")

    services.edit_entry(
        actor=staff,
        entry_id=draft.pk,
        title="Dark mode, everywhere",
        category="improved",
        post_ids=[post.pk, other.pk],
        reason="It also covers the mobile app",
    )

    entry = reload(draft)
    assert entry.edited_at is not None
    revision = Revision.objects.get(object_type="changelog_entry", object_id=entry.pk)
    assert revision.old == {"title": "Dark mode is here", "category": "new"}
    assert revision.new == {"title": "Dark mode, everywhere", "category": "improved"}
    kinds = list(
        LedgerEntry.objects.filter(object_type="changelog_entry").values_list("kind", flat=True)
    )
    assert kinds == ["changelog.published", "changelog.edited"]
    edited = LedgerEntry.objects.get(kind="changelog.edited")
    assert f'"posts":[{post.pk},{other.pk}]' in edited.body
    assert "It also covers the mobile app" in edited.body
    assert edited.object_url == entry.get_absolute_url()
    assert revisions_for("changelog_entry", entry.pk, viewer=None)[0]["withheld"] is False


def test_each_edit_of_a_published_entry_is_one_ledger_entry(staff, published):
    for text in ("One", "Two", "Two"):  # the last changes nothing
        services.edit_entry(actor=staff, entry_id=published.pk, body=text)
    assert LedgerEntry.objects.filter(kind="changelog.edited").count() == 2
    assert Revision.objects.filter(object_type="changelog_entry").count() == 2


def test_a_refused_edit_changes_nothing(staff, draft):
    services.publish_entry(actor=staff, entry_id=draft.pk)
    before = snapshot()
    with pytest.raises(Invalid):
        services.edit_entry(actor=staff, entry_id=draft.pk, body="Fine", title="")
    with pytest.raises(Invalid):
        services.edit_entry(actor=staff, entry_id=draft.pk, body="Fine", post_ids=[10**30])
    assert snapshot() == before


def test_a_linked_post_hidden_later_can_stay_linked(staff, draft, post):
    rule = rules.create_rule(actor=staff, title="No spam")
    moderation.hide_content(
        actor=staff, object_type="post", object_id=post.pk, rule_id=rule.pk, reason="Spam"
    )
    services.edit_entry(actor=staff, entry_id=draft.pk, title="Renamed", post_ids=[post.pk])
    assert list(reload(draft).posts.all()) == [post]


def test_editing_an_unknown_entry_is_not_found(staff):
    for bad in (424242, 2**64, -1, "x"):
        with pytest.raises(NotFound):
            services.edit_entry(actor=staff, entry_id=bad, title="Nope")


# Publishing


def test_publishing_puts_the_entry_on_the_ledger_once(staff, draft):
    services.publish_entry(actor=staff, entry_id=draft.pk)
    first = reload(draft).published_at
    services.publish_entry(actor=staff, entry_id=draft.pk)

    entry = reload(draft)
    assert entry.published_at == first
    assert entry.published_by == staff
    [record] = LedgerEntry.objects.filter(object_type="changelog_entry")
    assert record.kind == "changelog.published"
    assert record.object_type == "changelog_entry"
    assert record.object_id == str(entry.pk)
    assert '"title":"Dark mode is here"' in record.body


# Comments


def test_customers_comment_on_published_entries(customer, published):
    comment = services.add_entry_comment(author=customer, entry_id=published.pk, body="**Yay**")
    assert "<strong>Yay</strong>" in comment.body_html
    assert reload(published).comment_count == 1
    assert comment.get_absolute_url() == f"{published.get_absolute_url()}#comment-{comment.pk}"


def test_drafts_take_no_comments(customer, staff, draft):
    with pytest.raises(NotFound):
        services.add_entry_comment(author=customer, entry_id=draft.pk, body="First!")
    with pytest.raises(Conflict, match="draft"):
        services.add_entry_comment(author=staff, entry_id=draft.pk, body="Note to self")


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001, "nul\x00"])
def test_bad_comments_are_refused(customer, published, body):
    with pytest.raises(Invalid):
        services.add_entry_comment(author=customer, entry_id=published.pk, body=body)
    assert reload(published).comment_count == 0


def test_anonymous_cannot_comment(anonymous, published):
    with pytest.raises(NotSignedIn):
        services.add_entry_comment(author=anonymous, entry_id=published.pk, body="Hi")


def test_staff_hide_a_comment_behind_a_tombstone(staff, customer, other_customer, published):
    comment = services.add_entry_comment(author=customer, entry_id=published.pk, body="Buy pills")
    rule = rules.create_rule(actor=staff, title="No spam")

    action = moderation.hide_content(
        actor=staff,
        object_type="changelog_comment",
        object_id=comment.pk,
        rule_id=rule.pk,
        reason="Advertising",
    )

    comment = reload(comment)
    assert comment.hidden_by == action
    assert action.object_url == comment.get_absolute_url()
    assert not tombstones.can_see_text(comment, other_customer)
    assert tombstones.can_see_text(comment, customer)  # its author, to appeal
    assert "Advertising" in tombstones.tombstone(comment)["text"]


def test_customers_cannot_hide_comments(staff, customer, other_customer, published):
    comment = services.add_entry_comment(author=other_customer, entry_id=published.pk, body="Hm")
    rule = rules.create_rule(actor=staff, title="Be kind")
    with pytest.raises(NotAllowed):
        moderation.hide_content(
            actor=customer,
            object_type="changelog_comment",
            object_id=comment.pk,
            rule_id=rule.pk,
            reason="I disagree",
        )
    assert not reload(comment).is_hidden


def test_authors_delete_their_own_comments(customer, other_customer, published):
    comment = services.add_entry_comment(author=customer, entry_id=published.pk, body="Oops")
    with pytest.raises(NotAllowed):
        moderation.delete_own_content(
            actor=other_customer, object_type="changelog_comment", object_id=comment.pk
        )
    moderation.delete_own_content(
        actor=customer, object_type="changelog_comment", object_id=comment.pk
    )
    comment = reload(comment)
    assert comment.is_deleted and comment.body == "" and comment.body_html == ""


# Roadmap options


@pytest.mark.parametrize(
    ("given", "stored"),
    [("2027-Q1", "2027-Q1"), (" 2027-q4 ", "2027-Q4"), ("", ""), (None, "")],
)
def test_target_quarters_are_tidied(staff, post, given, stored):
    setting = services.set_roadmap_options(
        actor=staff, post_id=post.pk, is_hidden=False, target_quarter=given
    )
    assert setting.target_quarter == stored
    assert RoadmapSetting.objects.get(post=post).target_quarter == stored


@pytest.mark.parametrize(
    "bad", ["2027", "2027-Q5", "2027-Q0", "Q1-2027", "27-Q1", "1999-Q1", "2101-Q1", "2027-Q1x"]
)
def test_a_bad_target_quarter_is_refused_with_an_example(staff, post, bad):
    with pytest.raises(Invalid, match=r"e\.g\. 2027-Q1") as error:
        services.set_roadmap_options(
            actor=staff, post_id=post.pk, is_hidden=False, target_quarter=bad
        )
    assert error.value.field == "target_quarter"
    assert not RoadmapSetting.objects.exists()


def test_the_database_refuses_a_malformed_quarter(post):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoadmapSetting.objects.create(post=post, target_quarter="soon")


def test_options_are_set_again_not_added(staff, post):
    services.set_roadmap_options(actor=staff, post_id=post.pk, is_hidden=True, target_quarter="")
    services.set_roadmap_options(
        actor=staff, post_id=post.pk, is_hidden=False, target_quarter="2028-Q2"
    )
    setting = RoadmapSetting.objects.get()
    assert (setting.is_hidden, setting.target_quarter, setting.updated_by) == (
        False,
        "2028-Q2",
        staff,
    )


def test_options_of_an_unknown_post_are_not_found(staff):
    with pytest.raises(NotFound):
        services.set_roadmap_options(actor=staff, post_id=2**70, is_hidden=True)


def test_linking_a_post_to_a_published_entry_is_on_the_ledger_with_its_reason(
    staff, published, post
):
    services.edit_entry(
        actor=staff, entry_id=published.pk, post_ids=[post.pk], reason="Forgot this one"
    )
    edited = LedgerEntry.objects.get(kind="changelog.edited")
    assert f'"posts":[{post.pk}]' in edited.body
    assert '"reason":"Forgot this one"' in edited.body
    assert not Revision.objects.filter(object_type="changelog_entry").exists()  # no text changed
