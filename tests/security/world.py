"""One of everything a write can touch, made through the services as people would.

Each piece is made the first time a test asks for it (with what it depends on), so
a test that needs only a post does not pay for an incident and a webhook too.
"""

from datetime import timedelta
from functools import cached_property

from django.utils import timezone

from frankly.feedback import services as feedback
from frankly.incidents import services as incidents
from frankly.notify import webhook_admin
from frankly.notify.models import DeliveryStatus, WebhookDelivery
from frankly.roadmap import services as roadmap
from frankly.transparency import moderation, rules


class World:
    def __init__(self, people: dict, *, text: str = ""):
        """``people`` maps persona names to users; ``text`` goes into every text field."""
        self.people = people
        self.text = text
        self.extra = f" {text}" if text else ""
        self.customer = people["customer"]
        self.other = people["other_customer"]
        self.staff = people["staff"]

    def everything(self) -> "World":
        for name in dir(type(self)):
            if isinstance(getattr(type(self), name), cached_property):
                getattr(self, name)
        return self

    @cached_property
    def post(self):
        """The customer's idea."""
        return feedback.create_post(
            author=self.customer,
            kind="idea",
            title=f"Dark mode{self.extra}",
            body=f"Please{self.extra}",
            tags=(),
        )

    @cached_property
    def comment(self):
        """The customer's comment on their idea."""
        return feedback.add_comment(
            author=self.customer, post_id=self.post.pk, body=f"Me too{self.extra}"
        )

    @cached_property
    def target(self):
        """Another customer's idea, with a comment of theirs."""
        target = feedback.create_post(
            author=self.other,
            kind="idea",
            title=f"Night theme{self.extra}",
            body=f"Same{self.extra}",
            tags=(),
        )
        feedback.add_comment(author=self.other, post_id=target.pk, body=f"Agreed{self.extra}")
        return target

    @cached_property
    def rule(self):
        return rules.create_rule(
            actor=self.staff, title=f"Be kind{self.extra}"[:80], description=f"Always{self.extra}"
        )

    def _hidden_comment(self, body: str):
        comment = feedback.add_comment(author=self.customer, post_id=self.post.pk, body=body)
        moderation.hide_content(
            actor=self.staff,
            object_type="comment",
            object_id=comment.pk,
            rule_id=self.rule.pk,
            reason=f"Rude{self.extra}",
        )
        return comment

    @cached_property
    def hidden(self):
        """The customer's comment, hidden by staff, not appealed."""
        return self._hidden_comment(f"Rude words{self.extra}")

    @cached_property
    def appeal(self):
        """The customer's appeal against another hidden comment of theirs."""
        appealed = self._hidden_comment(f"Harsh{self.extra}")
        return moderation.appeal_hiding(
            author=self.customer,
            object_type="comment",
            object_id=appealed.pk,
            message=f"Unfair{self.extra}",
        )

    @cached_property
    def component(self):
        return incidents.create_component(
            actor=self.staff, name=f"API{self.extra}", description=self.text
        )

    @cached_property
    def private_page(self):
        """A private status page the customer is a member of, with its own component."""
        from frankly.incidents import private_pages

        page = private_pages.create_private_page(
            actor=self.staff,
            name=f"Dedicated region{self.extra}",
            slug="dedicated-region",
            member_emails=[self.customer.email],
        )
        incidents.create_component(actor=self.staff, name=f"DC{self.extra}", private_page=page.slug)
        return page

    @cached_property
    def incident(self):
        """An open incident on the component."""
        return incidents.open_incident(
            actor=self.staff,
            title=f"Slow pages{self.extra}",
            impact="minor",
            body=f"Looking{self.extra}",
            components=[self.component.pk],
        )

    @cached_property
    def resolved_incident(self):
        incident = incidents.open_incident(
            actor=self.staff,
            title=f"Errors{self.extra}",
            impact="major",
            body=f"Looking{self.extra}",
            components=[self.component.pk],
        )
        incidents.post_incident_update(
            actor=self.staff, incident_id=incident.pk, state="resolved", body=f"Fixed{self.extra}"
        )
        return incident

    @cached_property
    def draft(self):
        return roadmap.create_entry(
            actor=self.staff, title=f"Draft{self.extra}", body=f"Soon{self.extra}"
        )

    @cached_property
    def entry(self):
        """A published changelog entry with a comment."""
        entry = roadmap.create_entry(
            actor=self.staff,
            title=f"Dark mode ships{self.extra}",
            body=f"Done{self.extra}",
            post_ids=[self.post.pk],
            publish=True,
        )
        roadmap.add_entry_comment(author=self.other, entry_id=entry.pk, body=f"Thanks{self.extra}")
        return entry

    @cached_property
    def endpoint(self):
        return webhook_admin.register_endpoint(
            actor=self.staff,
            url="http://127.0.0.1:9/hook",
            events=["post.created"],
            description=self.text,
        )

    @cached_property
    def delivery(self):
        """A failed webhook delivery, waiting for staff to send it again."""
        return WebhookDelivery.objects.create(
            endpoint=self.endpoint,
            event="post.created",
            event_id="matrix-1",
            payload={"id": 1},
            status=DeliveryStatus.FAILED,
            next_attempt_at=timezone.now() + timedelta(days=1),
        )

    @cached_property
    def question(self):
        return feedback.create_post(
            author=self.customer,
            kind="question",
            title=f"How to export?{self.extra}",
            body=self.text,
            tags=(),
        )

    @cached_property
    def answer(self):
        """Another customer's comment on the question."""
        return feedback.add_comment(
            author=self.other, post_id=self.question.pk, body=f"Use the API{self.extra}"
        )

    def _quote_request(self):
        from datetime import date

        from frankly.accounts import testimonials

        return testimonials.request_testimonial(
            actor=self.staff,
            object_type="post",
            object_id=self.post.pk,
            quote=self.post.title,
            placement=f"Homepage{self.extra}",
            until=date.today() + timedelta(days=30),
            message=f"May we?{self.extra}",
        )

    @cached_property
    def quote_request(self):
        """Staff ask the customer to quote their post; not answered yet."""
        return self._quote_request()

    @cached_property
    def accepted_quote(self):
        """A quote of the customer's post they agreed to."""
        from frankly.accounts import testimonials

        request = self._quote_request()
        return testimonials.decide_testimonial(
            actor=self.customer, request_id=request.pk, decision="accept"
        )


def build_world(people: dict, *, text: str = "") -> World:
    return World(people, text=text)
