"""Import contacts from CSV exports of common CRMs.

HubSpot, Salesforce and Pipedrive exports are recognised by their column names; any
other export works with a mapping file (JSON: ``{"email": "E-mail", "plan": "Tier"}``).
Each row is imported on its own: a bad row is skipped and reported with its line
number, and never aborts the good ones. A file that cannot be read at all is refused
whole, with a clear error, before anything is stored.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from frankly.access import require_staff
from frankly.crm.emails import normalise_email
from frankly.crm.models import ContactImport
from frankly.crm.services import ContactData, Outcome, save_contact
from frankly.errors import FranklyError, Invalid

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
FIELDS = (
    "email",
    "name",
    "first_name",
    "last_name",
    "company",
    "plan",
    "value",
    "owner",
    "last_contacted",
    "sales_contact",
)
# Column names as HubSpot, Salesforce and Pipedrive export them (compared lowercased,
# with runs of spaces collapsed), and the common generic spellings.
ALIASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "e-mail",
        "email address",
        "primary email",
        "person - email",
        "person - email - work",
        "person - email - home",
        "person - email - other",
    ),
    "name": ("name", "full name", "contact name", "person - name"),
    "first_name": ("first name", "firstname", "person - first name"),
    "last_name": ("last name", "lastname", "person - last name"),
    "company": (
        "company",
        "company name",
        "account name",
        "account",
        "organization",
        "organization name",
        "person - organization",
    ),
    "plan": ("plan", "subscription plan", "tier", "person - plan"),
    "value": ("value", "mrr", "monthly recurring revenue", "customer value", "person - mrr"),
    "owner": ("owner", "contact owner", "account owner", "owner name", "person - owner"),
    "last_contacted": (
        "last contacted",
        "last contacted date",
        "last contact",
        "last activity",
        "last activity date",
        "person - last activity date",
    ),
    "sales_contact": ("sales contact", "next step", "next action", "person - next action"),
}
# What a "sales contact" / "next step" cell says when the CRM plans to approach someone.
PLANS_CONTACT = re.compile(r"\b(yes|true|call|phone|meeting|demo|outreach|follow[- ]?up)\b", re.I)
DATE_FORMATS = (
    "%m/%d/%Y",  # Salesforce (US)
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%Y/%m/%d",
)


@dataclass
class Columns:
    format: str
    index: dict[str, int]  # field -> column index


def _header_key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().lower().split())


def _detect_format(keys: list[str]) -> str:
    if any(k.startswith("person - ") for k in keys):
        return "pipedrive"
    if "account name" in keys:
        return "salesforce"
    if "record id" in keys or "contact owner" in keys or "company name" in keys:
        return "hubspot"
    return "generic"


def _columns(header: list[str], mapping: dict | None) -> Columns:
    keys = [_header_key(h) for h in header]
    index: dict[str, int] = {}
    if mapping is not None:
        for field, column in mapping.items():
            key = _header_key(column)
            if key not in keys:
                raise Invalid(
                    f"The mapping file names the column '{column}' for {field}, but the CSV "
                    f"has no such column. Its columns are: {', '.join(header)}."
                )
            index[field] = keys.index(key)
        fmt = "mapping"
    else:
        for field, aliases in ALIASES.items():
            for alias in aliases:
                if alias in keys:
                    index[field] = keys.index(alias)
                    break
        fmt = _detect_format(keys)
    if "email" not in index:
        raise Invalid(
            "The file has no email column (looked for 'Email', 'Person - Email' and the like). "
            "Export it with email addresses, or give a mapping file that names the column."
        )
    return Columns(format=fmt, index=index)


def parse_mapping(raw: bytes | None) -> dict | None:
    if not raw:
        return None
    try:
        mapping = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Invalid(
            'The mapping file is not JSON. Write it like {"email": "E-mail", "plan": "Tier"}.'
        ) from None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise Invalid('The mapping file maps field names to column names, like {"email": "Mail"}.')
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise Invalid(
            f"The mapping file names fields Frankly does not know: {', '.join(unknown)}. "
            f"Use some of: {', '.join(FIELDS)}."
        )
    if "email" not in mapping:
        raise Invalid("The mapping file must say which column holds the email address.")
    return mapping


def _decode(data: bytes) -> str:
    if not data.strip():
        raise Invalid("The file is empty. Export the contacts again and upload that file.")
    if len(data) > MAX_BYTES:
        raise Invalid(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB; split it.")
    if b"\x00" in data:
        raise Invalid("The file contains NUL bytes: it is not a CSV text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            "The file is not UTF-8 text. Export it as 'CSV UTF-8' and upload it again."
        ) from None


def _dialect(text: str):
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def parse_value(raw: str) -> Decimal | None:
    text = re.sub(r"[\s$€£¥]|USD|EUR|GBP", "", raw or "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d{1,2}", text):
        text = text.replace(",", ".")  # a decimal comma: 49,50
    else:
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"the value '{raw.strip()[:40]}' is not an amount") from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ValueError(f"the value '{raw.strip()[:40]}' is not an amount")
    return value.quantize(Decimal("0.01"))


def parse_date(raw: str) -> datetime | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace(" UTC", "").replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(f"the date '{text[:40]}' is not a date (use 2024-03-01)")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _row_data(cells: list[str], columns: Columns) -> tuple[str, ContactData]:
    def cell(field: str) -> str | None:
        i = columns.index.get(field)
        if i is None:
            return None
        return cells[i].strip() if i < len(cells) else ""

    email = cell("email") or ""
    name = cell("name")
    if not name and (cell("first_name") or cell("last_name")):
        name = " ".join(p for p in (cell("first_name"), cell("last_name")) if p)
    sales = cell("sales_contact")
    data = ContactData(
        name=name[:200] if name else None,
        company_name=(cell("company") or None) and cell("company")[:200],
        plan=(cell("plan") or None) and cell("plan")[:100],
        value=parse_value(cell("value") or ""),
        owner=(cell("owner") or None) and cell("owner")[:200],
        last_contacted_at=parse_date(cell("last_contacted") or ""),
        plans_sales_contact=None if sales is None else bool(PLANS_CONTACT.search(sales)),
    )
    return email, data


def import_contacts(
    *, actor=None, filename: str, data: bytes, mapping: bytes | None = None
) -> ContactImport:
    """Import every good row of a CRM's CSV export and report the rest with line numbers.

    Re-importing the same file updates contacts (matched by normalised email) instead
    of duplicating them. ``actor`` is the staff member uploading; the command line
    passes None (whoever runs it already controls the server).
    """
    if actor is not None:
        require_staff(actor)
    mapping_dict = parse_mapping(mapping)
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(c.strip() for c in header):
            header = next(reader, None)
        if header is None:
            raise Invalid("The file has no header row. Export it with column names.")
        columns = _columns(header, mapping_dict)
        report = ContactImport(filename=filename[:255], imported_by=actor, format=columns.format)
        seen: dict[str, int] = {}
        with transaction.atomic():
            line = reader.line_num
            for cells in reader:
                start, line = line + 1, reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if start - 1 > MAX_ROWS:
                    raise Invalid(f"The file has more than {MAX_ROWS} rows; split it.")
                _import_row(report, cells, columns, start, seen)
            report.save()
    except csv.Error as exc:
        raise Invalid(
            f"The file is not valid CSV near line {reader.line_num}: {exc}. "
            "Check for a quote that is never closed."
        ) from None
    return report


def _skip(report: ContactImport, line: int, email: str, reason: str) -> None:
    report.skipped += 1
    report.problems.append({"line": line, "email": email[:254], "reason": reason})


def _import_row(report, cells, columns, line: int, seen: dict) -> None:
    raw_email = ""
    try:
        raw_email, data = _row_data(cells, columns)
        email = normalise_email(raw_email)
    except ValueError as exc:
        _skip(report, line, raw_email, f"{str(exc).capitalize()}.")
        return
    if email in seen:
        _skip(report, line, email, f"The same email is on line {seen[email]}; that row counts.")
        return
    seen[email] = line
    try:
        with transaction.atomic():
            _, outcome = save_contact(email=email, data=data)
    except FranklyError as exc:
        _skip(report, line, email, exc.message)
        return
    if outcome == Outcome.ADDED:
        report.added += 1
    elif outcome == Outcome.UPDATED:
        report.updated += 1
    else:
        report.unchanged += 1
