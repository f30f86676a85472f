"""The OpenAPI document names each schema once: two schema classes with one name
would be merged into one component, and clients would be told the wrong shape."""

from collections import Counter

from ninja import Schema

import frankly.api  # noqa: F401 (loads every router and its schemas)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_api_schema_class_has_its_own_name():
    ours = {c for c in _subclasses(Schema) if c.__module__.startswith("frankly.")}
    counts = Counter(c.__name__ for c in ours)
    clashes = {
        name: sorted(c.__module__ for c in ours if c.__name__ == name)
        for name, n in counts.items()
        if n > 1
    }
    assert not clashes, f"Schema names used twice (rename one): {clashes}"


def test_post_comments_are_documented_with_the_post_comment_shape(client):
    document = client.get("/api/v1/openapi.json").json()
    ok = document["paths"]["/api/v1/posts/{post_id}/comments"]["get"]["responses"]["200"]
    list_ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    item_ref = document["components"]["schemas"][list_ref]["properties"]["items"]["items"]["$ref"]
    comment = document["components"]["schemas"][item_ref.rsplit("/", 1)[-1]]
    assert "post" in comment["required"]
    assert "entry" not in comment["properties"]
