"""Sentiment with VADER: known sentences, scored in the background on create and edit,
stored with the text version it read."""

import pytest

from frankly.feedback import services
from frankly.insights import sentiment
from frankly.insights.models import Band, Sentiment
from tests.conftest import make_post


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("I love the new dashboard, it is great and fast!", Band.POSITIVE),
        ("This update is terrible. Everything is broken and I hate it.", Band.NEGATIVE),
        ("The export button is on the left of the page.", Band.NEUTRAL),
        ("", Band.NEUTRAL),
    ],
)
def test_known_sentences_land_in_their_band(text, band):
    assert sentiment.score_text(text).band == band


def test_vader_reads_negation_and_emphasis():
    plain = sentiment.score_text("The app is good.")
    assert sentiment.score_text("The app is not good.").compound < 0 < plain.compound
    assert sentiment.score_text("The app is GOOD!!!").compound > plain.compound


@pytest.mark.django_db
def test_a_new_post_is_scored_after_it_commits(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(customer, title="Billing is broken", body="I was charged twice. Awful.")
    scored = Sentiment.objects.get(post=post)
    assert scored.band == Band.NEGATIVE
    assert scored.compound < -0.5
    assert scored.created_at == post.created_at
    assert scored.text_edited_at is None


@pytest.mark.django_db
def test_nothing_is_scored_before_the_transaction_commits(customer):
    make_post(customer, title="Billing is broken", body="Awful.")
    assert not Sentiment.objects.exists()


@pytest.mark.django_db
def test_an_edit_rescores_the_new_text_and_records_its_version(
    customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(customer, title="Search is awful", body="Useless results, I hate it.")
    before = Sentiment.objects.get(post=post)
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_post(
            actor=customer,
            post_id=post.pk,
            body="Actually it works great now, thank you so much!",
            title="Search is fine",
        )
    after = Sentiment.objects.get(post=post)
    post.refresh_from_db()
    assert after.pk == before.pk
    assert after.band == Band.POSITIVE
    assert after.text_sha256 != before.text_sha256
    assert after.text_edited_at == post.edited_at


@pytest.mark.django_db
def test_comments_are_scored_on_create_and_edit(customer, post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.add_comment(
            author=customer, post_id=post.pk, body="Thanks, this is wonderful!"
        )
    assert Sentiment.objects.get(comment=comment).band == Band.POSITIVE
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_comment(
            actor=customer, comment_id=comment.pk, body="No, it crashed again. Terrible."
        )
    assert Sentiment.objects.get(comment=comment).band == Band.NEGATIVE


@pytest.mark.django_db
def test_scoring_the_same_version_twice_changes_nothing(customer, post):
    first = sentiment.score_post(post.pk)
    second = sentiment.score_post(post.pk)
    assert second.scored_at == first.scored_at
    assert Sentiment.objects.filter(post=post).count() == 1


@pytest.mark.django_db
def test_a_task_for_a_post_that_is_gone_does_nothing(db):
    assert sentiment.score_post(987654) is None
