"""Public API of the transparency app: the ledger, edit history, moderation log."""

import base64
from datetime import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from frankly.accounts.auth import ANYONE, SIGNED_IN
from frankly.errors import Invalid, NotFound
from frankly.schemas import RequestBody
from frankly.transparency import (
    ledger,
    moderation,
    note,
    queries,
    rotation,
    rules,
    signing,
    tree,
)
from frankly.transparency.models import Appeal, LedgerEntry, Rule

router = Router(tags=["transparency"])


class LedgerObjectOut(Schema):
    type: str
    id: str
    url: str


class LedgerEntryOut(Schema):
    seq: int
    prev_hash: str
    kind: str
    object: LedgerObjectOut
    body: dict
    created_at: str
    hash: str


class LedgerPageOut(Schema):
    items: list[LedgerEntryOut]
    next: int | None = Field(description="Pass as `after` for the next page; null at the end.")


class CheckpointOut(Schema):
    seq: int
    hash: str
    created_at: str
    signature: str = Field(
        description="base64 Ed25519 signature over the canonical JSON of {seq, hash, created_at}"
    )
    key_id: str = Field(description="sha256 hex of the raw public key")
    tree_size: int | None = Field(
        None, description="Entries covered by the Merkle tree head signed at this checkpoint"
    )
    root_hash: str | None = Field(None, description="RFC 6962 Merkle root, hex")
    note: str | None = Field(None, description="The same tree head as a C2SP signed note")


class KeyOut(Schema):
    algorithm: str
    public_key: str = Field(description="base64 of the raw 32-byte Ed25519 public key")
    key_id: str
    origin: str = Field(description="The log's name in its C2SP checkpoints")
    note_verifier_key: str = Field(
        description="The key as a signed-note verifier key: name+keyid+base64(0x01||key)"
    )
    rotations: list[dict] = Field(
        description="Key rotations on the record, oldest first: {seq, old_key_id, new_key_id}"
    )


class InclusionProofOut(Schema):
    seq: int
    leaf_index: int = Field(description="seq - 1: RFC 6962 counts leaves from 0")
    tree_size: int
    leaf_hash: str = Field(description="SHA-256(0x00 || canonical entry bytes), hex")
    root_hash: str
    proof: list[str] = Field(description="RFC 6962 audit path, leaf side first, hex")


class ConsistencyProofOut(Schema):
    from_: int = Field(alias="from")
    to: int
    old_root_hash: str
    new_root_hash: str
    proof: list[str] = Field(description="RFC 6962 consistency proof, hex")


class EditorOut(Schema):
    name: str
    is_staff: bool


class RevisionOut(Schema):
    id: int
    object: str
    editor: EditorOut | None
    created_at: datetime
    reason: str
    old: dict[str, str] | None
    new: dict[str, str] | None
    withheld: bool = Field(
        description="True when the content is hidden or deleted and its texts are not shown to you"
    )


class ModerationOut(Schema):
    id: int
    action: str
    object_type: str
    object_id: int
    object_url: str
    rule: str
    reason: str
    actor_role: str
    actor: str | None = Field(
        None, description="The moderator's public name, only if the site shows names"
    )
    created_at: datetime


class ModerationPageOut(Schema):
    items: list[ModerationOut]
    next: str | None


@router.get(
    "/ledger/entries", response=LedgerPageOut, auth=ANYONE, summary="Ledger entries in order"
)
def ledger_entries(request, after: Query[int] = 0, limit: Query[int] = 100):
    if not 1 <= limit <= 1000:
        raise Invalid(_("Ask for between 1 and 1000 entries at a time."), field="limit")
    if not 0 <= after < 2**63:
        raise Invalid(_("`after` is a sequence number: 0 or more."), field="after")
    entries = list(LedgerEntry.objects.filter(seq__gt=after).order_by("seq")[: limit + 1])
    more = len(entries) > limit
    entries = entries[:limit]
    return {
        "items": [ledger.entry_as_dict(e) for e in entries],
        "next": entries[-1].seq if more else None,
    }


