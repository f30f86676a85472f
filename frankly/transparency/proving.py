"""Proving a statement in the public ledger for a person who pastes its permalink:
every step of the Merkle inclusion proof, and the signed checkpoint it ends in."""

import re
import urllib.parse
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from frankly.errors import Invalid, NotFound
from frankly.transparency import merkle, note, signing, tree
from frankly.transparency.canonical import entry_bytes, entry_hash
from frankly.transparency.ledger import entry_as_dict
from frankly.transparency.models import LedgerEntry

MAX_ENTRIES = 20
ENTRY_ANCHOR = re.compile(r"^entry-(\d{1,18})$")


@dataclass
class Proof:
    entry: dict
    canonical: str
    leaf_hash: str
    hash_ok: bool
    steps: list = field(default_factory=list)
    computed_root: str = ""
    signed_root: str = ""
    is_proven: bool = False


@dataclass
class Proven:
    link: str
    tree_size: int
    note: str
    verifier_key: str
    signature_ok: bool
    proofs: list[Proof]


def entries_for_link(link: str) -> list[LedgerEntry]:
    """The ledger entries a permalink names: one entry (…/ledger/#entry-N) or every
    entry about the object at that address, newest first."""
    link = link.strip()
    if not link:
        raise Invalid(
            _("Paste the address of a statement, e.g. a post or an incident."), field="link"
        )
    if len(link) > 2000 or "\x00" in link:
        raise Invalid(_("That is not a web address we know."), field="link")
    parts = urllib.parse.urlsplit(link)
    anchor = ENTRY_ANCHOR.match(parts.fragment)
    if anchor:
        entries = list(LedgerEntry.objects.filter(seq=int(anchor.group(1))))
    else:
        path = parts.path or "/"
        entries = list(LedgerEntry.objects.filter(object_url=path).order_by("-seq")[:MAX_ENTRIES])
    if not entries:
        raise NotFound(
            _(
                "Nothing on the public record is about that address. Paste the address of a "
                "post, incident or changelog entry that has an official statement, or an entry "
                "link from the public record page (…/transparency/ledger/#entry-12)."
            )
        )
    return entries


def prove_link(link: str) -> Proven:
    """Prove every entry the link names in the latest signed tree head, step by step."""
    entries = entries_for_link(link)
    head = tree.require_latest_tree_head()
    public = signing.public_key_bytes()
    try:
        opened = note.open_checkpoint(head.note, name=note.origin(), public=public)
        signature_ok = opened.size == head.size and opened.root.hex() == head.root_hash
    except note.NoteError:
        signature_ok = False
    signed_root = head.root_hash
    proofs = []
    for entry in entries:
        fields = entry_as_dict(entry)
        data = entry_bytes(fields)
        leaf = merkle.leaf_hash(data)
        if entry.seq > head.size:
            continue
        served = tree.inclusion_proof(seq=entry.seq, size=head.size)
        path = [bytes.fromhex(h) for h in served["proof"]]
        steps = merkle.inclusion_steps(leaf, entry.seq - 1, head.size, path)
        computed = steps[-1][2] if steps else leaf
        proofs.append(
            Proof(
                entry=fields,
                canonical=data.decode(),
                leaf_hash=leaf.hex(),
                hash_ok=entry_hash(fields) == entry.hash,
                steps=[(side, sibling.hex(), result.hex()) for side, sibling, result in steps],
                computed_root=computed.hex(),
                signed_root=signed_root,
                is_proven=(
                    signature_ok
                    and entry_hash(fields) == entry.hash
                    and merkle.verify_inclusion(
                        leaf, entry.seq - 1, head.size, path, bytes.fromhex(signed_root)
                    )
                ),
            )
        )
    return Proven(
        link=link,
        tree_size=head.size,
        note=head.note,
        verifier_key=note.verifier_key(note.origin(), public),
        signature_ok=signature_ok,
        proofs=proofs,
    )
