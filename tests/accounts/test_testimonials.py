"""Testimonials only with consent: request, accept (named or anonymous), decline,
revoke, and edits that void the consent. The public API and the embed never serve a
quote without a live consent for exactly the current text."""

from datetime import timedelta

import pytest
from django.utils import timezone

from frankly.accounts import testimonials
from frankly.accounts.models import ConsentState
from frankly.errors import Conflict, Invalid, NotAllowed, NotSignedIn
from frankly.feedback import services as feedback
from frankly.notify.models import Notification
from frankly.transparency.models import Rule
from frankly.transparency.moderation import delete_own_content, hide_content
from tests.conftest import make_post

PRAISE = "The new export is wonderful. It saved our team a whole day every month."
QUOTE = "It saved our team a whole day every month."


@pytest.fixture
def praise(customer):
    return make_post(customer, kind="praise", title="Thank you for exports", body=PRAISE)


def ask(staff, praise, **overrides):
    fields = {
        "object_type": "post",
        "object_id": praise.pk,
        "quote": QUOTE,
        "placement": "our pricing page",
        "until": timezone.localdate() + timedelta(days=90),
        "message": "We would love to show this.",
    } | overrides
    return testimonials.request_testimonial(actor=staff, **fields)


def served(api_client):
    response = api_client(None).get("/testimonials")
    assert response.status_code == 200
    return response.json()["items"]


def embedded(client):
    response = client.get("/testimonials/embed/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.content.decode()


def test_a_request_shows_the_customer_exactly_what_where_and_until_when(
    staff, customer, praise, client_for
):
    request = ask(staff, praise)
    assert request.state == ConsentState.PENDING
    note = Notification.objects.get(user=customer, kind="consent")
    assert QUOTE in note.body and "our pricing page" in note.body
    page = client_for(customer).get("/account/consents/").content.decode()
    assert QUOTE in page
    assert "our pricing page" in page
    assert request.until.strftime("%-d %B %Y") in page
    assert "Accept, as “A customer”" in page


def test_nothing_is_served_before_the_customer_accepts(staff, praise, api_client, client):
    ask(staff, praise)
    assert served(api_client) == []
    assert QUOTE not in embedded(client)


def test_accepting_serves_the_quote_with_the_name_and_a_link(
    staff, customer, praise, api_client, client
):
    request = ask(staff, praise)
    testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="accept")
    items = served(api_client)
    assert items == [
        {
            "id": request.pk,
            "quote": QUOTE,
            "attribution": customer.public_name,
            "source_url": praise.get_absolute_url(),
            "until": request.until.isoformat(),
        }
    ]
    assert QUOTE in embedded(client)


def test_accepting_anonymously_serves_no_name_and_no_link(staff, customer, praise, api_client):
    request = ask(staff, praise)
    testimonials.decide_testimonial(
        actor=customer, request_id=request.pk, decision="accept_anonymously"
    )
    [item] = served(api_client)
    assert item["attribution"] == "A customer"
    assert item["source_url"] is None
    assert customer.display_name not in str(item)


def test_declining_serves_nothing(staff, customer, praise, api_client):
    request = ask(staff, praise)
    testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="decline")
    assert served(api_client) == []


def test_revoking_removes_the_quote_from_the_api_and_the_embed_at_once(
    staff, customer, praise, api_client, client, client_for
):
    request = ask(staff, praise)
    testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="accept")
    assert served(api_client) and QUOTE in embedded(client)

    response = client_for(customer).post(f"/account/consents/{request.pk}/", {"decision": "revoke"})
    assert response.status_code == 302
    assert served(api_client) == []
    assert QUOTE not in embedded(client)
    request.refresh_from_db()
    assert request.state == ConsentState.REVOKED and request.ended_at is not None


def test_editing_the_quoted_post_voids_the_consent(staff, customer, praise, api_client):
    request = ask(staff, praise)
    testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="accept")
    feedback.edit_post(actor=customer, post_id=praise.pk, body=PRAISE + " Mostly.")
    assert served(api_client) == []
    request.refresh_from_db()
    assert request.state == ConsentState.VOIDED
    assert "edited" in request.end_reason


def test_an_edit_before_the_answer_voids_the_request(staff, customer, praise):
    request = ask(staff, praise)
    feedback.edit_post(actor=customer, post_id=praise.pk, title="Thanks for exports")
    with pytest.raises(Conflict):
        testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="accept")
    request.refresh_from_db()
    assert request.state == ConsentState.VOIDED


def test_a_changed_text_is_never_served_even_if_nothing_voided_it(
    staff, customer, praise, api_client
):
    """Defence in depth: a write that bypassed the services still cannot make an
    unconsented text appear, because the text version is checked when serving."""
    request = ask(staff, praise)
    testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="accept")
    type(praise).objects.filter(pk=praise.pk).update(body="Changed behind everyone's back.")
    assert served(api_client) == []


def test_hiding_or_deleting_the_source_ends_the_consent(staff, customer, praise, api_client):
    comment = feedback.add_comment(author=customer, post_id=praise.pk, body=PRAISE)
    first = ask(staff, praise)
    second = ask(staff, praise, object_type="comment", object_id=comment.pk)
    for request in (first, second):
        testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="accept")
    assert len(served(api_client)) == 2
    rule = Rule.objects.create(title="Be kind")
    hide_content(
        actor=staff, object_type="post", object_id=praise.pk, rule_id=rule.pk, reason="test"
    )
    delete_own_content(actor=customer, object_type="comment", object_id=comment.pk)
    assert served(api_client) == []
    states = {r.state for r in type(first).objects.all()}
    assert states == {ConsentState.VOIDED}


