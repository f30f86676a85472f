"""The RFC 6962 / RFC 9162 Merkle tree over the ledger, as plain functions.

leaf = SHA-256(0x00 || canonical entry bytes), node = SHA-256(0x01 || left || right),
and a tree of n leaves splits at the largest power of two below n. The empty tree's
root is SHA-256 of nothing.

The tree is kept as its *perfect* subtrees: node (level, index) is the root of the
2**level leaves starting at leaf index * 2**level. Appending a leaf stores it and
every perfect subtree it completes, so about two nodes per leaf. Any subtree the
RFC's proofs name, [lo, hi), is either one of those nodes or a right edge that
splits into at most log2(n) of them; a proof therefore reads O(log n) nodes.

The proof functions here say *which* ranges a proof holds, in RFC order; the
ledger fetches the nodes those need in one query (``nodes_needed``) and hashes
them (``range_hash``). The verifiers are RFC 9162's algorithms 2.1.3.2 and 2.1.4.2.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]  # leaves [lo, hi)
Node = tuple[int, int]  # (level, index): the perfect subtree of 2**level leaves


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2): where RFC 6962 splits."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The subtrees whose roots make up PATH(index, D[0:size]), leaf side first."""
    if not 0 <= index < size:
        raise ValueError("the leaf index must be below the tree size")
    path: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split(hi - lo)
        if index < lo + k:
            path.append((lo + k, hi))
            hi = lo + k
        else:
            path.append((lo, lo + k))
            lo = lo + k
    return path[::-1]


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """The subtrees whose roots make up PROOF(old_size, D[0:new_size]) of RFC 6962."""
    if not 0 <= old_size <= new_size:
        raise ValueError("the old size must be between 0 and the new size")
    if old_size in (0, new_size):
        return []
    proof: list[Range] = []
    m, lo, hi, complete = old_size, 0, new_size, True
    while m != hi - lo:
        k = split(hi - lo)
        if m <= k:
            proof.append((lo + k, hi))
            hi = lo + k
        else:
            proof.append((lo, lo + k))
            m, lo, complete = m - k, lo + k, False
    if not complete:
        proof.append((lo, hi))
    return proof[::-1]


def _is_perfect(lo: int, hi: int) -> bool:
    width = hi - lo
    return width > 0 and width & (width - 1) == 0 and lo % width == 0


def nodes_needed(ranges: Iterable[Range]) -> set[Node]:
    """The stored perfect subtrees from which the roots of ``ranges`` are computed."""
    needed: set[Node] = set()
    pending = list(ranges)
    while pending:
        lo, hi = pending.pop()
        if _is_perfect(lo, hi):
            needed.add(((hi - lo).bit_length() - 1, lo // (hi - lo)))
        else:
            k = split(hi - lo)
            pending += [(lo, lo + k), (lo + k, hi)]
    return needed


def range_hash(lo: int, hi: int, node: Callable[[int, int], bytes]) -> bytes:
    """MTH(D[lo:hi]) from the perfect subtrees, which ``node(level, index)`` returns."""
    if hi == lo:
        return EMPTY_ROOT
    if _is_perfect(lo, hi):
        return node((hi - lo).bit_length() - 1, lo // (hi - lo))
    k = split(hi - lo)
    return node_hash(range_hash(lo, lo + k, node), range_hash(lo + k, hi, node))


def completed_nodes(index: int, leaf: bytes, sibling: Callable[[int, int], bytes]) -> list:
    """The nodes to store when leaf ``index`` is appended: [(level, index, hash)].

    ``sibling(level, index)`` returns a node stored earlier: each completed subtree
    joins the left sibling it finishes."""
    made = [(0, index, leaf)]
    level, position, current = 0, index, leaf
    while position % 2 == 1:
        current = node_hash(sibling(level, position - 1), current)
        level, position = level + 1, position // 2
        made.append((level, position, current))
    return made


def siblings_for_append(index: int) -> list[Node]:
    """The stored nodes ``completed_nodes`` will ask for when leaf ``index`` arrives."""
    wanted, level, position = [], 0, index
    while position % 2 == 1:
        wanted.append((level, position - 1))
        level, position = level + 1, position // 2
    return wanted


# --- Verifying, as an outsider does (RFC 9162 section 2.1) -------------------------------


def _all_hashes(*values) -> bool:
    return all(isinstance(v, bytes) and len(v) == HASH_SIZE for v in values)


def root_from_inclusion_proof(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes | None:
    """The root the proof leads to, or None if the proof is malformed for this size."""
    if not 0 <= index < size or not _all_hashes(leaf, *proof):
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True if ``proof`` shows leaf ``index`` is in the tree of ``size`` with ``root``."""
    return root_from_inclusion_proof(leaf, index, size, proof) == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True if the tree of ``new_size`` leaves extends the one of ``old_size`` unchanged."""
    if not 0 <= old_size <= new_size or not _all_hashes(old_root, new_root, *proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


# --- A compact range: the perfect subtrees covering [0, size), left to right -----------------
# What a verifier remembers to extend a trusted tree by new leaves without the old ones.


def compact_append(hashes: list[bytes], size: int, leaf: bytes) -> list[bytes]:
    """The compact range of ``size + 1`` leaves, from that of ``size`` and the new leaf."""
    hashes = [*hashes, leaf]
    position = size
    while position % 2 == 1:
        right = hashes.pop()
        hashes[-1] = node_hash(hashes[-1], right)
        position //= 2
    return hashes


def compact_root(hashes: list[bytes]) -> bytes:
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(left, root)
    return root


def inclusion_steps(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes]
) -> list[tuple[str, bytes, bytes]]:
    """RFC 9162's inclusion check written out: [(side of the sibling, sibling, result)].

    The same walk as ``root_from_inclusion_proof``, kept for showing the maths to a
    person; the last result is the root the proof leads to."""
    steps = []
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            steps.append(("left", p, r))
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
            steps.append(("right", p, r))
        fn, sn = fn >> 1, sn >> 1
    return steps
