from pathlib import Path

from django.core.management import BaseCommand, CommandError

from frankly.crm.importing import import_contacts
from frankly.errors import FranklyError


class Command(BaseCommand):
    help = (
        "Import contacts from a CRM's CSV export (HubSpot, Salesforce, Pipedrive, or any "
        "other with --mapping). Prints what was added, updated and skipped, with line numbers."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument(
            "--mapping",
            help='A JSON file naming the columns, e.g. {"email": "E-mail", "plan": "Tier"}.',
        )

    def handle(self, *args, file, mapping, **options):
        try:
            data = Path(file).read_bytes()
            mapping_data = Path(mapping).read_bytes() if mapping else None
        except OSError as exc:
            raise CommandError(f"Cannot read {exc.filename}: {exc.strerror}.") from exc
        try:
            report = import_contacts(filename=Path(file).name, data=data, mapping=mapping_data)
        except FranklyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{report.filename} ({report.format}): {report.added} added, {report.updated} "
            f"updated, {report.unchanged} unchanged, {report.skipped} skipped."
        )
        for problem in report.problems:
            self.stdout.write(f"  line {problem['line']}: {problem['reason']}")
