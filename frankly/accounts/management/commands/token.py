from django.core.management import BaseCommand, CommandError

from frankly.accounts.models import User
from frankly.accounts.services import create_api_token, create_staff


class Command(BaseCommand):
    help = "Manage API tokens. `token create --email E [--staff]` prints a Bearer token."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--email", required=True)
        create.add_argument(
            "--staff",
            action="store_true",
            help="Make the account staff first (created if missing).",
        )
        create.add_argument("--name", default="command line")

    def handle(self, *args, action, email, staff, name, **options):
        if staff:
            user = create_staff(email=email)
        else:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(
                    f"There is no account for {email}. Sign up first, or pass --staff."
                )
        _, token = create_api_token(user=user, name=name)
        self.stdout.write(token)
