"""Keyset (cursor) pagination.

A cursor is the sort key of the last row of a page, base64 JSON. The next page is
the rows strictly after it in the same order, so pages stay stable when rows are
added, and page 1,000 costs what page 1 costs (an index seek, not an OFFSET scan).
"""

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet

from frankly.errors import Invalid

BAD_CURSOR = "That page cursor is not valid. Start again from the first page."
MAX_CURSOR_LENGTH = 500  # real cursors are well under 200 characters


@dataclass(frozen=True)
class Key:
    """One column of a sort: its name and whether it runs descending."""

    field: str
    descending: bool = True

    @property
    def order_by(self) -> str:
        return f"-{self.field}" if self.descending else self.field


@dataclass
class Page:
    items: list
    next: str | None


def _encode(values: list[Any]) -> str:
    plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, keys: list[Key]) -> list[Any]:
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
        if not isinstance(plain, list) or len(plain) != len(keys):
            raise ValueError("wrong length")
        values = []
        for v in plain:
            if isinstance(v, dict):
                values.append(datetime.fromisoformat(v["t"]))
            elif isinstance(v, (int, float, str)) and not isinstance(v, bool):
                values.append(v)
            else:
                raise ValueError("bad value")
        return values
    except (
        ValueError,
        KeyError,
        TypeError,
        RecursionError,
        binascii.Error,
        UnicodeDecodeError,
    ) as exc:
        raise Invalid(BAD_CURSOR, field="cursor") from exc


def _fits(field, value: Any) -> bool:
    """Whether a decoded cursor value can be compared with ``field`` in SQL.

    A cursor comes from the client, so it may be well-formed JSON of the wrong
    type (a date where a count belongs); the database must never see that.
    """
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        if not isinstance(value, datetime) or value.tzinfo is None:
            return False
        try:
            value.astimezone(UTC)
        except OverflowError:
            return False
        return True
    if kind.endswith("IntegerField") or kind.endswith("AutoField"):
        return isinstance(value, int) and -(2**63) <= value < 2**63
    if kind in ("FloatField", "DecimalField"):
        return isinstance(value, (int, float)) and math.isfinite(value)
    return isinstance(value, str) and "\x00" not in value


def _check(queryset: QuerySet, keys: list[Key], values: list[Any]) -> None:
    for key, value in zip(keys, values, strict=True):
        annotation = queryset.query.annotations.get(key.field)
        if annotation is not None:
            field = annotation.output_field
        else:
            field = queryset.model._meta.get_field(key.field)
        if not _fits(field, value):
            raise Invalid(BAD_CURSOR, field="cursor")


def _after(keys: list[Key], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the order of ``keys``.

    ``a < x OR (a = x AND b < y)``, led by ``a <= x``: the same rows, but the lead
    is a plain range on the first key that both databases seek in its index. Without
    it they read from the start of the index and filter (page 1,000 of the board
    cost 2x page 1 on SQLite and 8x on PostgreSQL).
    """
    condition = Q()
    for i in reversed(range(len(keys))):
        key, value = keys[i], values[i]
        beyond = Q(**{f"{key.field}__{'lt' if key.descending else 'gt'}": value})
        if i == len(keys) - 1:
            condition = beyond
        else:
            condition = beyond | (Q(**{key.field: value}) & condition)
    if len(keys) > 1:
        first, value = keys[0], values[0]
        condition = Q(**{f"{first.field}__{'lte' if first.descending else 'gte'}": value}) & (
            condition
        )
    return condition


def paginate(queryset: QuerySet, *, keys: list[Key], cursor: str | None, limit: int) -> Page:
    """One page of ``queryset`` ordered by ``keys`` (the last key must be unique)."""
    queryset = queryset.order_by(*[k.order_by for k in keys])
    if cursor:
        values = _decode(cursor, keys)
        _check(queryset, keys, values)
        queryset = queryset.filter(_after(keys, values))
    rows = list(queryset[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = _encode([getattr(last, k.field) for k in keys])
    return Page(items=rows, next=next_cursor)
