"""The ledger's Merkle tree in the database: appending leaves, signing tree heads,
and serving inclusion and consistency proofs from O(log n) stored nodes."""

from django.db.models import Q
from django.utils.translation import gettext as _

from frankly.errors import Invalid, NotFound
from frankly.transparency import merkle, note, signing
from frankly.transparency.canonical import entry_bytes
from frankly.transparency.models import LedgerEntry, MerkleNode, TreeHead


def _fetch(nodes: set[merkle.Node]) -> dict[merkle.Node, bytes]:
    if not nodes:
        return {}
    by_level: dict[int, list[int]] = {}
    for level, index in nodes:
        by_level.setdefault(level, []).append(index)
    match = Q()
    for level, indexes in by_level.items():
        match |= Q(level=level, index__in=indexes)
    found = {
        (n.level, n.index): bytes.fromhex(n.hash)
        for n in MerkleNode.objects.filter(match).only("level", "index", "hash")
    }
    missing = nodes - found.keys()
    if missing:
        raise RuntimeError(f"the Merkle tree is missing nodes {sorted(missing)[:3]}")
    return found


def _hashes(ranges: list[merkle.Range]) -> list[bytes]:
    found = _fetch(merkle.nodes_needed(ranges))

    def node(level, index):
        return found[(level, index)]

    return [merkle.range_hash(lo, hi, node) for lo, hi in ranges]


def append_leaf(*, seq: int, fields: dict) -> bytes:
    """Store entry ``seq``'s leaf and the subtrees it completes; return the new root.

    ``fields`` is the entry's public form. Runs in append_to_ledger's transaction,
    after its lock."""
    index = seq - 1
    siblings = _fetch(set(merkle.siblings_for_append(index)))
    leaf = merkle.leaf_hash(entry_bytes(fields))
    made = merkle.completed_nodes(index, leaf, lambda lv, ix: siblings[(lv, ix)])
    MerkleNode.objects.bulk_create(
        [MerkleNode(level=lv, index=ix, hash=h.hex()) for lv, ix, h in made]
    )
    return root_at(seq)


def root_at(size: int) -> bytes:
    if size == 0:
        return merkle.EMPTY_ROOT
    return _hashes([(0, size)])[0]


def sign_tree_head(size: int, root: bytes) -> TreeHead:
    return TreeHead.objects.create(
        size=size,
        root_hash=root.hex(),
        note=note.sign_checkpoint(size, root),
        key_id=signing.key_id(signing.public_key_bytes()),
    )


def tree_size() -> int:
    head = LedgerEntry.objects.order_by("-seq").only("seq").first()
    return head.seq if head else 0


def _check_size(size: int, *, field: str) -> None:
    current = tree_size()
    if not 1 <= size <= current:
        raise Invalid(
            f"`{field}` must be a tree size from 1 to {current}, the ledger's size now; "
            f"you asked for {size}.",
            field=field,
        )


def inclusion_proof(*, seq: int, size: int) -> dict:
    """The RFC 6962 audit path of entry ``seq`` in the tree of the first ``size`` entries."""
    _check_size(size, field="size")
    if not 1 <= seq <= size:
        raise Invalid(
            f"`seq` must be from 1 to the tree size {size}: entry {seq} is not in that tree.",
            field="seq",
        )
    ranges = merkle.inclusion_ranges(seq - 1, size)
    hashes = _hashes([*ranges, (seq - 1, seq), (0, size)])
    return {
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "leaf_hash": hashes[-2].hex(),
        "root_hash": hashes[-1].hex(),
        "proof": [h.hex() for h in hashes[:-2]],
    }


def consistency_proof(*, old_size: int, new_size: int) -> dict:
    """The RFC 6962 proof that the first ``old_size`` entries are unchanged in ``new_size``."""
    _check_size(new_size, field="to")
    if not 1 <= old_size <= new_size:
        raise Invalid(
            f"`from` must be from 1 to `to` ({new_size}); you asked for {old_size}.",
            field="from",
        )
    ranges = merkle.consistency_ranges(old_size, new_size)
    hashes = _hashes([*ranges, (0, old_size), (0, new_size)])
    return {
        "from": old_size,
        "to": new_size,
        "old_root_hash": hashes[-2].hex(),
        "new_root_hash": hashes[-1].hex(),
        "proof": [h.hex() for h in hashes[:-2]],
    }


def tree_head_at(size: int) -> TreeHead | None:
    return TreeHead.objects.filter(size=size).first()


def latest_tree_head() -> TreeHead | None:
    return TreeHead.objects.order_by("-size").first()


def require_latest_tree_head() -> TreeHead:
    head = latest_tree_head()
    if head is None:
        raise NotFound(_("The ledger is empty, so no tree head is signed yet."))
    return head
