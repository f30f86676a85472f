"""Turn Django model validation into Frankly's ``Invalid`` with a readable message."""

from django.core.exceptions import ValidationError

from frankly.errors import Invalid


def full_clean_or_invalid(instance, *, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            message = " ".join(m for e in errors for m in e.messages)
            raise Invalid(message, field=None if field == "__all__" else field) from exc
        raise Invalid(" ".join(exc.messages)) from exc


def refuse_nul(text: str, *, field: str, what: str) -> None:
    # Django's form fields refuse NUL; the API does not use forms, and PostgreSQL
    # cannot store NUL in text, so the rule lives here for every caller.
    if "\x00" in text:
        raise Invalid(
            f"The {what} contains a NUL character (\\0), which cannot be stored. Remove it.",
            field=field,
        )


MAX_ID = 2**63 - 1


def is_valid_id(value) -> bool:
    """An id the database can hold (a larger one would overflow, not just miss)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def parse_id(value) -> int | None:
    """An id from a form or JSON value ("12" or 12), or None when it cannot be one."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    return value if is_valid_id(value) else None
