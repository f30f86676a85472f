from ninja import Router, Schema

from frankly.accounts.auth import SIGNED_IN

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    name: str
    role: str
    time_zone: str


@router.get("/me", response=MeOut, auth=SIGNED_IN, summary="Who am I")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.public_name,
        "role": str(user.role),
        "time_zone": user.time_zone,
    }
