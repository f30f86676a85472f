"""JSON API of the embeddable widget: trade the company's SSO JWT for a widget token.

The panel runs in an iframe on the company's site, where Frankly's session cookie is
blocked or partitioned. widget.js hands the JWT to the panel by postMessage; the panel
sends it here once and keeps the widget token it gets back in memory.
"""

from ninja import Field, Router, Schema

from frankly.accounts import sso
from frankly.schemas import RequestBody
from frankly.widget.tokens import issue_widget_token, lifetime_seconds

router = Router(tags=["widget"])


class WidgetSessionIn(RequestBody):
    sso_token: str = Field(max_length=sso.MAX_TOKEN_LENGTH, description="The SSO JWT")


class WidgetUserOut(Schema):
    name: str


class WidgetSessionOut(Schema):
    token: str = Field(
        description="A Bearer token for GET /posts, POST /posts and the vote routes only"
    )
    expires_in: int = Field(description="Seconds until the token stops working")
    user: WidgetUserOut


@router.post(
    "/widget/session",
    response={201: WidgetSessionOut},
    auth=None,
    summary="Exchange an SSO JWT for a short-lived widget token (the JWT is spent)",
)
def widget_session(request, payload: WidgetSessionIn):
    identity = sso.verify(payload.sso_token)
    user = sso.sign_in(identity)
    return 201, {
        "token": issue_widget_token(user),
        "expires_in": lifetime_seconds(),
        "user": {"name": user.public_name},
    }
