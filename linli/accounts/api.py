from typing import Literal

from ninja import Router, Schema

from linli.accounts.access import access_for
from linli.accounts.roles import Bureau, Domain, Perm, Role

router = Router(tags=["账户"])


class MembershipOut(Schema):
    role: Role
    role_label: str
    bureau: Bureau | Literal[""]
    region_code: str
    region_path: str


class MeOut(Schema):
    username: str
    full_name: str
    region_codes: list[str]
    domains: list[Domain]
    permissions: list[Perm]
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="当前用户、角色与辖区")
def me(request):
    user = request.auth
    access = access_for(user)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "region_codes": list(access.region_codes),
        "domains": sorted(access.domains),
        "permissions": sorted(access.permissions),
        "memberships": [
            {"role": m.role, "role_label": m.get_role_display(), "bureau": m.bureau,
             "region_code": m.region_code, "region_path": m.region.path}
            for m in access.memberships
        ],
    }
