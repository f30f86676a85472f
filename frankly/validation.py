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