@router.get(
    "/ledger/checkpoint",
    response=CheckpointOut,
    auth=ANYONE,
    summary="The latest signed head of the ledger",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The checkpoint, as JSON or as a signed note",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/CheckpointOut"}},
                    "text/plain": {
                        "schema": {"type": "string", "description": "A C2SP signed note"}
                    },
                },
            }
        }
    },
)
def ledger_checkpoint(request, format: Query[str] = ""):
    """A C2SP signed-note checkpoint as text/plain, unless JSON is asked for by
    `Accept: application/json` or `?format=json`."""
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is None:
        raise NotFound(_("The ledger is empty, so nothing is signed yet."))
    head = tree.tree_head_at(checkpoint.seq)
    wants_json = format == "json" or (
        format != "text"
        and request.get_preferred_type(["text/plain", "application/json"]) == "application/json"
    )
    if not wants_json and head is not None:
        return HttpResponse(head.note, content_type="text/plain; charset=utf-8")
    return {
        **ledger.checkpoint_as_dict(checkpoint),
        "tree_size": head.size if head else None,
        "root_hash": head.root_hash if head else None,
        "note": head.note if head else None,
    }


@router.get(
    "/ledger/proof/inclusion",
    response=InclusionProofOut,
    auth=ANYONE,
    summary="RFC 6962 inclusion proof of one entry in a tree size",
)
def inclusion_proof(request, seq: Query[int], size: Query[int | None] = None):
    """`size` defaults to the latest signed tree size."""
    if size is None:
        size = tree.require_latest_tree_head().size
    return tree.inclusion_proof(seq=seq, size=size)


@router.get(
    "/ledger/proof/consistency",
    response=ConsistencyProofOut,
    by_alias=True,
    auth=ANYONE,
    summary="RFC 6962 consistency proof between two tree sizes",
)
def consistency_proof(request, to: Query[int], from_: int = Query(..., alias="from")):
    return tree.consistency_proof(old_size=from_, new_size=to)


@router.get("/ledger/key", response=KeyOut, auth=ANYONE, summary="The ledger's public key")
def ledger_key(request):
    public = signing.public_key_bytes()
    return {
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(public).decode(),
        "key_id": signing.key_id(public),
        "origin": note.origin(),
        "note_verifier_key": note.verifier_key(note.origin(), public),
        "rotations": rotation.rotations(),
    }


@router.get(
    "/revisions",
    response=list[RevisionOut],
    auth=ANYONE,
    summary="Edit history of one object, newest first",
)
def revisions(request, object: Query[str]):
    """`object` names the thing as type:id, e.g. post:123."""
    object_type, object_id = queries.parse_object_ref(object)
    return queries.revisions_for(object_type, object_id, viewer=request.user)


@router.get(
    "/moderation",
    response=ModerationPageOut,
    auth=ANYONE,
    summary="The public moderation log, newest first",
)
def moderation_log(
    request,
    action: Query[str] = "",
    month: Query[str] = "",
    cursor: Query[str | None] = None,
    limit: Query[int] = 50,
):
    page = queries.moderation_log(action=action, month=month, cursor=cursor, limit=limit)
    return {"items": [queries.action_out(a) for a in page.items], "next": page.next}


class HideIn(RequestBody):
    object: str = Field(description="post:ID or comment:ID")
    rule: int
    reason: str = Field(max_length=10_000)


class UnhideIn(RequestBody):
    object: str = Field(description="post:ID or comment:ID")
    reason: str = Field(max_length=10_000)


class LockIn(RequestBody):
    post: int
    locked: bool = True
    reason: str = Field(max_length=10_000)


class BanIn(RequestBody):
    user: int
    banned: bool = True
    reason: str = Field(max_length=10_000)
    rule: int | None = None


class AppealIn(RequestBody):
    object: str = Field(description="post:ID or comment:ID")
    message: str = Field(max_length=10_000)


class DecisionIn(RequestBody):
    reverse: bool = Field(description="true shows the content again; false keeps it hidden")
    note: str = Field(max_length=10_000)


class AppealOut(Schema):
    id: int
    action: ModerationOut
    message: str
    created_at: datetime
    outcome: str
    decided_at: datetime | None
    decision_note: str


class RuleOut(Schema):
    id: int
    title: str
    description: str
    is_active: bool


class RuleIn(RequestBody):
    title: str = Field(max_length=1000)
    description: str = Field("", max_length=10_000)
    is_active: bool = True


