"""The public pages (no login; what a QR code on a village's notice board opens): a
resident raises an appeal for that village and gets a tracking code, and sees the status
of an appeal by its code — the status only, nothing of anyone's data.

A form is accepted only with the answer to a small sum (signed, answered once, not faster
than a person types) and within a per-address and per-village rate (django-ratelimit,
counted in the cache); what was typed is kept on every refusal."""

import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from linli.appeals import selectors, services
from linli.appeals.models import Category
from linli.core.bounds import is_ascii_number
from linli.core.errors import Invalid, NotFound
from linli.core.forms import BootstrapMixin
from linli.core.views import add_form_errors

SALT = "linli.appeals.public"
FASTEST_SECONDS = 3  # nobody reads the form and types a need faster
LONGEST_SECONDS = 3600


def challenge_new() -> tuple[str, str]:
    """A sum to answer, and the signed token that holds its answer and when it was asked."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "t": int(time.time()), "n": secrets.token_hex(8)},
                          salt=SALT)  # the nonce: two forms asked the same sum in one second
    return _("%(a)d 加 %(b)d 等于几?") % {"a": a, "b": b}, token


def challenge_error(token: str, answer: int | None) -> str:
    """Why the answer does not pass ("" when it does); a token passes once."""
    try:
        asked = signing.loads(token, salt=SALT, max_age=LONGEST_SECONDS)
    except signing.SignatureExpired:
        return _("页面打开时间过长,请回答新的验证问题后再提交")
    except signing.BadSignature:
        return _("验证问题无效,请回答新的验证问题")
    if time.time() - asked["t"] < FASTEST_SECONDS:
        return _("提交太快了,请核对内容后再提交")
    if answer != asked["s"]:
        return _("验证问题回答不正确")
    used = "public-appeal-token:" + hashlib.sha256(token.encode()).hexdigest()
    if not cache.add(used, 1, LONGEST_SECONDS):
        return _("这份表单已经提交过,请回答新的验证问题")
    return ""


class PublicAppealForm(BootstrapMixin, forms.Form):
    requester_name = forms.CharField(label=gettext_lazy("您的姓名"), max_length=32)
    requester_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20,
                                      help_text=gettext_lazy("工作人员会打这个电话联系您"))
    category = forms.ModelChoiceField(label=gettext_lazy("您需要哪方面的帮助"),
                                      queryset=Category.objects.none(), to_field_name="code")
    description = forms.CharField(label=gettext_lazy("诉求内容"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)


def _answer(request) -> int | None:
    text = request.POST.get("answer", "").strip()
    return int(text) if is_ascii_number(text) and len(text) <= 3 else None


def _limited(request, village: str) -> bool:
    """Past the rate for the sender's address or for the village (both counted)."""
    per_address = is_ratelimited(request, group="public-appeal-address", key="ip",
                                 rate=settings.LINLI_PUBLIC_APPEALS_PER_ADDRESS,
                                 method="POST", increment=True)
    per_village = is_ratelimited(request, group="public-appeal-village",
                                 key=lambda _g, _r: village,
                                 rate=settings.LINLI_PUBLIC_APPEALS_PER_VILLAGE,
                                 method="POST", increment=True)
    return per_address or per_village


@require_http_methods(["GET", "POST"])
def public_appeal(request, code: str):
    village = selectors.public_village(code)
    if village is None:
        raise NotFound()
    form = PublicAppealForm(request.POST or None)
    status, challenge = 200, ""
    if request.method == "POST":
        if request.POST.get("website"):  # a field only robots see and fill
            form.add_error(None, _("无法提交,请刷新页面后重试"))
        elif _limited(request, village.code):
            form.add_error(None, _("提交太频繁,请稍后再试;"
                                   "紧急情况请直接拨打村(社区)或民政部门电话"))
            status = 429
        else:
            challenge = challenge_error(request.POST.get("token", ""), _answer(request))
            if form.is_valid() and not challenge:
                try:
                    appeal = services.public_appeal_create(
                        village_code=village.code, category=form.cleaned_data["category"].code,
                        **{k: form.cleaned_data[k] for k in (
                            "requester_name", "requester_phone", "description")})
                except Invalid as error:
                    add_form_errors(form, error)
                else:
                    return render(request, "appeals/public/sent.html",
                                  {"village": village, "appeal": appeal})
        if status == 200:
            status = 422
    question, token = challenge_new()
    return render(request, "appeals/public/form.html", {
        "village": village, "place": selectors.place_name(village), "form": form,
        "question": question, "token": token, "challenge_error": challenge}, status=status)


class TrackForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=12)


@require_http_methods(["GET"])
def public_track(request):
    form = TrackForm(request.GET or None)
    found, status = None, 200
    if form.is_bound:
        if is_ratelimited(request, group="public-appeal-track", key="ip",
                          rate=settings.LINLI_PUBLIC_TRACKS_PER_ADDRESS, method="GET",
                          increment=True):
            form.is_valid()
            form.add_error(None, _("查询太频繁,请稍后再试"))
            status = 429
        elif form.is_valid():
            found = selectors.public_status(form.cleaned_data["code"])
            if found is None:
                form.add_error("code", _("没有这个查询码,请核对后再输入"))
                status = 404
    return render(request, "appeals/public/track.html", {"form": form, "found": found},
                  status=status)


app_name = "public_appeals"
urlpatterns = [
    path("track/", public_track, name="track"),
    path("<str:code>/", public_appeal, name="form"),
]
