import base64
from datetime import datetime, time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.accounts import selectors, services
from linli.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    MembershipForm,
    PasswordChangeForm,
    PasswordResetForm,
    TokenForm,
    UserCreateForm,
)
from linli.accounts.models import ApiToken, User
from linli.accounts.roles import Perm
from linli.core import confirm
from linli.core.errors import Invalid
from linli.core.views import add_form_errors, paginate, require_perm

PENDING = "linli_pending_user"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


def login_view(request):
    """Step one: password. Users with a TOTP device go on to step two before login."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"],
                            password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("用户名或密码错误"))
        elif TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            request.session[PENDING] = {"id": user.pk, "backend": user.backend,
                                        "next": _next_url(request)}
            return redirect("accounts:verify")
        else:
            login(request, user)
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    locked = _("登录失败次数过多,账户已锁定 %(m)d 分钟,请稍后再试或联系系统管理员。") % {
        "m": minutes}
    return render(request, "accounts/login.html", {"form": LoginForm(), "locked": locked},
                  status=429)


def verify_view(request):
    """Step two: the TOTP code, for users who enrolled a device."""
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["id"], is_active=True)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].strip())
        if device is None:
            form.add_error("token", _("动态口令不正确或已过期"))
        else:
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
    return render(request, "accounts/verify.html", {"form": form})


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def second_factor_view(request):
    """Enrol (or re-enrol) a TOTP authenticator app."""
    device = services.totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_confirm(user=request.user, token=form.cleaned_data["token"],
                                           request=request)
        except Invalid as error:
            form.add_error("token", error.message)
        else:
            otp_login(request, device)
            messages.success(request, _("动态口令已绑定,今后登录须输入动态口令。"))
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "enrolled": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
    }
    return render(request, "accounts/second_factor.html", context)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改"))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def profile_view(request):
    tokens = list(ApiToken.objects.filter(user=request.user))
    for token in tokens:
        token.revoke_question = _revoke_question(token)
    return render(request, "accounts/profile.html", {
        "tokens": tokens, "token_form": ApiTokenForm(),
        "enrolled": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
    })


@login_required
@require_POST
def token_create_view(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            messages.error(request, " ".join(problems))
        return redirect("accounts:profile")
    day = form.cleaned_data["expires_at"]
    expires = timezone.make_aware(datetime.combine(day, time.max)) if day else None
    try:
        _token, raw = services.api_token_create(actor=request.user, name=form.cleaned_data["name"],
                                                expires_at=expires)
    except Invalid as error:
        messages.error(request, error.message)
    else:
        messages.warning(request, _("新令牌(只显示这一次,请立即复制保存):%(raw)s") % {"raw": raw})
    return redirect("accounts:profile")


def _revoke_question(token: ApiToken) -> confirm.Question:
    return confirm.Question(
        _("吊销令牌“%(n)s”?") % {"n": token.name},
        _("使用该令牌的程序将立即无法调用接口;吊销后不能恢复,需要时可另建新令牌。"), _("吊销"))


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if confirm.asked(request):
        return confirm.confirmation(request, _revoke_question(token),
                                    cancel_url=reverse("accounts:profile"))
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌“%(n)s”已吊销") % {"n": token.name})
    return redirect("accounts:profile")


# --- administration of users and memberships ----------------------------------------


@require_perm(Perm.MANAGE_USERS)
def user_list_view(request):
    users = selectors.user_list(actor=request.user, q=request.GET.get("q", "").strip(),
                                role=request.GET.get("role", ""))
    page = paginate(request, users)
    return render(request, "accounts/user_list.html", {"page": page, "form": MembershipForm()})


@require_perm(Perm.MANAGE_USERS)
def user_create_view(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create_with_membership(actor=request.user, **data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("用户 %(u)s 已创建") % {"u": user})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@require_perm(Perm.MANAGE_USERS)
def user_detail_view(request, pk: int):
    user = selectors.user_get(actor=request.user, pk=pk)
    membership_form = MembershipForm(request.POST or None, actor=request.user)
    if request.method == "POST" and membership_form.is_valid():
        try:
            services.membership_grant(actor=request.user, user=user,
                                      **membership_form.cleaned_data)
        except Invalid as error:
            add_form_errors(membership_form, error)
        else:
            messages.success(request, _("已授予角色"))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_detail.html", {
        "subject": user,
        "memberships": _with_revoke_questions(user),
        "questions": {action.replace("-", "_"): _user_question(user, action)
                      for action in USER_ASKED},
        "membership_form": membership_form,
        "password_form": PasswordResetForm(),
        "history": user.history.select_related("history_user")[:20],
        "enrolled": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    })


def _with_revoke_questions(user: User) -> list:
    memberships = list(user.memberships.select_related("region", "organisation").order_by(
        "-is_active", "id"))
    for membership in memberships:
        membership.revoke_question = _membership_question(user, membership)
    return memberships


def _membership_question(user: User, membership) -> confirm.Question:
    return confirm.Question(
        _("撤销%(u)s的“%(r)s”授权?") % {"u": user.display_name, "r": _role_where(membership)},
        _("撤销后该用户不再有这一角色的权限,正在使用的页面和令牌随即失效;授权记录保留,"
          "需要时可重新授予。"), _("撤销授权"))


def _role_where(membership) -> str:
    where = membership.organisation.name if membership.organisation_id else membership.region.path
    return f"{membership.get_role_display()} · {where}"


@require_perm(Perm.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def membership_revoke_view(request, pk: int, membership_pk: int):
    user = selectors.user_get(actor=request.user, pk=pk)
    membership = selectors.membership_get(actor=request.user, user=user, pk=membership_pk)
    if confirm.asked(request):
        return confirm.confirmation(request, _membership_question(user, membership),
                                    cancel_url=reverse("accounts:user_detail", args=[user.pk]))
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, _("已撤销%(u)s的“%(r)s”授权") % {
        "u": user.display_name, "r": _role_where(membership)})
    return redirect("accounts:user_detail", pk=user.pk)


USER_ASKED = ("deactivate", "reset-2fa")  # asked once (core.confirm)
USER_DONE = {
    "deactivate": gettext_lazy("账户“%(u)s”已停用,该用户不能再登录"),
    "activate": gettext_lazy("账户“%(u)s”已启用"),
    "reset-2fa": gettext_lazy("已重置%(u)s的双因素认证,下次登录须重新绑定动态口令"),
    "reset-password": gettext_lazy("已重置%(u)s的密码"),
}


def _user_question(user: User, action: str) -> confirm.Question | None:
    names = {"u": user.display_name}
    if action == "deactivate":
        return confirm.Question(
            _("停用%(u)s的账户?") % names,
            _("停用后该用户不能登录,其访问令牌也不能再调用接口;账户、授权和记录保留,"
              "可随时重新启用。"), _("停用账户"))
    if action == "reset-2fa":
        return confirm.Question(
            _("重置%(u)s的双因素认证?") % names,
            _("其已绑定的动态口令立即失效;下次登录时须重新绑定。"), _("重置双因素认证"))
    return None


@require_perm(Perm.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_action_view(request, pk: int, action: str):
    user = selectors.user_get(actor=request.user, pk=pk)
    question = _user_question(user, action)
    if question is not None and confirm.asked(request):
        return confirm.confirmation(request, question,
                                    cancel_url=reverse("accounts:user_detail", args=[user.pk]))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        _user_action(request, user, action)
    except Invalid as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(USER_DONE[action]) % {"u": user.display_name})
    return redirect("accounts:user_detail", pk=user.pk)


def _user_action(request, user: User, action: str) -> None:
    if action == "deactivate":
        services.user_set_active(actor=request.user, user=user, active=False)
    elif action == "activate":
        services.user_set_active(actor=request.user, user=user, active=True)
    elif action == "reset-2fa":
        services.user_reset_second_factor(actor=request.user, user=user)
    elif action == "reset-password":
        services.user_reset_password(actor=request.user, user=user,
                                     password=request.POST.get("password", ""))
    else:
        raise Invalid(_("未知操作"))
