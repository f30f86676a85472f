"""What every Atom feed of Frankly shares, so each one is valid RFC 4287: the site
named as the feed's author (a feed must have one unless every entry does), entry
ids that are absolute IRIs, the same on every fetch whatever Host the reader used,
and text that XML can hold."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

# Control characters XML 1.0 cannot hold. People can type them into a title or a
# comment; Django's feed writer raises on them, which would take the whole feed down.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(value):
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    if isinstance(value, (list, tuple)):
        return [_xml_safe(v) for v in value]
    return value


class _XmlSafeAtom1Feed(Atom1Feed):
    def __init__(self, *args, **kwargs):
        super().__init__(
            *(_xml_safe(a) for a in args), **{k: _xml_safe(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *(_xml_safe(a) for a in args), **{k: _xml_safe(v) for k, v in kwargs.items()}
        )


def entry_id(path: str) -> str:
    """A permanent id for an entry: the site's canonical URL and a path of its own."""
    return f"{settings.SITE_URL}{path}"


class AtomFeed(Feed):
    feed_type = _XmlSafeAtom1Feed
    item_guid_is_permalink = False

    def author_name(self) -> str:
        return settings.SITE_NAME

    def author_link(self) -> str:
        return f"{settings.SITE_ROOT_URL}/"
