"""Plays the demo content through the service functions, then moves it into the past."""

import random
import textwrap
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from frankly.accounts.models import User
from frankly.accounts.services import create_staff
from frankly.demo.changelog import build_changelog_demo
from frankly.demo.content import (
    CUSTOMERS,
    DAYS,
    PASSWORD,
    POSTS,
    RULES,
    SPAM_COMMENT,
    STAFF,
    TAGS,
    TYPICAL_GAP,
    Accept,
    MergeInto,
    Move,
    Reply,
    Respond,
    Say,
    Seed,
)
from frankly.demo.status import build_status_demo
from frankly.feedback import services, trending
from frankly.feedback.models import Comment, Follow, OfficialResponse, Post, StatusChange, Tag, Vote
from frankly.transparency import moderation, rules
from frankly.transparency.models import Rule


def _text(text: str) -> str:
    return textwrap.dedent(text).strip()


class DemoBuilder:
    """Creates the demo through the services, then moves its history into the past."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = timezone.now()
        self.people: dict[str, User] = {}
        self.posts: dict[str, Post] = {}
        self.last_activity: dict[int, datetime] = {}
        self.kept: list[str] = []

    def build(self) -> list[str]:
        """Create everything; return the emails of accounts that existed already."""
        hashed = make_password(PASSWORD)  # once: hashing is deliberately slow
        for key, (email, name, is_admin) in STAFF.items():
            existed = User.objects.filter(email__iexact=email).exists()
            user = create_staff(email=email, display_name=name, is_admin=is_admin)
            self._settle_account(user, existed=existed, hashed=hashed)
            self.people[key] = user
        for key, (email, name) in CUSTOMERS.items():
            user = User.objects.filter(email__iexact=email).first()
            existed = user is not None
            if user is None:
                user = User.objects.create_user(email=email, display_name=name)
            self._settle_account(user, existed=existed, hashed=hashed)
            self.people[key] = user
        for name, description in TAGS:
            if not Tag.objects.filter(slug=slugify(name)).exists():  # staff may have made it
                services.create_tag(actor=self.people["morgan"], name=name, description=description)
        for seed in POSTS:
            self._play(seed)
        self._finish_posts()
        self._moderate()
        build_changelog_demo(
            staff=self.people["dana"], customers=[self.people[key] for key in sorted(CUSTOMERS)]
        )
        build_status_demo(
            staff=self.people["dana"],
            customers=[self.people[key] for key in sorted(CUSTOMERS)[:6]],
        )
        self._consent()
        return self.kept

    def _consent(self) -> None:
        """One quote a customer agreed to show, one request still waiting, and some
        contact preferences, so the consent pages have something real on them."""
        from frankly.accounts import contact, testimonials

        staff = self.people["dana"]
        praise = list(Post.objects.filter(kind="praise", author__isnull=False).order_by("pk")[:2])
        until = timezone.localdate() + timedelta(days=180)
        for index, post in enumerate(praise):
            first_sentence = post.body.split(". ")[0].strip().rstrip(".") + "."
            request = testimonials.request_testimonial(
                actor=staff,
                object_type="post",
                object_id=post.pk,
                quote=first_sentence if first_sentence in post.body else post.title,
                placement="the Acme Cloud home page",
                until=until,
            )
            if index == 0:
                testimonials.decide_testimonial(
                    actor=post.author, request_id=request.pk, decision="accept"
                )
        for key in sorted(CUSTOMERS)[:3]:
            contact.set_contact_preferences(
                user=self.people[key], product_news=True, sales_contact="when_asked"
            )

    def _moderate(self) -> None:
        """Community rules, one spam comment hidden under them, one locked thread."""
        staff = self.people["dana"]
        created = {}
        for title, description in RULES:
            existing = Rule.objects.filter(title=title).first()
            created[title] = existing or rules.create_rule(
                actor=self.people["morgan"], title=title, description=description
            )
        target = (
            Post.objects.filter(merged_into__isnull=True, hidden_by__isnull=True)
            .order_by("-vote_count", "pk")
            .first()
        )
        spammer = self.people[sorted(CUSTOMERS)[-1]]
        spam = services.add_comment(author=spammer, post_id=target.pk, body=SPAM_COMMENT)
        moderation.hide_content(
            actor=staff,
            object_type="comment",
            object_id=spam.pk,
            rule_id=created["No spam or advertising"].pk,
            reason="Advertising for another hosting company.",
        )
        heated = Post.objects.filter(kind="problem", status="done").order_by("pk").first()
        if heated is not None:
            moderation.set_lock(
                actor=staff,
                post_id=heated.pk,
                locked=True,
                reason="The problem is fixed; new reports are welcome as new posts.",
            )

    def _settle_account(self, user: User, *, existed: bool, hashed: str) -> None:
        if existed:
            self.kept.append(user.email)
            return
        joined = self.now - timedelta(days=self.rng.uniform(DAYS + 5, DAYS + 90))
        User.objects.filter(pk=user.pk).update(password=hashed, date_joined=joined)

    def _moments(self, start: datetime, steps: tuple) -> list[datetime]:
        """When each step happened: typical gaps, squeezed to fit before now."""
        gaps = [TYPICAL_GAP[type(step)] * self.rng.expovariate(1.0) for step in steps]
        room = (self.now - start) / timedelta(days=1) * 0.9
        scale = min(1.0, room / sum(gaps)) if gaps else 1.0
        moments, moment = [], start
        for gap in gaps:
            moment += timedelta(days=gap * scale)
            moments.append(moment)
        return moments

    def _touch(self, post: Post, when: datetime) -> None:
        self.last_activity[post.pk] = max(self.last_activity[post.pk], when)

    def _backdate_follow(self, user: User, post: Post, when: datetime) -> None:
        Follow.objects.filter(user=user, post=post, created_at__gt=when).update(created_at=when)

    def _play(self, seed: Seed) -> None:
        author = self.people[seed.by]
        post = services.create_post(
            author=author,
            kind=seed.kind,
            title=seed.title,
            body=_text(seed.body),
            tags=seed.tags,
        )
        created = self.now - timedelta(days=seed.age, minutes=self.rng.randint(5, 600))
        Post.objects.filter(pk=post.pk).update(created_at=created)
        self._backdate_follow(author, post, created)
        post.created_at = created
        self.last_activity[post.pk] = created
        if seed.key:
            self.posts[seed.key] = post

        moments = self._moments(created, seed.steps)
        merge_at = next(
            (m for s, m in zip(seed.steps, moments, strict=True) if isinstance(s, MergeInto)),
            None,
        )
        self._vote(post, seed, until=merge_at or self.now - timedelta(minutes=2))

        comments: list[Comment] = []
        for step, when in zip(seed.steps, moments, strict=True):
            self._do(step, when, post=post, comments=comments, asker=author)

    def _vote(self, post: Post, seed: Seed, *, until: datetime) -> None:
        candidates = [key for key in CUSTOMERS if key != seed.by]
        span = until - post.created_at
        for key in self.rng.sample(candidates, min(seed.votes, len(candidates))):
            voter = self.people[key]
            when = post.created_at + span * self.rng.random() ** 1.5  # most votes come early
            services.add_vote(user=voter, post_id=post.pk)
            Vote.objects.filter(user=voter, post=post).update(created_at=when)
            self._backdate_follow(voter, post, when)

    def _do(self, step, when: datetime, *, post: Post, comments: list, asker: User) -> None:
        match step:
            case Say(by=by, text=text) | Reply(by=by, text=text):
                parent_id = None
                if isinstance(step, Reply):
                    if step.to is not None:
                        parent_id = comments[step.to].pk
                    else:
                        parent_id = next(c.pk for c in reversed(comments) if c.parent_id is None)
                comment = services.add_comment(
                    author=self.people[by], post_id=post.pk, body=_text(text), parent_id=parent_id
                )
                Comment.objects.filter(pk=comment.pk).update(created_at=when)
                self._backdate_follow(self.people[by], post, when)
                comments.append(comment)
                self._touch(post, when)
            case Move(to=status, note=note, by=by):
                change = services.change_status(
                    actor=self.people[by], post_id=post.pk, status=status, note=_text(note)
                )
                StatusChange.objects.filter(pk=change.pk).update(created_at=when)
                self._touch(post, when)
            case Respond(text=text, by=by):
                response = services.set_official_response(
                    actor=self.people[by], post_id=post.pk, body=_text(text)
                )
                OfficialResponse.objects.filter(pk=response.pk).update(created_at=when)
                self._touch(post, when)
            case Accept(comment=index):
                services.accept_answer(actor=asker, post_id=post.pk, comment_id=comments[index].pk)
            case MergeInto(key=key, by=by):
                original = self.posts[key]
                followers = list(
                    Follow.objects.filter(post=original).values_list("user_id", flat=True)
                )
                services.merge_posts(
                    actor=self.people[by], duplicate_id=post.pk, original_id=original.pk
                )
                Post.objects.filter(pk=post.pk).update(merged_at=when)
                # The followers the merge brought over started following at the merge.
                Follow.objects.filter(post=original).exclude(user_id__in=followers).update(
                    created_at=when
                )
                self._touch(original, when)
            case _:
                raise TypeError(f"Unknown demo step {step!r}")

    def _finish_posts(self) -> None:
        """Last activity from the back-dated history; trending from the real votes."""
        for post in Post.objects.only("pk", "created_at"):
            times = list(Vote.objects.filter(post=post).values_list("created_at", flat=True))
            Post.objects.filter(pk=post.pk).update(
                last_activity_at=self.last_activity[post.pk],
                trending=trending.from_scratch(post.created_at, times),
            )
