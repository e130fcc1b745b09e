"""Every write of the accounts app: users, memberships, tokens, the second factor."""

import dataclasses
import secrets
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.accounts.access import access_for
from linli.accounts.models import ApiToken, Membership, User, hash_token
from linli.accounts.roles import ORG_ROLES, Perm
from linli.accounts.validators import password_problems
from linli.audit.models import Action
from linli.audit.services import access_log_record
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.regions.models import Region

TOKEN_PREFIX = "linli_"
TOKEN_CACHE_SECONDS = 60


def _require_admin(actor) -> None:
    if not access_for(actor).can(Perm.MANAGE_USERS):
        raise Forbidden()


def _check_password(password: str, user: User) -> None:
    problems = password_problems(password, user)
    if problems:
        raise Invalid(" ".join(problems), details={"password": problems})


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise Invalid(_("区划代码 %(code)s 不存在") % {"code": code},
                      details={"region": [_("区划代码不存在")]})
    return region


@transaction.atomic
def user_create(*, actor, username: str, password: str, full_name: str = "",
                phone: str = "") -> User:
    _require_admin(actor)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid(_("用户名“%(name)s”已被使用") % {"name": username},
                      details={"username": [_("用户名已被使用")]})
    user = User(username=username, full_name=full_name.strip(), phone=phone.strip())
    _check_password(password, user)
    user.set_password(password)
    user.save()
    access_log_record(actor=actor, action=Action.ACCOUNT, obj=user, reason=_("创建用户"))
    return user


@transaction.atomic
def user_create_with_membership(*, actor, username: str, password: str, full_name: str,
                                phone: str, role: str, region_code: str = "",
                                bureau: str = "", organisation_id: int | None = None) -> User:
    """The administrator's usual step: a new account with its first role, or neither."""
    user = user_create(actor=actor, username=username, password=password,
                       full_name=full_name, phone=phone)
    membership_grant(actor=actor, user=user, role=role, region_code=region_code, bureau=bureau,
                     organisation_id=organisation_id)
    return user


@transaction.atomic
def membership_grant(*, actor, user: User, role: str, region_code: str = "",
                     bureau: str = "", organisation_id: int | None = None) -> Membership:
    """Bind a role to a region, or — for organisation roles — to an organisation (whose
    region the membership takes)."""
    _require_admin(actor)
    organisation = None
    if role in ORG_ROLES:
        from linli.orgs.models import Organisation

        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            message = _("请选择所属社会组织")
            raise Invalid(message, details={"organisation_id": [message]})
        region_code = organisation.region_code
    region = _region(region_code)
    if not access_for(actor).covers(region.code):
        raise NotFound()
    membership = Membership(user=user, role=role, region=region, region_code=region.code,
                            bureau=bureau or "", organisation=organisation)
    try:
        membership.full_clean(exclude=["user"])
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), details=error.message_dict) from None
    membership.save()
    access_log_record(actor=actor, action=Action.ACCOUNT, obj=user,
                      reason=_("授予角色:%(m)s") % {"m": membership})
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> Membership:
    _require_admin(actor)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    access_log_record(actor=actor, action=Action.ACCOUNT, obj=membership.user,
                      reason=_("撤销角色:%(m)s") % {"m": membership})
    return membership


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    _require_admin(actor)
    if user.pk == actor.pk and not active:
        raise Invalid(_("不能停用自己的账户"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    access_log_record(actor=actor, action=Action.ACCOUNT, obj=user,
                      reason=_("启用账户") if active else _("停用账户"))
    return user


@transaction.atomic
def user_reset_password(*, actor, user: User, password: str) -> User:
    _require_admin(actor)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    access_log_record(actor=actor, action=Action.ACCOUNT, obj=user, reason=_("重置密码"))
    return user


@transaction.atomic
def user_reset_second_factor(*, actor, user: User) -> None:
    _require_admin(actor)
    TOTPDevice.objects.filter(user=user).delete()
    access_log_record(actor=actor, action=Action.SECOND_FACTOR, obj=user,
                      reason=_("重置双因素认证"))


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device shown during enrolment (one per user, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=_("动态口令"), confirmed=False)


@transaction.atomic
def totp_confirm(*, user: User, token: str, request=None) -> TOTPDevice:
    device = totp_device_pending(user=user)
    if not device.verify_token(token.strip()):
        access_log_record(actor=user, action=Action.SECOND_FACTOR, request=request,
                          outcome="failure", reason=_("绑定动态口令失败"))
        raise Invalid(_("动态口令不正确,请核对手机时间后重试"))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    access_log_record(actor=user, action=Action.SECOND_FACTOR, request=request,
                      reason=_("绑定动态口令"))
    return device


@transaction.atomic
def api_token_create(*, actor: User, name: str,
                     expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and never stored."""
    if not name.strip():
        raise Invalid(_("请填写令牌用途"))
    if expires_at is not None and expires_at <= timezone.now():
        message = _("到期日期不能早于今天")
        raise Invalid(message, details={"expires_at": [message]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name.strip(), prefix=raw[:12],
                                    key_hash=hash_token(raw), expires_at=expires_at)
    access_log_record(actor=actor, action=Action.ACCOUNT, obj=token, reason=_("创建访问令牌"))
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise NotFound()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    access_log_record(actor=actor, action=Action.ACCOUNT, obj=token, reason=_("吊销访问令牌"))
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The token's user, with their access attached. Both are kept in the shared cache for
    TOKEN_CACHE_SECONDS (an API client calls in bursts, and looking them up costs more than
    recording a visit); any change of the token, the user or their memberships forgets
    them at once (linli.accounts.signals)."""
    key_hash = hash_token(raw)
    entry = cache.get(token_cache_key(key_hash))
    if entry is None:
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
        if token is None or not token.is_usable or not token.user.is_active:
            return None
        access = dataclasses.replace(access_for(token.user), memo={})
        entry = {"token_id": token.pk, "user": token.user, "access": access,
                 "expires_at": token.expires_at, "last_used_at": token.last_used_at}
        cache.set(token_cache_key(key_hash), entry, TOKEN_CACHE_SECONDS)
    now = timezone.now()
    if entry["expires_at"] is not None and entry["expires_at"] <= now:  # expired while cached
        return None
    if entry["last_used_at"] is None or now - entry["last_used_at"] > timedelta(minutes=5):
        # "last used" to the minute is enough; writing it on every call costs a write each
        ApiToken.objects.filter(pk=entry["token_id"]).update(last_used_at=now)
        entry["last_used_at"] = now
        cache.set(token_cache_key(key_hash), entry, TOKEN_CACHE_SECONDS)
    user = entry["user"]
    user._linli_access = entry["access"]
    return user


def token_cache_key(key_hash: str) -> str:
    return f"linli:token:{key_hash}"


def tokens_forget(user_id: int) -> None:
    """Drop the cached state of every token of this user (after their account, roles or
    tokens changed), now and again once the change commits."""
    keys = [token_cache_key(h) for h in
            ApiToken.objects.filter(user_id=user_id).values_list("key_hash", flat=True)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
