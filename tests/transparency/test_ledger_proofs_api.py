"""The ledger's proofs and C2SP checkpoint over HTTP, checked the way an outsider
would: an independent few-line signed-note verifier, and the RFC 9162 verifiers."""

import base64
import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from frankly.transparency import merkle, signing
from frankly.transparency.canonical import entry_bytes
from frankly.transparency.ledger import entry_as_dict
from tests.transparency.support import append_many, use_own_signing_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(monkeypatch):
    yield use_own_signing_key(monkeypatch)
    signing.private_key.cache_clear()


def independent_note_verify(text: str, vkey: str) -> tuple[str, int, bytes]:
    """A signed-note checkpoint verifier written from c2sp.org/signed-note alone."""
    name, key_hash, key_b64 = vkey.split("+", 2)  # the base64 may hold "+" too
    key = base64.b64decode(key_b64)
    assert key[0] == 1  # Ed25519
    assert hashlib.sha256(name.encode() + b"\n" + key).digest()[:4].hex() == key_hash
    body, signatures = text.split("\n\n", 1)
    for line in signatures.splitlines():
        signer, blob = line.removeprefix("\u2014 ").split(" ")
        raw = base64.b64decode(blob)
        if signer == name and raw[:4].hex() == key_hash:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(raw[4:], (body + "\n").encode())
            origin, size, root = body.split("\n")[:3]
            return origin, int(size), base64.b64decode(root)
    raise AssertionError("no signature by the key")


def test_the_checkpoint_is_a_c2sp_signed_note_that_an_independent_verifier_accepts(client):
    entries = append_many(5)
    response = client.get("/api/v1/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    key = client.get("/api/v1/ledger/key").json()
    origin, size, root = independent_note_verify(text, key["note_verifier_key"])
    assert (origin, size) == (key["origin"], 5)
    leaves = [merkle.leaf_hash(entry_bytes(entry_as_dict(e))) for e in entries]
    assert root == merkle.range_hash(0, 5, _node_from(leaves))
    assert text.splitlines()[:3] == [origin, "5", base64.b64encode(root).decode()]

    # One changed byte in the body and the signature no longer holds.
    forged = text.replace("\n5\n", "\n6\n", 1)
    with pytest.raises(InvalidSignature):
        independent_note_verify(forged, key["note_verifier_key"])


def _node_from(leaves):
    stored = {}
    for index, leaf in enumerate(leaves):
        for level, position, digest in merkle.completed_nodes(
            index, leaf, lambda lv, ix: stored[(lv, ix)]
        ):
            stored[(level, position)] = digest
    return lambda lv, ix: stored[(lv, ix)]


def test_the_json_checkpoint_is_kept_and_names_the_tree_head(client):
    append_many(3)
    for kwargs in ({"headers": {"Accept": "application/json"}}, {}):
        url = "/api/v1/ledger/checkpoint" + ("" if kwargs else "?format=json")
        checkpoint = client.get(url, **kwargs).json()
        assert checkpoint["seq"] == checkpoint["tree_size"] == 3
        assert checkpoint["note"].split("\n")[1] == "3"
        assert base64.b64decode(checkpoint["note"].split("\n")[2]).hex() == checkpoint["root_hash"]


def test_an_inclusion_proof_over_http_proves_an_entry_in_the_signed_root(client):
    append_many(13)
    checkpoint = client.get("/api/v1/ledger/checkpoint?format=json").json()
    entry = client.get("/api/v1/ledger/entries?after=6&limit=1").json()["items"][0]
    proof = client.get("/api/v1/ledger/proof/inclusion?seq=7&size=13").json()
    leaf = merkle.leaf_hash(entry_bytes(entry))
    assert proof["leaf_hash"] == leaf.hex()
    assert merkle.verify_inclusion(
        leaf,
        6,
        13,
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(checkpoint["root_hash"]),
    )
    # Without a size, the latest signed tree is meant.
    assert client.get("/api/v1/ledger/proof/inclusion?seq=7").json() == proof


def test_a_consistency_proof_over_http_links_two_signed_roots(client):
    append_many(5)
    old = client.get("/api/v1/ledger/checkpoint?format=json").json()
    append_many(4)
    new = client.get("/api/v1/ledger/checkpoint?format=json").json()
    proof = client.get("/api/v1/ledger/proof/consistency?from=5&to=9").json()
    assert (proof["from"], proof["to"]) == (5, 9)
    assert merkle.verify_consistency(
        5,
        9,
        bytes.fromhex(old["root_hash"]),
        bytes.fromhex(new["root_hash"]),
        [bytes.fromhex(h) for h in proof["proof"]],
    )


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("seq=0&size=3", "seq", "from 1 to the tree size 3"),
        ("seq=4&size=3", "seq", "not in that tree"),
        ("seq=1&size=4", "size", "from 1 to 3"),
        ("seq=1&size=0", "size", "from 1 to 3"),
        ("seq=1&size=-5", "size", "from 1 to 3"),
    ],
)
def test_bad_inclusion_ranges_are_a_clear_422(client, query, field, words):
    append_many(3)
    response = client.get(f"/api/v1/ledger/proof/inclusion?{query}")
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("from=0&to=3", "`from` must be from 1 to `to` (3)"),
        ("from=3&to=2", "`from` must be from 1 to `to` (2)"),
        ("from=1&to=9", "`to` must be a tree size from 1 to 3"),
    ],
)
def test_bad_consistency_ranges_are_a_clear_422(client, query, words):
    append_many(3)
    response = client.get(f"/api/v1/ledger/proof/consistency?{query}")
    assert response.status_code == 422
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/ledger/proof/inclusion?seq=x",
        "/api/v1/ledger/proof/inclusion",
        "/api/v1/ledger/proof/consistency?from=1",
        "/api/v1/ledger/proof/consistency?from=a&to=2",
    ],
)
def test_missing_or_non_numeric_parameters_are_a_4xx_with_detail(client, url):
    append_many(2)
    response = client.get(url)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_proofs_on_an_empty_ledger_say_it_is_empty(client):
    response = client.get("/api/v1/ledger/proof/inclusion?seq=1")
    assert response.status_code == 404
    assert "empty" in response.json()["detail"]
    response = client.get("/api/v1/ledger/proof/consistency?from=1&to=1")
    assert response.status_code == 422
