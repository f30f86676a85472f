"""Importing CRM exports: three CRMs' shapes, re-imports, bad rows and bad files."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from frankly.crm.importing import import_contacts
from frankly.crm.models import Company, Contact, ContactImport
from frankly.errors import Invalid, NotAllowed
from tests.crm.support import HUBSPOT, OTHER, OTHER_MAPPING, PIPEDRIVE, SALESFORCE


def run(text: str, **kwargs) -> ContactImport:
    return import_contacts(filename="export.csv", data=text.encode("utf-8"), **kwargs)


def problems(report) -> dict[int, str]:
    return {p["line"]: p["reason"] for p in report.problems}


def test_hubspot_export_with_bom_quoted_commas_blank_line_and_a_bad_email(db):
    report = run(HUBSPOT)
    assert report.format == "hubspot"
    assert (report.added, report.updated, report.skipped) == (3, 0, 1)
    assert problems(report) == {4: "'not-an-email' is not an email address."}
    jack = Contact.objects.get(email="jack.jones@acme.example")
    assert jack.name == "Jack Jones"
    assert jack.company_name == "Acme, Inc."
    assert (jack.plan, jack.value, jack.owner) == ("Enterprise", Decimal("1250.00"), "Olga Owner")
    assert jack.last_contacted_at.isoformat() == "2024-03-01T10:15:00+00:00"
    ann = Contact.objects.get(email="ann@acme.example")  # whitespace trimmed
    assert ann.name == "Ann O'Neil, Jr."
    assert ann.company == jack.company
    assert Contact.objects.get(email="fred@gmail.com").company is None


def test_salesforce_export_reports_bad_dates_and_missing_emails_by_line(db):
    report = run(SALESFORCE)
    assert report.format == "salesforce"
    assert (report.added, report.skipped) == (1, 2)
    assert problems(report) == {
        3: "The date '13/45/2024' is not a date (use 2024-03-01).",
        4: "The email is empty.",
    }
    bea = Contact.objects.get()
    assert bea.company.name == "Globex Corporation"
    assert bea.value == Decimal("500.00")
    assert bea.plans_sales_contact is True  # "Call to renew"
    assert bea.last_contacted_at.date().isoformat() == "2024-03-15"


def test_pipedrive_export_with_a_multi_line_cell_counts_lines_right(db):
    report = run(PIPEDRIVE)
    assert report.format == "pipedrive"
    assert report.added == 2
    # Gus's note spans lines 3-4, so Hal's row starts on line 5.
    assert problems(report) == {5: "'hal@@initech.example' is not an email address."}
    assert Contact.objects.get(email="gus@initech.example").owner == "Pat Pipe"


def test_another_crm_works_with_a_mapping_file(db):
    report = run(OTHER, mapping=OTHER_MAPPING)
    assert (report.format, report.added) == ("mapping", 1)
    ivy = Contact.objects.get()
    assert (ivy.name, ivy.plan, ivy.value) == ("Ivy Iris", "Gold", Decimal("42.50"))


def test_reimport_updates_instead_of_duplicating(db):
    run(HUBSPOT)
    again = run(HUBSPOT)
    assert (again.added, again.updated, again.unchanged, again.skipped) == (0, 0, 3, 1)
    changed = run(HUBSPOT.replace("Enterprise", "Platinum"))
    assert (changed.added, changed.updated) == (0, 2)
    assert Contact.objects.count() == 3
    assert Company.objects.count() == 1
    assert Contact.objects.get(email="jack.jones@acme.example").plan == "Platinum"


def test_a_blank_cell_does_not_erase_what_is_stored(db):
    run(HUBSPOT)
    run("Email,Plan,MRR\njack.jones@acme.example,,\n")
    assert Contact.objects.get(email="jack.jones@acme.example").plan == "Enterprise"


def test_the_same_email_twice_in_one_file_keeps_the_first(db):
    report = run("Email,Plan\na@acme.example,Team\nA@ACME.example,Gold\n")
    assert problems(report) == {3: "The same email is on line 2; that row counts."}
    assert Contact.objects.get().plan == "Team"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", "The file is empty"),
        (b"Name,Plan\nJack,Gold\n", "no email column"),
        ("Email,Name\njack@acme.example,J\xf6rg\n".encode("latin-1"), "not UTF-8"),
        (b'Email,Name\njack@acme.example,"never closed\n', "not valid CSV near line"),
        (b"Email\x00,Name\n", "NUL bytes"),
    ],
    ids=["empty", "no-email-column", "latin-1", "unclosed-quote", "nul"],
)
def test_a_malformed_file_is_refused_whole_with_a_clear_error(db, data, text):
    with pytest.raises(Invalid) as error:
        import_contacts(filename="bad.csv", data=data)
    assert text in error.value.message
    assert not Contact.objects.exists()
    assert not ContactImport.objects.exists()


def test_a_bad_mapping_file_is_refused(db):
    with pytest.raises(Invalid, match="no such column"):
        run(OTHER, mapping=b'{"email": "Nope"}')
    with pytest.raises(Invalid, match="not JSON"):
        run(OTHER, mapping=b"email=Mail")
    with pytest.raises(Invalid, match="does not know: colour"):
        run(OTHER, mapping=b'{"email": "Mail", "colour": "Tier"}')


def test_customers_cannot_import(customer):
    with pytest.raises(NotAllowed):
        import_contacts(actor=customer, filename="x.csv", data=b"Email\na@b.example\n")


def test_the_command_imports_a_file_and_prints_the_report(db, tmp_path, capsys):
    path = tmp_path / "hubspot.csv"
    path.write_text(HUBSPOT, encoding="utf-8")
    call_command("import-contacts", str(path))
    out = capsys.readouterr().out
    assert "hubspot.csv (hubspot): 3 added, 0 updated, 0 unchanged, 1 skipped." in out
    assert "line 4: 'not-an-email' is not an email address." in out
    mapping = tmp_path / "map.json"
    mapping.write_bytes(OTHER_MAPPING)
    other = tmp_path / "other.csv"
    other.write_text(OTHER, encoding="utf-8")
    call_command("import-contacts", str(other), "--mapping", str(mapping))
    assert Contact.objects.filter(email="ivy@umbrella.example").exists()


def test_the_command_says_what_is_wrong_with_a_bad_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import-contacts", str(tmp_path / "missing.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import-contacts", str(empty))


def _upload(client, text: bytes, name="hubspot.csv", mapping=None):
    data = {"file": SimpleUploadedFile(name, text, content_type="text/csv")}
    if mapping is not None:
        data["mapping"] = SimpleUploadedFile("map.json", mapping)
    return client.post("/staff/crm/import/", data)


def test_staff_upload_shows_the_report_with_line_numbers(client_for, staff):
    client = client_for(staff)
    assert client.get("/staff/crm/import/").status_code == 200
    response = _upload(client, HUBSPOT.encode())
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "3 added, 0 updated, 0 unchanged, 1 skipped" in body
    assert "<td>4</td><td>not-an-email</td>" in body
    report = ContactImport.objects.get()
    assert report.imported_by == staff
    page = client.get(f"/staff/crm/import/{report.pk}/")
    assert "1 skipped" in page.content.decode()


def test_staff_upload_of_a_bad_file_shows_the_error_and_stores_nothing(client_for, staff):
    response = _upload(client_for(staff), b"Name\nJack\n")
    assert response.status_code == 400
    assert "no email column" in html.unescape(response.content.decode())
    assert not ContactImport.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_import_pages_refuse_non_staff(client_for, customer, who):
    client = client_for(None if who == "anonymous" else customer)
    report = run(HUBSPOT)
    for url in ("/staff/crm/import/", f"/staff/crm/import/{report.pk}/"):
        response = client.get(url)
        assert response.status_code == (302 if who == "anonymous" else 403)
    response = _upload(client, HUBSPOT.replace("Jack", "Jacques").encode())
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert ContactImport.objects.count() == 1


def test_the_import_page_lists_earlier_imports_in_fixed_queries(
    client_for, staff, django_assert_num_queries
):
    for n in range(5):
        run(HUBSPOT.replace("Enterprise", f"Plan {n}"))
    client = client_for(staff)
    client.get("/staff/crm/import/")
    # session, user, imports with their importer, unread count
    with django_assert_num_queries(5):  # incl. the open-alerts count in the staff header
        response = client.get("/staff/crm/import/")
    assert response.content.decode().count("export.csv") == 5
