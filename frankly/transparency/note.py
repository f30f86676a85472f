"""C2SP signed-note checkpoints (https://c2sp.org/tlog-checkpoint, c2sp.org/signed-note).

A checkpoint is three lines, each ending in a newline: the log's origin, the tree
size in decimal, and the root hash in standard base64. A blank line follows, then
one signature line per signer: an em dash, a space, the key name, a space, and the
base64 of the 4-byte key id followed by the 64-byte Ed25519 signature over the text
above the blank line. The key id is the first 4 bytes of
SHA-256(key name || 0x0A || 0x01 || 32-byte public key); 0x01 names Ed25519.
"""

import base64
import binascii
import hashlib
import urllib.parse
from dataclasses import dataclass

from django.conf import settings

from frankly.transparency import signing

ED25519 = b"\x01"
DASH = "\u2014 "


def origin() -> str:
    """This log's name: the site's host and path without the scheme, plus /ledger."""
    parts = urllib.parse.urlsplit(settings.SITE_ROOT_URL)
    return f"{parts.netloc}{parts.path.rstrip('/')}/ledger"


def note_key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def verifier_key(name: str, public: bytes) -> str:
    """The note verifier key as Go's golang.org/x/mod/sumdb/note prints it."""
    return f"{name}+{note_key_id(name, public).hex()}+{base64.b64encode(ED25519 + public).decode()}"


def checkpoint_body(log_origin: str, size: int, root: bytes) -> str:
    return f"{log_origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def sign_checkpoint(size: int, root: bytes) -> str:
    """The signed note for a tree head, signed with the ledger's current key."""
    name = origin()
    body = checkpoint_body(name, size, root)
    signature = base64.b64decode(signing.sign(body.encode()))
    key_id = note_key_id(name, signing.public_key_bytes())
    return f"{body}\n{DASH}{name} {base64.b64encode(key_id + signature).decode()}\n"


class NoteError(ValueError):
    pass


@dataclass
class Checkpoint:
    origin: str
    size: int
    root: bytes


def open_checkpoint(text: str, *, name: str, public: bytes) -> Checkpoint:
    """Parse a signed checkpoint and check its signature by key ``name``/``public``.

    Raises NoteError saying what is wrong."""
    body, separator, signatures = text.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise NoteError("the checkpoint is not a signed note (no blank line before signatures)")
    body += "\n"
    wanted = note_key_id(name, public)
    found = False
    for line in signatures[:-1].split("\n"):
        if not line.startswith(DASH):
            raise NoteError(f"a signature line does not start with an em dash: {line!r}")
        signer, _, blob = line[len(DASH) :].rpartition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as exc:
            raise NoteError("a signature is not valid base64") from exc
        if signer != name or raw[:4] != wanted:
            continue
        if not signing.is_valid_signature(
            public, body.encode(), base64.b64encode(raw[4:]).decode()
        ):
            raise NoteError("the checkpoint's signature by the log's key is not valid")
        found = True
    if not found:
        raise NoteError(f"the checkpoint carries no signature by the key {name}")
    lines = body.split("\n")[:-1]
    if len(lines) < 3:
        raise NoteError("a checkpoint has at least three lines: origin, size, root hash")
    log_origin, size_text, root_text = lines[:3]
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError(f"the tree size {size_text!r} is not a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as exc:
        raise NoteError("the root hash is not valid base64") from exc
    if len(root) != 32:
        raise NoteError("the root hash is not 32 bytes")
    return Checkpoint(log_origin, int(size_text), root)
