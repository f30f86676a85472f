from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.validators import validate_email

from frankly.accounts.services import create_staff


class Command(BaseCommand):
    help = "Make EMAIL a staff member (creating the account when needed)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="Display name for a new account.")
        parser.add_argument(
            "--password", default=None, help="Set this password (otherwise use 'reset password')."
        )
        parser.add_argument("--admin", action="store_true", help="Also make them an admin.")

    def handle(self, *args, email, name, password, admin, **options):
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"'{email}' is not an email address.") from exc
        user = create_staff(email=email, display_name=name, password=password, is_admin=admin)
        role = "an admin" if user.is_superuser else "staff"
        self.stdout.write(f"{user.email} is {role} now.")
