"""Witnessing: publishing each new signed checkpoint to a git repository outside the
company's database, which anyone can clone and watch.

Before a checkpoint is committed, its consistency with the one published before is
checked, so the repository's history is itself a chain of consistent tree heads:
a later rewrite of the ledger cannot be published over it unnoticed.
"""

import base64
import binascii
import subprocess
from pathlib import Path

from frankly.errors import Conflict, Invalid
from frankly.transparency import merkle, note, signing, tree

CHECKPOINT_FILE = "checkpoint"
KEY_FILE = "key.vkey"
README = """# Signed checkpoints of {origin}

Each commit adds the newest signed checkpoint of this Frankly site's public ledger
(a C2SP signed note: origin, tree size, RFC 6962 Merkle root, Ed25519 signature).
`key.vkey` is the verifier key. Before each commit the publisher checked that the
new tree extends the one committed before.

To watch the log, clone this repository and run, from time to time:

    frankly verify-ledger --url {site_url}

It remembers the last checkpoint it trusted and checks the site's consistency proof
from it. To check one of the checkpoints here against the live site:

    curl '{site_url}/api/v1/ledger/proof/consistency?from=OLD&to=NEW'
"""


def _git(directory: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        ["git", "-C", str(directory), *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise Invalid(f"git {args[0]} failed in {directory}: {result.stderr.strip()}")
    return result.stdout


def _published_head(directory: Path) -> tuple[int, bytes] | None:
    path = directory / CHECKPOINT_FILE
    if not path.exists():
        return None
    lines = path.read_text().split("\n")
    try:
        return int(lines[1]), base64.b64decode(lines[2], validate=True)
    except (IndexError, ValueError, binascii.Error) as exc:
        raise Invalid(f"{path} is not a checkpoint this command wrote; move it away.") from exc


def publish_checkpoint(*, directory: Path, site_url: str, push: bool = False) -> str:
    """Commit the newest signed checkpoint to the git repository at ``directory``."""
    head = tree.latest_tree_head()
    if head is None:
        return "Nothing to publish: the ledger is empty."
    directory.mkdir(parents=True, exist_ok=True)
    if not (directory / ".git").exists():
        _git(directory, "init", "--quiet")
        (directory / "README.md").write_text(README.format(origin=note.origin(), site_url=site_url))
    root = bytes.fromhex(head.root_hash)
    published = _published_head(directory)
    if published is not None:
        old_size, old_root = published
        if (old_size, old_root) == (head.size, root):
            return f"Nothing new: the checkpoint of {head.size} entries is already published."
        if old_size > head.size:
            raise Conflict(
                f"The published checkpoint has {old_size} entries and the ledger only "
                f"{head.size}: entries were removed. Nothing was published."
            )
        proof = tree.consistency_proof(old_size=old_size, new_size=head.size)
        if not merkle.verify_consistency(
            old_size, head.size, old_root, root, [bytes.fromhex(h) for h in proof["proof"]]
        ):
            raise Conflict(
                f"The ledger of {head.size} entries does not extend the published checkpoint "
                f"of {old_size}: its history was rewritten. Nothing was published."
            )
    (directory / CHECKPOINT_FILE).write_text(head.note)
    (directory / KEY_FILE).write_text(
        note.verifier_key(note.origin(), signing.public_key_bytes()) + "\n"
    )
    _git(directory, "add", "--all")
    _git(
        directory,
        "-c",
        "user.name=Frankly ledger",
        "-c",
        "user.email=ledger@frankly.invalid",
        "commit",
        "--quiet",
        "-m",
        f"Checkpoint: {head.size} entries, root {head.root_hash}",
    )
    if push:
        _git(directory, "push", "--quiet")
    return f"Published the checkpoint of {head.size} entries, root {head.root_hash}."