def test_an_expired_consent_is_not_served(staff, customer, praise, api_client):
    request = ask(staff, praise, until=timezone.localdate())
    testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="accept")
    assert len(served(api_client)) == 1
    type(request).objects.filter(pk=request.pk).update(
        until=timezone.localdate() - timedelta(days=1)
    )
    assert served(api_client) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quote": "It saved our team a whole week every month."}, "quote"),
        ({"quote": "   "}, "quote"),
        ({"placement": ""}, "placement"),
        ({"until": "2020-01-01"}, "until"),
        ({"until": "next year"}, "until"),
        ({"until": timezone.localdate() + timedelta(days=365 * 4)}, "until"),
    ],
)
def test_a_request_must_quote_exact_words_in_a_named_place_for_a_set_time(
    staff, praise, overrides, field
):
    with pytest.raises(Invalid) as raised:
        ask(staff, praise, **overrides)
    assert raised.value.field == field


def test_staff_words_and_gone_content_cannot_be_requested(staff, customer, praise):
    staff_post = make_post(staff, kind="praise", body=PRAISE)
    with pytest.raises(Conflict):
        ask(staff, staff_post)
    delete_own_content(actor=customer, object_type="post", object_id=praise.pk)
    with pytest.raises(Conflict):
        ask(staff, praise)


def test_only_staff_ask_and_only_the_author_answers(staff, customer, other_customer, praise):
    with pytest.raises(NotAllowed):
        ask(customer, praise)
    request = ask(staff, praise)
    for someone in (other_customer, staff):
        with pytest.raises(NotAllowed):
            testimonials.decide_testimonial(actor=someone, request_id=request.pk, decision="accept")
        with pytest.raises(NotAllowed):
            testimonials.revoke_testimonial(actor=someone, request_id=request.pk)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotSignedIn):
        testimonials.decide_testimonial(
            actor=AnonymousUser(), request_id=request.pk, decision="accept"
        )


def test_the_api_runs_the_whole_lifecycle(staff, customer, praise, api_client):
    as_staff, as_customer = api_client(staff), api_client(customer)
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = as_staff.post(
        "/testimonials/requests",
        {
            "object_type": "post",
            "object_id": praise.pk,
            "quote": QUOTE,
            "placement": "home page",
            "until": until,
        },
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert [r["id"] for r in as_customer.get("/testimonials/requests").json()["items"]] == [
        request_id
    ]
    response = as_customer.post(
        f"/testimonials/requests/{request_id}/decision", {"decision": "accept"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "accepted"
    assert len(served(api_client)) == 1
    response = as_customer.post(f"/testimonials/requests/{request_id}/revoke")
    assert response.json()["state"] == "revoked"
    assert served(api_client) == []
    again = as_customer.post(f"/testimonials/requests/{request_id}/revoke")
    assert again.status_code == 409
    assert "revoke" in again.json()["detail"]


def test_the_api_refuses_bad_input_with_reasons(
    staff, customer, other_customer, praise, api_client
):
    as_staff = api_client(staff)
    bad = as_staff.post(
        "/testimonials/requests",
        {
            "object_type": "post",
            "object_id": praise.pk,
            "quote": "Not what they said",
            "placement": "x",
            "until": "2099-01-01",
        },
    )
    assert bad.status_code == 422 and "exact words" in bad.json()["detail"]
    missing = as_staff.post(
        "/testimonials/requests",
        {
            "object_type": "post",
            "object_id": 10**9,
            "quote": QUOTE,
            "placement": "x",
            "until": "2099-01-01",
        },
    )
    assert missing.status_code == 404
    refused = api_client(customer).post(
        "/testimonials/requests",
        {
            "object_type": "post",
            "object_id": praise.pk,
            "quote": QUOTE,
            "placement": "x",
            "until": "2099-01-01",
        },
    )
    assert refused.status_code == 403
    request = ask(staff, praise)
    wrong_person = api_client(other_customer).post(
        f"/testimonials/requests/{request.pk}/decision", {"decision": "accept"}
    )
    assert wrong_person.status_code == 403
    nonsense = api_client(customer).post(
        f"/testimonials/requests/{request.pk}/decision", {"decision": "maybe"}
    )
    assert nonsense.status_code == 422
    request.refresh_from_db()
    assert request.state == ConsentState.PENDING
    assert api_client(other_customer).get("/testimonials/requests").json()["items"] == []


def test_staff_page_asks_and_withdraws(staff, customer, praise, client_for, api_client):
    client = client_for(staff)
    page = client.get(f"/staff/testimonials/?type=post&id={praise.pk}")
    assert page.status_code == 200 and PRAISE in page.content.decode()
    until = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        "/staff/testimonials/",
        {
            "object_type": "post",
            "object_id": praise.pk,
            "quote": "whole week",
            "placement": "home",
            "until": until,
        },
    )
    assert response.status_code == 400
    assert "exact words" in response.content.decode()
    response = client.post(
        "/staff/testimonials/",
        {
            "object_type": "post",
            "object_id": praise.pk,
            "quote": QUOTE,
            "placement": "home",
            "until": until,
        },
    )
    assert response.status_code == 302
    request = customer.testimonial_requests.get()
    testimonials.decide_testimonial(actor=customer, request_id=request.pk, decision="accept")
    assert served(api_client)
    client.post(f"/staff/testimonials/{request.pk}/withdraw/")
    assert served(api_client) == []
    for outsider in (None, customer):
        response = client_for(outsider).get("/staff/testimonials/")
        assert response.status_code in (302, 403)


def test_the_widget_script_points_at_the_embed(db, client):
    response = client.get("/testimonials/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "/testimonials/embed/" in response.content.decode()
    assert "X-Frame-Options" not in client.get("/testimonials/embed/")
