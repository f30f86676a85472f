"""Account emails are written in the language the person chose, not the worker's."""

from frankly.accounts import privacy
from frankly.notify.models import OutboxMessage


def test_the_export_email_speaks_the_persons_language(customer, other_customer, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    customer.language = "de"
    customer.save(update_fields=["language"])
    for person in (customer, other_customer):
        export = privacy.request_export(user=person)
        privacy.prepare_export(export.pk)
    german = OutboxMessage.objects.get(to=customer.email)
    english = OutboxMessage.objects.get(to=other_customer.email)
    assert german.subject.endswith("Ihr Datenexport ist fertig")
    assert "/account/export/" in german.body and "Hallo" in german.body
    assert english.subject.endswith("Your data export is ready")
