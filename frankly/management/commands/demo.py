"""`frankly demo`: fill an empty board with the feedback of "Acme Cloud", a made-up host.

Every write goes through the service functions, so counters, follows and status
records are exactly what the app itself would produce. Timestamps are then moved
into the past (about four months) so the board looks lived-in, and each post's
trending score is recomputed from its real votes.

Running it again changes nothing; on a board that already holds real posts it adds
nothing either, so `make run` can never mix made-up feedback into real feedback.
The text lives in frankly/demo/content.py.
"""

import random
from collections.abc import Iterable

from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from frankly.accounts.models import User
from frankly.demo.builder import DemoBuilder
from frankly.demo.content import (
    ADMIN_EMAIL,
    CUSTOMER_EMAIL,
    DEMO_EMAILS,
    PASSWORD,
    SEED,
    STAFF_EMAIL,
    TAGS,
)
from frankly.errors import FranklyError
from frankly.feedback.models import Comment, Kind, OfficialResponse, Post, StatusChange, Vote

PLURAL = {
    Kind.IDEA: "ideas",
    Kind.PROBLEM: "problems",
    Kind.QUESTION: "questions",
    Kind.PRAISE: "praise",
}


class Command(BaseCommand):
    help = "Fill an empty board with demo data (Acme Cloud). Running it again changes nothing."

    def handle(self, *args, **options):
        if Post.objects.filter(author__email__in=DEMO_EMAILS).exists():
            self.stdout.write(
                f"The demo data is already there ({Post.objects.count()} posts); nothing was added."
            )
            self._print_logins()
            return
        if Post.objects.exists():
            self.stdout.write(
                f"This board already has {Post.objects.count()} posts, so the demo was not added: "
                "it only fills an empty board, so made-up feedback never mixes with real feedback."
            )
            return
        try:
            with transaction.atomic():
                kept = DemoBuilder(random.Random(SEED)).build()
        except FranklyError as exc:
            raise CommandError(f"The demo data could not be created: {exc.message}") from exc
        self._print_summary()
        self._print_logins(kept=kept)

    def _print_summary(self) -> None:
        kinds = dict(Post.objects.values_list("kind").annotate(n=Count("id")))
        people = User.objects.filter(email__in=DEMO_EMAILS)
        out = self.stdout.write
        out("Created the Acme Cloud demo board:")
        out(
            f"  {people.count()} people: {people.filter(is_staff=False).count()} customers, "
            f"{people.filter(is_staff=True, is_superuser=False).count()} staff, "
            f"{people.filter(is_superuser=True).count()} admin"
        )
        out(
            f"  {Post.objects.count()} posts ("
            + ", ".join(f"{kinds.get(kind, 0)} {PLURAL[kind]}" for kind in Kind.values)
            + f"), {len(TAGS)} tags"
        )
        out(
            f"  {Vote.objects.count()} votes, {Comment.objects.count()} comments, "
            f"{StatusChange.objects.count()} status changes, "
            f"{OfficialResponse.objects.count()} official responses"
        )
        out(
            f"  {Post.objects.filter(merged_into__isnull=False).count()} duplicates merged, "
            f"{Post.objects.filter(accepted_comment__isnull=False).count()} accepted answers"
        )
        out("")

    def _print_logins(self, *, kept: Iterable[str] = ()) -> None:
        out = self.stdout.write
        out(f'Every demo account has the password "{PASSWORD}".')
        out(f"Log in as a customer: {CUSTOMER_EMAIL} / {PASSWORD}")
        out(f"Log in as staff: {STAFF_EMAIL} / {PASSWORD}")
        out(f"Log in as admin: {ADMIN_EMAIL} / {PASSWORD}")
        for email in kept:
            out(f"({email} existed before the demo; its password was left unchanged.)")
