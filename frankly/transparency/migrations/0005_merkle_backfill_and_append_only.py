"""Build the Merkle tree over the entries already in the ledger, sign its head, and
make the tree's tables append-only like the ledger (same triggers as 0002)."""

import importlib
import json

from django.db import migrations

APPEND_ONLY = importlib.import_module("frankly.transparency.migrations.0002_ledger_append_only")
TABLES = ["transparency_merklenode", "transparency_treehead"]


def build_tree(apps, schema_editor):
    from frankly.transparency import merkle, note, signing
    from frankly.transparency.canonical import entry_bytes

    LedgerEntry = apps.get_model("transparency", "LedgerEntry")
    MerkleNode = apps.get_model("transparency", "MerkleNode")
    TreeHead = apps.get_model("transparency", "TreeHead")
    stored: dict = {}
    size = 0
    for entry in LedgerEntry.objects.order_by("seq").iterator(chunk_size=1000):
        fields = {
            "seq": entry.seq,
            "prev_hash": entry.prev_hash,
            "kind": entry.kind,
            "object": {"type": entry.object_type, "id": entry.object_id, "url": entry.object_url},
            "body": json.loads(entry.body),
            "created_at": entry.created_at,
        }
        leaf = merkle.leaf_hash(entry_bytes(fields))
        for level, index, digest in merkle.completed_nodes(
            entry.seq - 1, leaf, lambda lv, ix: stored[(lv, ix)]
        ):
            stored[(level, index)] = digest
        size = entry.seq
    MerkleNode.objects.bulk_create(
        [MerkleNode(level=lv, index=ix, hash=h.hex()) for (lv, ix), h in stored.items()],
        batch_size=1000,
    )
    if size:
        root = merkle.range_hash(0, size, lambda lv, ix: stored[(lv, ix)])
        TreeHead.objects.create(
            size=size,
            root_hash=root.hex(),
            note=note.sign_checkpoint(size, root),
            key_id=signing.key_id(signing.public_key_bytes()),
        )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            statements = APPEND_ONLY._sqlite(table)
        elif vendor == "postgresql":
            statements = APPEND_ONLY._pg(table)
        else:
            statements = []
        for statement in statements:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


class Migration(migrations.Migration):
    dependencies = [("transparency", "0004_merkle_tree")]
    operations = [
        migrations.RunPython(build_tree, migrations.RunPython.noop),
        migrations.RunPython(forward, backward),
    ]
