"""The ledger's RFC 6962 Merkle tree: the RFC's test vectors, and every inclusion and
consistency proof up to 64 entries against a brute-force reference written straight
from the RFC's recursive definitions."""

import hashlib

import pytest

from frankly.transparency import merkle, tree
from frankly.transparency.canonical import entry_bytes
from frankly.transparency.ledger import entry_as_dict
from frankly.transparency.models import LedgerEntry, MerkleNode
from tests.transparency.support import append_many

# RFC 6962 test data, as published with the Certificate Transparency reference code
# (and transparency-dev/merkle): eight leaves, the tree head of each size 0..8, and
# some of their audit paths and consistency proofs.
VECTOR_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip
VECTOR_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
VECTOR_INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
VECTOR_CONSISTENCY = {
    (2, 8): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}


# --- The brute-force reference: RFC 6962 section 2.1, word for word ------------------------


def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    if m == len(leaves):
        return [] if complete else [mth(leaves)]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m <= k:
        return [*subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def in_memory_tree(leaves: list[bytes]) -> dict:
    stored: dict = {}
    for index, leaf in enumerate(leaves):
        for level, position, digest in merkle.completed_nodes(
            index, leaf, lambda lv, ix: stored[(lv, ix)]
        ):
            stored[(level, position)] = digest
    return stored


def hashes_of(ranges, stored) -> list[bytes]:
    return [merkle.range_hash(lo, hi, lambda lv, ix: stored[(lv, ix)]) for lo, hi in ranges]


# --- Test vectors ------------------------------------------------------------------------


def test_the_reference_and_the_tree_give_the_rfc_6962_roots_for_every_size():
    leaves = [merkle.leaf_hash(data) for data in VECTOR_LEAVES]
    stored = in_memory_tree(leaves)
    for size, expected in enumerate(VECTOR_ROOTS):
        assert mth(leaves[:size]).hex() == expected
        assert merkle.range_hash(0, size, lambda lv, ix: stored[(lv, ix)]).hex() == expected


def test_the_rfc_6962_audit_paths_and_consistency_proofs_come_out_and_verify():
    leaves = [merkle.leaf_hash(data) for data in VECTOR_LEAVES]
    stored = in_memory_tree(leaves)
    roots = [bytes.fromhex(r) for r in VECTOR_ROOTS]
    for (index, size), expected in VECTOR_INCLUSION.items():
        proof = hashes_of(merkle.inclusion_ranges(index, size), stored)
        assert [p.hex() for p in proof] == expected
        assert merkle.verify_inclusion(leaves[index], index, size, proof, roots[size])
    for (old, new), expected in VECTOR_CONSISTENCY.items():
        proof = hashes_of(merkle.consistency_ranges(old, new), stored)
        assert [p.hex() for p in proof] == expected
        assert merkle.verify_consistency(old, new, roots[old], roots[new], proof)


def test_leaf_and_node_hashes_carry_the_rfc_prefixes():
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    a, b = b"a" * 32, b"b" * 32
    assert merkle.node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    assert [merkle.split(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]


# --- The ledger's own tree, every size up to 64 ---------------------------------------------


@pytest.fixture
def ledger_of_64(db):
    append_many(64)
    return [
        merkle.leaf_hash(entry_bytes(entry_as_dict(e))) for e in LedgerEntry.objects.order_by("seq")
    ]


def test_every_inclusion_proof_up_to_64_matches_the_reference_and_verifies(ledger_of_64):
    leaves = ledger_of_64
    for size in range(1, 65):
        root = mth(leaves[:size])
        for index in range(size):
            served = tree.inclusion_proof(seq=index + 1, size=size)
            proof = [bytes.fromhex(h) for h in served["proof"]]
            assert proof == path(index, leaves[:size]), (index, size)
            assert served["root_hash"] == root.hex()
            assert served["leaf_hash"] == leaves[index].hex()
            assert merkle.verify_inclusion(leaves[index], index, size, proof, root)
            # The same proof does not prove a neighbour, nor the leaf in a bigger tree.
            if size > 1:
                other = (index + 1) % size
                assert not merkle.verify_inclusion(leaves[other], index, size, proof, root)
            if size < 64:
                assert not merkle.verify_inclusion(
                    leaves[index], index, size + 1, proof, mth(leaves[: size + 1])
                )


def test_every_consistency_proof_up_to_64_matches_the_reference_and_verifies(ledger_of_64):
    leaves = ledger_of_64
    roots = [mth(leaves[:n]) for n in range(65)]
    for new in range(1, 65):
        for old in range(1, new + 1):
            served = tree.consistency_proof(old_size=old, new_size=new)
            proof = [bytes.fromhex(h) for h in served["proof"]]
            assert proof == (subproof(old, leaves[:new], True) if old < new else []), (old, new)
            assert (served["old_root_hash"], served["new_root_hash"]) == (
                roots[old].hex(),
                roots[new].hex(),
            )
            assert merkle.verify_consistency(old, new, roots[old], roots[new], proof)
            if old < new:
                # A different old tree (one leaf changed) is not consistent with the new one.
                forged = mth([leaves[0][::-1], *leaves[1:old]])
                assert not merkle.verify_consistency(old, new, forged, roots[new], proof)
                if proof:
                    assert not merkle.verify_consistency(
                        old, new, roots[old], roots[new], proof[:-1]
                    )


def test_proofs_read_a_logarithmic_number_of_stored_nodes(ledger_of_64):
    for size in range(1, 65):
        for index in range(size):
            needed = merkle.nodes_needed(merkle.inclusion_ranges(index, size))
            assert len(needed) <= 2 * size.bit_length()
        for old in range(1, size):
            needed = merkle.nodes_needed(merkle.consistency_ranges(old, size))
            assert len(needed) <= 2 * size.bit_length()
    # About two stored nodes per entry, never the whole tree recomputed.
    assert MerkleNode.objects.count() == 127


def test_verifiers_refuse_malformed_input():
    leaf = merkle.leaf_hash(b"x")
    assert not merkle.verify_inclusion(leaf, 1, 1, [], leaf)
    assert not merkle.verify_inclusion(leaf, 0, 1, [b"short"], leaf)
    assert not merkle.verify_inclusion(leaf, 0, 2, [], leaf)
    assert not merkle.verify_consistency(2, 1, leaf, leaf, [])
    assert not merkle.verify_consistency(1, 2, leaf, leaf, [])
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, leaf, [])
    assert not merkle.verify_consistency(3, 3, leaf, merkle.EMPTY_ROOT, [])


def test_a_compact_range_extended_leaf_by_leaf_gives_every_root():
    leaves = [merkle.leaf_hash(bytes([n, n * 3])) for n in range(70)]
    compact: list[bytes] = []
    for size in range(70):
        assert merkle.compact_root(compact) == mth(leaves[:size])
        assert len(compact) == size.bit_count()
        compact = merkle.compact_append(compact, size, leaves[size])


def test_the_migration_builds_the_same_tree_over_an_existing_ledger(ledger_of_64):
    import importlib

    from django.apps import apps
    from django.db import transaction

    from frankly.transparency.models import TreeHead
    from tests.transparency.support import triggers_dropped

    migration = importlib.import_module(
        "frankly.transparency.migrations.0005_merkle_backfill_and_append_only"
    )
    before = {(n.level, n.index): n.hash for n in MerkleNode.objects.all()}
    root = TreeHead.objects.get(size=64).root_hash
    with transaction.atomic(), triggers_dropped():
        MerkleNode.objects.all().delete()
        TreeHead.objects.all().delete()
    migration.build_tree(apps, None)
    assert {(n.level, n.index): n.hash for n in MerkleNode.objects.all()} == before
    assert list(TreeHead.objects.values_list("size", "root_hash")) == [(64, root)]
