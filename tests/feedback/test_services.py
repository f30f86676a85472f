"""The rules of the board, tested through the service functions on a real database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from frankly.errors import Conflict, Invalid, NotAllowed, NotFound, NotSignedIn
from frankly.feedback import services, trending
from frankly.feedback.models import Follow, Post, Status, StatusChange, Vote
from tests.conftest import make_post, make_tag, make_user

pytestmark = pytest.mark.django_db


def fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)


# Creating and editing posts


def test_creating_a_post_renders_markdown_and_makes_the_author_follow(customer):
    post = services.create_post(
        author=customer, kind="idea", title="  Export  to CSV ", body="Please add **CSV**."
    )
    assert post.title == "Export to CSV"
    assert "<strong>CSV</strong>" in post.body_html
    assert post.status == Status.OPEN
    assert Follow.objects.filter(user=customer, post=post).exists()


def test_it_rejects_anonymous_posts(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotSignedIn):
        services.create_post(author=AnonymousUser(), kind="idea", title="Hello")
    assert Post.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "title", "field"),
    [
        ("idea", "", "title"),
        ("idea", "   ", "title"),
        ("wish", "Hi", "kind"),
        ("idea", "x" * 161, "title"),
    ],
)
def test_bad_posts_are_refused_with_a_reason(customer, kind, title, field):
    with pytest.raises(Invalid) as error:
        services.create_post(author=customer, kind=kind, title=title)
    assert error.value.field == field
    assert error.value.message
    assert Post.objects.count() == 0


def test_unknown_tags_are_refused_and_known_ones_attached(customer):
    make_tag("Billing")
    with pytest.raises(Invalid, match="no tag called 'nope'"):
        make_post(customer, tags=["billing", "nope"])
    post = make_post(customer, tags=["billing"])
    assert [t.slug for t in post.tags.all()] == ["billing"]


def test_only_the_author_or_staff_edit_a_post(post, other_customer, staff):
    with pytest.raises(NotAllowed):
        services.edit_post(actor=other_customer, post_id=post.pk, title="Hijacked")
    assert fresh(post).title == "Dark mode for the dashboard"
    services.edit_post(actor=post.author, post_id=post.pk, body="Now with *details*")
    edited = fresh(post)
    assert "<em>details</em>" in edited.body_html
    assert edited.edited_at is not None
    services.edit_post(actor=staff, post_id=post.pk, title="Dark mode everywhere")
    assert fresh(post).title == "Dark mode everywhere"


def test_only_staff_change_tags(post, staff):
    make_tag("Dashboard")
    with pytest.raises(NotAllowed):
        services.edit_post(actor=post.author, post_id=post.pk, tags=["dashboard"])
    services.edit_post(actor=staff, post_id=post.pk, tags=["dashboard"])
    assert list(fresh(post).tags.values_list("slug", flat=True)) == ["dashboard"]


def test_unknown_post_is_not_found(customer):
    for bad in (0, -1, 10**30, 999_999):
        with pytest.raises(NotFound):
            services.add_vote(user=customer, post_id=bad)


# Votes


def test_voting_twice_counts_once(post, other_customer):
    services.add_vote(user=other_customer, post_id=post.pk)
    services.add_vote(user=other_customer, post_id=post.pk)
    assert fresh(post).vote_count == 1
    assert Vote.objects.filter(post=post).count() == 1


def test_voters_follow_the_post(post, other_customer):
    services.add_vote(user=other_customer, post_id=post.pk)
    assert Follow.objects.filter(user=other_customer, post=post).exists()


def test_toggling_a_vote_adds_then_withdraws(post, other_customer):
    voted, has_voted = services.toggle_vote(user=other_customer, post_id=post.pk)
    assert (voted.vote_count, has_voted) == (1, True)
    withdrawn, has_voted = services.toggle_vote(user=other_customer, post_id=post.pk)
    assert (withdrawn.vote_count, has_voted) == (0, False)
    assert services.remove_vote(user=other_customer, post_id=post.pk).vote_count == 0


def test_trending_score_matches_a_recount_after_votes_come_and_go(post):
    voters = [make_user() for _ in range(5)]
    for voter in voters:
        services.add_vote(user=voter, post_id=post.pk)
    services.remove_vote(user=voters[2], post_id=post.pk)
    current = fresh(post)
    times = Vote.objects.filter(post=post).values_list("created_at", flat=True)
    assert current.trending == pytest.approx(trending.from_scratch(current.created_at, times))


def test_trending_ranks_recent_votes_above_old_ones():
    now = timezone.now()
    old = trending.from_scratch(
        now - timedelta(days=60), [now - timedelta(days=59 - i) for i in range(10)]
    )
    fresh_score = trending.from_scratch(now - timedelta(days=2), [now, now])
    assert fresh_score > old
    # A vote's weight halves each week: one vote now = two votes a week ago.
    base = now - timedelta(days=30)
    assert trending.add(
        trending.add(-1e9, now - timedelta(days=7)), now - timedelta(days=7)
    ) == pytest.approx(trending.add(-1e9, now))
    assert trending.remove(trending.add(trending.initial(base), now), now) == pytest.approx(
        trending.initial(base)
    )


# Comments


def test_comments_count_and_replies_stay_one_level_deep(post, other_customer, staff):
    first = services.add_comment(author=other_customer, post_id=post.pk, body="Yes please")
    reply = services.add_comment(author=staff, post_id=post.pk, body="On it", parent_id=first.pk)
    reply_to_reply = services.add_comment(
        author=other_customer, post_id=post.pk, body="Thanks", parent_id=reply.pk
    )
    assert reply.parent_id == first.pk
    assert reply_to_reply.parent_id == first.pk
    assert reply.author_was_staff and not first.author_was_staff
    assert fresh(post).comment_count == 3
    assert Follow.objects.filter(user=other_customer, post=post).exists()


def test_empty_comment_and_foreign_parent_are_refused(post, other_customer):
    with pytest.raises(Invalid):
        services.add_comment(author=other_customer, post_id=post.pk, body="  ")
    elsewhere = make_post(other_customer)
    foreign = services.add_comment(author=other_customer, post_id=elsewhere.pk, body="Hi")
    with pytest.raises(NotFound):
        services.add_comment(author=other_customer, post_id=post.pk, body="x", parent_id=foreign.pk)
    assert fresh(post).comment_count == 0


# Follow


def test_follow_and_unfollow(post, other_customer):
    services.follow_post(user=other_customer, post_id=post.pk)
    services.follow_post(user=other_customer, post_id=post.pk)
    assert Follow.objects.filter(user=other_customer, post=post).count() == 1
    services.unfollow_post(user=other_customer, post_id=post.pk)
    assert not Follow.objects.filter(user=other_customer, post=post).exists()


# Status and official response


def test_staff_change_status_with_a_public_note(post, staff):
    change = services.change_status(
        actor=staff, post_id=post.pk, status="planned", note="Coming in **Q3**."
    )
    assert fresh(post).status == "planned"
    assert (change.from_status, change.to_status) == ("open", "planned")
    assert "<strong>Q3</strong>" in change.note_html


def test_customers_cannot_change_status(post):
    with pytest.raises(NotAllowed):
        services.change_status(actor=post.author, post_id=post.pk, status="done")
    assert fresh(post).status == "open"
    assert not StatusChange.objects.exists()


def test_status_must_be_known_and_different(post, staff):
    with pytest.raises(Invalid):
        services.change_status(actor=staff, post_id=post.pk, status="shipped")
    with pytest.raises(Conflict):
        services.change_status(actor=staff, post_id=post.pk, status="open")


def test_one_official_response_per_post_replaced_by_staff(post, staff, customer):
    with pytest.raises(NotAllowed):
        services.set_official_response(actor=customer, post_id=post.pk, body="I am official")
    first = services.set_official_response(actor=staff, post_id=post.pk, body="We hear you.")
    second = services.set_official_response(actor=staff, post_id=post.pk, body="Planned for May.")
    assert first.pk == second.pk
    assert second.body == "Planned for May." and second.edited_at is not None


# Accepted answers


def test_asker_or_staff_accept_an_answer_on_questions_only(customer, other_customer, staff):
    question = make_post(customer, kind="question", title="How do I rotate keys?")
    answer = services.add_comment(
        author=other_customer, post_id=question.pk, body="Settings → Keys"
    )
    with pytest.raises(NotAllowed):
        services.accept_answer(actor=other_customer, post_id=question.pk, comment_id=answer.pk)
    services.accept_answer(actor=customer, post_id=question.pk, comment_id=answer.pk)
    assert fresh(question).accepted_comment_id == answer.pk
    services.accept_answer(actor=staff, post_id=question.pk, comment_id=None)
    assert fresh(question).accepted_comment_id is None
    idea = make_post(customer)
    with pytest.raises(Conflict):
        services.accept_answer(actor=customer, post_id=idea.pk, comment_id=None)


# Merge


def test_merging_moves_votes_without_double_counting(customer, staff):
    original = make_post(customer, title="Dark mode")
    duplicate = make_post(customer, title="Night theme please")
    both, only_dup, only_orig = make_user(), make_user(), make_user()
    for voter in (both, only_dup):
        services.add_vote(user=voter, post_id=duplicate.pk)
    for voter in (both, only_orig):
        services.add_vote(user=voter, post_id=original.pk)

    services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=original.pk)

    original, duplicate = fresh(original), fresh(duplicate)
    assert original.vote_count == 3  # both, only_orig, only_dup: each once
    assert set(original.votes.values_list("user_id", flat=True)) == {
        both.pk,
        only_dup.pk,
        only_orig.pk,
    }
    moved = Vote.objects.get(post=original, user=only_dup)
    assert moved.merged_from_id == duplicate.pk
    # The overlapping vote stays where it was: nothing deleted, nobody counted twice.
    assert duplicate.vote_count == Vote.objects.filter(post=duplicate).count() == 1
    assert duplicate.merged_into_id == original.pk
    assert Follow.objects.filter(user=only_dup, post=original).exists()
    assert Post.objects.filter(pk=duplicate.pk).exists()


def test_merged_posts_refuse_votes_comments_and_second_merges(customer, staff, other_customer):
    original, duplicate, third = make_post(customer), make_post(customer), make_post(customer)
    services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=original.pk)
    with pytest.raises(Conflict, match=f"merged into #{original.pk}"):
        services.add_vote(user=other_customer, post_id=duplicate.pk)
    with pytest.raises(Conflict):
        services.add_comment(author=other_customer, post_id=duplicate.pk, body="hi")
    with pytest.raises(Conflict):
        services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=third.pk)
    with pytest.raises(Conflict):
        services.merge_posts(actor=staff, duplicate_id=third.pk, original_id=duplicate.pk)
    with pytest.raises(Invalid):
        services.merge_posts(actor=staff, duplicate_id=third.pk, original_id=third.pk)
    with pytest.raises(NotAllowed):
        services.merge_posts(actor=customer, duplicate_id=third.pk, original_id=original.pk)


# Tags


def test_only_staff_create_tags_and_names_are_unique(staff, customer):
    with pytest.raises(NotAllowed):
        services.create_tag(actor=customer, name="Billing")
    tag = services.create_tag(actor=staff, name="Mobile app")
    assert tag.slug == "mobile-app"
    with pytest.raises(Conflict):
        services.create_tag(actor=staff, name="Mobile app")