def _moderatable(ref: str) -> tuple[str, int]:
    return queries.parse_object_ref(ref, types=moderation.MODERATABLE)


def _appeal_out(appeal: Appeal) -> dict:
    return {
        "id": appeal.pk,
        "action": queries.action_out(appeal.action),
        "message": appeal.message,
        "created_at": appeal.created_at,
        "outcome": appeal.outcome,
        "decided_at": appeal.decided_at,
        "decision_note": appeal.decision_note,
    }


@router.post(
    "/moderation/hide",
    response={201: ModerationOut},
    auth=SIGNED_IN,
    summary="Hide a post or comment under a rule, with a public reason (staff)",
)
def hide(request, payload: HideIn):
    object_type, object_id = _moderatable(payload.object)
    action = moderation.hide_content(
        actor=request.user,
        object_type=object_type,
        object_id=object_id,
        rule_id=payload.rule,
        reason=payload.reason,
    )
    return 201, queries.action_out(action)


@router.post(
    "/moderation/unhide",
    response={201: ModerationOut},
    auth=SIGNED_IN,
    summary="Show hidden content again, with a public reason (staff)",
)
def unhide(request, payload: UnhideIn):
    object_type, object_id = _moderatable(payload.object)
    action = moderation.unhide_content(
        actor=request.user, object_type=object_type, object_id=object_id, reason=payload.reason
    )
    return 201, queries.action_out(action)


@router.post(
    "/moderation/lock",
    response={201: ModerationOut},
    auth=SIGNED_IN,
    summary="Lock or unlock a post's thread (staff)",
)
def lock(request, payload: LockIn):
    action = moderation.set_lock(
        actor=request.user, post_id=payload.post, locked=payload.locked, reason=payload.reason
    )
    return 201, queries.action_out(action)


@router.post(
    "/moderation/ban",
    response={201: ModerationOut},
    auth=SIGNED_IN,
    summary="Ban a person from writing, or lift the ban (staff)",
)
def ban(request, payload: BanIn):
    action = moderation.set_ban(
        actor=request.user,
        user_id=payload.user,
        banned=payload.banned,
        reason=payload.reason,
        rule_id=payload.rule,
    )
    return 201, queries.action_out(action)


@router.post(
    "/moderation/appeals",
    response={201: AppealOut},
    auth=SIGNED_IN,
    summary="Appeal once against your content being hidden",
)
def appeal(request, payload: AppealIn):
    object_type, object_id = _moderatable(payload.object)
    created = moderation.appeal_hiding(
        author=request.user, object_type=object_type, object_id=object_id, message=payload.message
    )
    return 201, _appeal_out(created)


@router.get(
    "/moderation/appeals",
    response=list[AppealOut],
    auth=SIGNED_IN,
    summary="Appeals waiting for an answer (staff)",
)
def pending_appeals(request):
    from frankly.access import require_staff

    require_staff(request.user)
    return [_appeal_out(a) for a in moderation.pending_appeals()]


@router.post(
    "/moderation/appeals/{appeal_id}/decision",
    response=AppealOut,
    auth=SIGNED_IN,
    summary="Answer an appeal (staff)",
)
def decide(request, appeal_id: int, payload: DecisionIn):
    decided = moderation.decide_appeal(
        actor=request.user, appeal_id=appeal_id, reverse=payload.reverse, note=payload.note
    )
    return _appeal_out(decided)


@router.get("/rules", response=list[RuleOut], auth=ANYONE, summary="The community rules")
def list_rules(request):
    return list(Rule.objects.filter(is_active=True))


@router.post("/rules", response={201: RuleOut}, auth=SIGNED_IN, summary="Add a rule (staff)")
def create_rule(request, payload: RuleIn):
    return 201, rules.create_rule(
        actor=request.user, title=payload.title, description=payload.description
    )


@router.patch(
    "/rules/{rule_id}", response=RuleOut, auth=SIGNED_IN, summary="Change or retire a rule (staff)"
)
def update_rule(request, rule_id: int, payload: RuleIn):
    return rules.update_rule(
        actor=request.user,
        rule_id=rule_id,
        title=payload.title,
        description=payload.description,
        is_active=payload.is_active,
    )
