"""Reading a running site's ledger from its public API, as any outsider would.

With a state file, the verifier remembers the last signed tree head it trusted (size,
root, the compact range of that tree, the head of the chain and the key). The next
run checks the site's consistency proof from that head to the new one, downloads only
the entries added since, and recomputes the new root from the remembered compact
range: a history rewritten after the first check fails, even if it is re-signed.
"""

import base64
import binascii
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from frankly.transparency import merkle, note, rotation, signing
from frankly.transparency.canonical import GENESIS_HASH, entry_bytes, entry_hash
from frankly.transparency.ledger import Verdict, verify_chain

TIMEOUT = 30


class RemoteError(Exception):
    pass


def _get(base_url: str, path: str, *, text: bool = False, **params) -> dict | str | None:
    url = f"{base_url.rstrip('/')}/api/v1{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise RemoteError(f"{base_url} is not an http(s) address.")
    accept = "text/plain" if text else "application/json"
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read().decode() if text else json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404 and path == "/ledger/checkpoint":
            return None
        raise RemoteError(f"{url} answered HTTP {exc.code}.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RemoteError(f"Could not reach {url}: {exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RemoteError(f"{url} did not answer with JSON.") from exc
    except http.client.HTTPException as exc:
        raise RemoteError(f"{url} broke off its answer: {exc!r}") from exc


def _entries(base_url: str, *, after: int = 0) -> Iterator[dict]:
    while True:
        page = _get(base_url, "/ledger/entries", after=after, limit=1000)
        if not isinstance(page, dict) or not isinstance(page.get("items"), list):
            raise RemoteError("The ledger API answered in an unexpected shape.")
        for item in page["items"]:
            if not isinstance(item, dict):
                raise RemoteError("The ledger API returned an entry that is not an object.")
            yield item
        following = page.get("next")
        if following is None:
            return
        if not isinstance(following, int) or isinstance(following, bool) or following <= after:
            raise RemoteError("The ledger API's `next` does not move forward; stopping.")
        after = following


def _public_key(base_url: str) -> tuple[bytes, str]:
    public_key, origin, _ = _key_document(base_url)
    return public_key, origin


def _key_document(base_url: str) -> tuple[bytes, str, list]:
    key = _get(base_url, "/ledger/key") or {}
    if not isinstance(key, dict):
        raise RemoteError("The key endpoint answered in an unexpected shape.")
    try:
        public_key = base64.b64decode(key.get("public_key", ""), validate=True)
    except (binascii.Error, TypeError) as exc:
        raise RemoteError("The published key is not valid base64.") from exc
    origin = key.get("origin", "")
    rotations = key.get("rotations", [])
    return (
        public_key,
        origin if isinstance(origin, str) else "",
        rotations if isinstance(rotations, list) else [],
    )


def _entry(base_url: str, seq: int) -> dict:
    page = _get(base_url, "/ledger/entries", after=seq - 1, limit=1)
    items = page.get("items") if isinstance(page, dict) else None
    if not items or not isinstance(items[0], dict) or items[0].get("seq") != seq:
        raise RemoteError(f"FAIL: the site did not serve entry {seq}.")
    entry = items[0]
    try:
        recomputed = entry_hash(entry)
    except (KeyError, TypeError) as exc:
        raise RemoteError(f"FAIL at seq {seq}: the entry is malformed: {exc}") from exc
    if recomputed != entry.get("hash"):
        raise RemoteError(f"FAIL at seq {seq}: its content does not match its hash")
    return entry


def _follow_rotations(base_url: str, trusted: bytes, served: bytes, rotations: list) -> list:
    """The rotation entries leading from the trusted key to the served one, each signed
    by the key before it; fails if there is no such chain."""
    current, followed = trusted, []
    for item in rotations:
        seq = item.get("seq") if isinstance(item, dict) else None
        if not isinstance(seq, int) or item.get("old_key_id") != signing.key_id(current):
            continue
        entry = _entry(base_url, seq)
        new = rotation.is_valid_rotation(
            entry.get("body") if entry.get("kind") == rotation.KIND else {},
            trusted_public=current,
        )
        if new is None:
            raise RemoteError(
                f"FAIL at seq {seq}: the key rotation is not signed by the trusted key and "
                "the new one."
            )
        current = new
        followed.append(entry)
    if current != served:
        raise RemoteError(
            "FAIL: the log's signing key is not the one trusted, and no key rotation "
            "signed by that key leads to it."
        )
    return followed


def _prove_included(base_url: str, entry: dict, head: note.Checkpoint) -> None:
    seq = entry["seq"]
    answer = _get(base_url, "/ledger/proof/inclusion", seq=seq, size=head.size)
    try:
        proof = [bytes.fromhex(h) for h in answer["proof"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise RemoteError("The inclusion proof answered in an unexpected shape.") from exc
    if not merkle.verify_inclusion(
        merkle.leaf_hash(entry_bytes(entry)), seq - 1, head.size, proof, head.root
    ):
        raise RemoteError(
            f"FAIL at seq {seq}: the entry served is not the one in the signed log of "
            f"{head.size} entries (its inclusion proof does not lead to the signed root)."
        )


def _open_note(text: str, *, public_key: bytes, origin: str) -> note.Checkpoint:
    try:
        head = note.open_checkpoint(text, name=origin, public=public_key)
    except note.NoteError as exc:
        raise RemoteError(f"FAIL: the signed checkpoint does not verify: {exc}") from exc
    if head.origin != origin:
        raise RemoteError(f"FAIL: the checkpoint is for the log {head.origin!r}, not {origin!r}")
    return head


def _signed_head(base_url: str, *, public_key: bytes, origin: str) -> note.Checkpoint | None:
    text = _get(base_url, "/ledger/checkpoint", text=True)
    if text is None:
        return None
    return _open_note(text, public_key=public_key, origin=origin)


# --- The remembered checkpoint ---------------------------------------------------------


@dataclass
class TrustedHead:
    url: str
    origin: str
    public_key: str
    size: int
    root: str
    compact: list[str]
    head_hash: str
    checked_at: str


def load_state(path: Path) -> TrustedHead | None:
    if not path.exists():
        return None
    try:
        return TrustedHead(**json.loads(path.read_text()))
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as exc:
        raise RemoteError(
            f"The state file {path} is not one verify-ledger wrote. Move it away to start "
            "afresh (the next run then trusts the site's current checkpoint)."
        ) from exc


def save_state(path: Path, head: TrustedHead) -> None:
    """Write the state atomically: a crash leaves the old state or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(head), handle, indent=2)
        handle.write("\n")
    os.replace(temporary, path)


def _check_consistency(base_url: str, trusted: TrustedHead, head: note.Checkpoint) -> None:
    old_root = bytes.fromhex(trusted.root)
    if head.size < trusted.size:
        raise RemoteError(
            f"FAIL: the log shrank from {trusted.size} entries (trusted on "
            f"{trusted.checked_at}) to {head.size}: entries were removed."
        )
    if head.size == trusted.size:
        if head.root != old_root:
            raise RemoteError(
                f"FAIL: the log's root at {head.size} entries differs from the one trusted on "
                f"{trusted.checked_at}: its history was rewritten."
            )
        return
    answer = _get(base_url, "/ledger/proof/consistency", **{"from": trusted.size, "to": head.size})
    try:
        proof = [bytes.fromhex(h) for h in answer["proof"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise RemoteError("The consistency proof answered in an unexpected shape.") from exc
    if not merkle.verify_consistency(trusted.size, head.size, old_root, head.root, proof):
        raise RemoteError(
            f"FAIL: the log of {head.size} entries is not an extension of the {trusted.size} "
            f"entries trusted on {trusted.checked_at}: its history was rewritten."
        )


def _read_new_entries(base_url: str, trusted: TrustedHead, head: note.Checkpoint):
    """Check the entries after the trusted size, up to the signed size; return the new
    compact range and chain head."""
    compact = [bytes.fromhex(h) for h in trusted.compact]
    prev, size = trusted.head_hash, trusted.size
    if size < head.size:
        for entry in _entries(base_url, after=size):
            if entry.get("seq") != size + 1:
                raise RemoteError(f"FAIL at seq {size + 1}: the entry is missing or out of order")
            if entry.get("prev_hash") != prev:
                raise RemoteError(
                    f"FAIL at seq {size + 1}: prev_hash does not match the entry before it"
                )
            try:
                recomputed = entry_hash(entry)
            except (KeyError, TypeError) as exc:
                raise RemoteError(f"FAIL at seq {size + 1}: the entry is malformed: {exc}") from exc
            if recomputed != entry.get("hash"):
                raise RemoteError(f"FAIL at seq {size + 1}: its content does not match its hash")
            compact = merkle.compact_append(compact, size, merkle.leaf_hash(entry_bytes(entry)))
            prev, size = recomputed, size + 1
            if size == head.size:
                break
    if size != head.size:
        raise RemoteError(f"FAIL: the site signed {head.size} entries but serves only {size}")
    return compact, prev


def verify_remote(base_url: str, *, state_path: Path | None = None, full: bool = False) -> Verdict:
    """Check a site's ledger from its public API.

    Without a remembered checkpoint (or with ``full``), download everything and check
    the chain, the chain checkpoint's signature and the signed Merkle root. With one,
    check the consistency proof from it and only the entries added since. Either way,
    remember the new signed head in ``state_path`` when it verifies.
    """
    public_key, origin, rotations = _key_document(base_url)
    trusted = load_state(state_path) if state_path else None
    followed = []
    if trusted is not None:
        if trusted.origin != origin:
            raise RemoteError(
                f"{state_path} remembers the log {trusted.origin!r}, but this site serves "
                f"{origin!r}. Use another --state file for another site."
            )
        trusted_key = base64.b64decode(trusted.public_key)
        if trusted_key != public_key:
            followed = _follow_rotations(base_url, trusted_key, public_key, rotations)
    checkpoint = _get(base_url, "/ledger/checkpoint")
    if checkpoint is not None and not isinstance(checkpoint, dict):
        raise RemoteError("The checkpoint endpoint answered in an unexpected shape.")
    if checkpoint is None:
        if trusted is not None and trusted.size:
            raise RemoteError(
                f"FAIL: the site says its ledger is empty, but {trusted.size} entries were "
                f"trusted on {trusted.checked_at}."
            )
        return verify_chain(_entries(base_url), checkpoint=None, public_key=public_key)
    if not isinstance(checkpoint.get("note"), str):
        raise RemoteError("The checkpoint carries no signed tree head (`note`).")
    head = _open_note(checkpoint["note"], public_key=public_key, origin=origin)
    if trusted is not None:
        _check_consistency(base_url, trusted, head)
    for entry in followed:
        _prove_included(base_url, entry, head)

    if trusted is None or full:
        tracked = {"compact": [], "size": 0, "head": GENESIS_HASH}

        def entries():
            for entry in _entries(base_url):
                if tracked["size"] < head.size and isinstance(entry, dict):
                    try:
                        leaf = merkle.leaf_hash(entry_bytes(entry))
                    except (KeyError, TypeError):
                        leaf = b""  # verify_chain names the malformed entry
                    tracked["compact"] = merkle.compact_append(
                        tracked["compact"], tracked["size"], leaf
                    )
                    tracked["size"] += 1
                    tracked["head"] = entry.get("hash", "")
                yield entry

        verdict = verify_chain(entries(), checkpoint=checkpoint, public_key=public_key)
        if not verdict.ok:
            return verdict
        if tracked["size"] != head.size or merkle.compact_root(tracked["compact"]) != head.root:
            return Verdict(
                False,
                verdict.count,
                verdict.head,
                None,
                "the entries do not hash to the signed Merkle tree root",
            )
        compact, chain_head, detail = tracked["compact"], tracked["head"], ""
        if trusted is not None:
            detail = f"consistent with the {trusted.size} entries trusted on {trusted.checked_at}"
    else:
        compact, chain_head = _read_new_entries(base_url, trusted, head)
        verdict = Verdict(True, head.size, chain_head)
        detail = (
            f"{head.size - trusted.size} new since the {trusted.size} entries trusted on "
            f"{trusted.checked_at}; consistency proof checked"
        )
    if state_path is not None:
        save_state(
            state_path,
            TrustedHead(
                url=base_url,
                origin=origin,
                public_key=base64.b64encode(public_key).decode(),
                size=head.size,
                root=head.root.hex(),
                compact=[h.hex() for h in compact],
                head_hash=chain_head,
                checked_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            ),
        )
    verdict.detail = detail
    return verdict


def verify_remote_entry(base_url: str, seq: int, *, state_path: Path | None = None) -> str:
    """Prove one entry is in the site's signed log by its inclusion proof alone."""
    public_key, origin, rotations = _key_document(base_url)
    head = _signed_head(base_url, public_key=public_key, origin=origin)
    if head is None:
        raise RemoteError("FAIL: the site's ledger is empty; there is no entry to prove.")
    trusted = load_state(state_path) if state_path else None
    if trusted is not None and trusted.origin == origin:
        trusted_key = base64.b64decode(trusted.public_key)
        if trusted_key != public_key:
            for entry in _follow_rotations(base_url, trusted_key, public_key, rotations):
                _prove_included(base_url, entry, head)
        _check_consistency(base_url, trusted, head)
    if not 1 <= seq <= head.size:
        raise RemoteError(f"Entry {seq} is not in the signed log, which has {head.size} entries.")
    entry = _entry(base_url, seq)
    _prove_included(base_url, entry, head)
    return (
        f"OK: entry {seq} ({entry.get('kind')}, {entry.get('object', {}).get('url')}) is in the "
        f"signed log of {head.size} entries, root {head.root.hex()}"
    )
