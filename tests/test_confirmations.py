"""Destructive actions ask once, naming the record, and say afterwards what was done.

For each one: a GET of the action's URL is the confirmation page (it names the record and
what will happen, and changes nothing); the no-JS button's POST (confirm=ask) is the same
page; the POST does it and the message names the record; another county gets 404.
Also: a hidden field's error is said on top of the form, and a return or rejection without
its reason is said on the filing's form (core.confirm, issue 11).
"""

import io
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_VILLAGE
from linli.accounts import services as account_services
from linli.accounts.models import ApiToken, Membership
from linli.orgs import services as org_services
from linli.orgs.forms import FilingForm
from linli.orgs.models import Filing, FilingKind, FilingStatus, Organisation, Status
from linli.orgs.tests.conftest import community, filed
from linli.people.models import Person, PersonStatus
from linli.people.tests.conftest import OLD_MAN, register

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _asks(response, *words):
    """The confirmation page: 200, its POST button, each of the words."""
    body = _text(response)
    assert response.status_code == 200, body[:300]
    assert 'id="confirm-page"' in body and 'id="confirm-yes"' in body
    for word in words:
        assert word in body, word
    return body


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def elder(personas):
    return register(personas.village, name="马福寿", id_number=OLD_MAN,
                    groups=[{"code": "elderly_alone"}])


# --- 销册 -----------------------------------------------------------------------------


def test_it_asks_before_closing_a_person_and_names_them(personas, as_user, elder):
    client = as_user(personas.village)
    url = reverse("people:close", args=[elder.pk])
    body = _asks(client.get(url), "为马福寿销册?", "不再安排探访", "档案和探访记录保留")
    assert 'name="reason"' in body  # the reason is asked on the same page
    asked = client.post(url, {"reason": "moved", "confirm": "ask"})
    assert 'value="moved" selected' in _asks(asked, "为马福寿销册?")
    assert Person.objects.get(pk=elder.pk).status == PersonStatus.ACTIVE


def test_it_closes_a_person_and_says_so(personas, as_user, elder):
    response = as_user(personas.village).post(reverse("people:close", args=[elder.pk]),
                                              {"reason": "moved"}, follow=True)
    assert "马福寿已销册(迁出),不再安排探访" in _messages(response)
    assert Person.objects.get(pk=elder.pk).status == PersonStatus.CLOSED


def test_it_asks_again_with_the_error_when_the_reason_is_missing(personas, as_user, elder):
    response = as_user(personas.village).post(reverse("people:close", args=[elder.pk]),
                                              {"reason": "", "on": "2099-01-01"})
    assert response.status_code == 422
    body = _text(response)
    assert 'id="confirm-page"' in body and "invalid-feedback" in body
    assert Person.objects.get(pk=elder.pk).status == PersonStatus.ACTIVE


def test_it_says_a_closing_date_after_today_next_to_it(personas, as_user, elder):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = as_user(personas.village).post(reverse("people:close", args=[elder.pk]),
                                              {"reason": "moved", "on": tomorrow.isoformat()})
    assert response.status_code == 422 and "销册日期不能晚于今天" in _text(response)
    assert Person.objects.get(pk=elder.pk).status == PersonStatus.ACTIVE


def test_the_person_page_marks_the_close_and_end_buttons_for_the_dialog(personas, as_user,
                                                                         elder):
    body = _text(as_user(personas.village).get(reverse("people:detail", args=[elder.pk])))
    assert 'data-confirm="为马福寿销册?"' in body
    assert 'data-confirm="终止马福寿的“独居老年人”认定?"' in body
    assert body.count('name="confirm" value="ask"') == 2


# --- 终止 (a group) ----------------------------------------------------------------------


def test_it_asks_before_ending_a_group_and_then_ends_it(personas, as_user, elder):
    membership = elder.group_memberships.get()
    client = as_user(personas.village)
    url = reverse("people:group_end", args=[elder.pk, membership.pk])
    _asks(client.get(url), "终止马福寿的“独居老年人”认定?", "不再按该类别安排探访")
    _asks(client.post(url, {"confirm": "ask"}), "独居老年人")
    membership.refresh_from_db()
    assert membership.ended_on is None
    response = client.post(url, follow=True)
    assert "已终止马福寿的“独居老年人”认定" in _messages(response)
    membership.refresh_from_db()
    assert membership.ended_on == timezone.localdate()


def test_another_county_cannot_see_the_questions_about_our_person(personas, as_user, elder):
    client = as_user(personas.other_county)
    membership = elder.group_memberships.get()
    for url in (reverse("people:close", args=[elder.pk]),
                reverse("people:group_end", args=[elder.pk, membership.pk])):
        response = client.get(url)
        assert response.status_code == 404 and "马福寿" not in _text(response), url


# --- 注销备案, 暂停活动 -------------------------------------------------------------------


@pytest.fixture
def active_org(personas):
    return filed(personas.township, personas.township, name="北关社区文艺队")


def test_it_asks_before_filing_a_deregistration(personas, as_user, active_org):
    client = as_user(personas.township)
    url = reverse("orgs:filing_create", args=[active_org.pk])
    body = _asks(client.get(url, {"kind": "deregister"}), f"提交“{active_org.name}”的注销备案?",
                 "不再出现在在册名录中")
    assert 'name="kind" value="deregister"' in body and 'name="reason"' in body
    asked = client.post(url, {"kind": "deregister", "reason": "成员迁出", "confirm": "ask"})
    assert "成员迁出" in _asks(asked, "注销备案")
    assert not Filing.objects.filter(kind=FilingKind.DEREGISTER).exists()
    assert client.get(url).status_code == 405  # no other kind of filing is asked


def test_it_files_a_deregistration_and_names_the_organisation(personas, as_user, active_org):
    response = as_user(personas.township).post(
        reverse("orgs:filing_create", args=[active_org.pk]),
        {"kind": "deregister", "reason": "成员迁出"}, follow=True)
    filing = Filing.objects.get(kind=FilingKind.DEREGISTER)
    assert filing.reason == "成员迁出"
    assert f"“{active_org.name}”的注销备案已提交" in _messages(response)


def test_a_deregistration_without_a_reason_is_asked_again_on_its_field(personas, as_user,
                                                                        active_org):
    response = as_user(personas.township).post(
        reverse("orgs:filing_create", args=[active_org.pk]), {"kind": "deregister"})
    assert response.status_code == 422
    assert 'id="confirm-page"' in _text(response) and "invalid-feedback" in _text(response)
    assert not Filing.objects.filter(kind=FilingKind.DEREGISTER).exists()


def test_it_asks_before_suspending_an_organisation(personas, as_user, active_org):
    client = as_user(personas.township)
    url = reverse("orgs:status", args=[active_org.pk])
    body = _asks(client.get(url), f"暂停“{active_org.name}”的活动?", "可随时恢复活动")
    assert 'name="status" value="suspended"' in body
    _asks(client.post(url, {"status": "suspended", "reason": "整改", "confirm": "ask"}), "整改")
    assert Organisation.objects.get(pk=active_org.pk).status == Status.ACTIVE
    response = client.post(url, {"status": "suspended", "reason": "整改"}, follow=True)
    assert f"“{active_org.name}”已暂停活动" in _messages(response)
    assert Organisation.objects.get(pk=active_org.pk).status == Status.SUSPENDED
    resumed = client.post(url, {"status": "active", "reason": "整改完成"}, follow=True)
    assert f"“{active_org.name}”已恢复活动" in _messages(resumed)  # resuming is not asked


def test_a_suspension_without_a_reason_is_asked_again(personas, as_user, active_org):
    response = as_user(personas.township).post(reverse("orgs:status", args=[active_org.pk]),
                                               {"status": "suspended", "reason": " "})
    assert response.status_code == 422 and "invalid-feedback" in _text(response)
    assert Organisation.objects.get(pk=active_org.pk).status == Status.ACTIVE


def test_the_organisation_page_marks_its_destructive_buttons(personas, as_user, active_org):
    body = _text(as_user(personas.township).get(reverse("orgs:detail", args=[active_org.pk])))
    assert f'data-confirm="提交“{active_org.name}”的注销备案?"' in body
    assert f'data-confirm="暂停“{active_org.name}”的活动?"' in body


# --- 不予备案, 撤回, 退回 ------------------------------------------------------------------


@pytest.fixture
def submitted(personas):
    org = community(personas.township)
    return org_services.filing_submit(actor=personas.township, organisation=org,
                                      kind=FilingKind.ESTABLISH)


def test_it_asks_before_rejecting_a_filing_and_keeps_the_reason(personas, as_user, submitted):
    client = as_user(personas.township)
    url = reverse("orgs:filing_action", args=[submitted.pk, "reject"])
    _asks(client.get(url), "对“北关社区夕阳红志愿服务队”的成立备案不予备案?", "不能再补正")
    asked = client.post(url, {"comment": "名称与他人重复", "confirm": "ask"})
    assert "名称与他人重复" in _asks(asked, "不予备案")
    assert Filing.objects.get(pk=submitted.pk).status == FilingStatus.SUBMITTED
    response = client.post(url, {"comment": "名称与他人重复"}, follow=True)
    assert "“北关社区夕阳红志愿服务队”的成立备案:已不予备案" in _messages(response)
    assert Filing.objects.get(pk=submitted.pk).status == FilingStatus.REJECTED


def test_it_asks_before_withdrawing_a_returned_filing(personas, as_user, submitted):
    org_services.filing_transition(actor=personas.township, filing=submitted, action="return",
                                   comment="请补充成员名册")
    client = as_user(personas.township)
    url = reverse("orgs:filing_action", args=[submitted.pk, "withdraw"])
    _asks(client.get(url), "撤回“北关社区夕阳红志愿服务队”的成立备案申请?")
    assert Filing.objects.get(pk=submitted.pk).status == FilingStatus.RETURNED
    response = client.post(url, follow=True)
    assert "已撤回" in _messages(response)
    assert Filing.objects.get(pk=submitted.pk).status == FilingStatus.WITHDRAWN


def test_approving_and_returning_are_not_asked_and_a_get_does_neither(personas, as_user,
                                                                       submitted):
    client = as_user(personas.township)
    for action in ("approve", "return"):
        url = reverse("orgs:filing_action", args=[submitted.pk, action])
        assert client.get(url).status_code == 405
    assert Filing.objects.get(pk=submitted.pk).status == FilingStatus.SUBMITTED


@pytest.mark.parametrize("action, label", [("return", "退回补正"), ("reject", "不予备案")])
def test_a_decision_without_its_reason_is_said_on_the_form(personas, as_user, submitted,
                                                           action, label):
    response = as_user(personas.township).post(
        reverse("orgs:filing_action", args=[submitted.pk, action]), {"comment": "  "})
    body = _text(response)
    assert response.status_code == 422
    assert 'id="decision"' in body and 'id="events"' in body  # the filing's page, not a dead end
    error = re.search(r'id="comment-error">([^<]*)<', body)
    assert error and error.group(1) == f"{label}须填写理由"
    assert Filing.objects.get(pk=submitted.pk).status == FilingStatus.SUBMITTED


def test_the_filing_page_marks_rejecting_for_the_dialog(personas, as_user, submitted):
    body = _text(as_user(personas.township).get(reverse("orgs:filing_detail",
                                                        args=[submitted.pk])))
    assert 'data-confirm="对“北关社区夕阳红志愿服务队”的成立备案不予备案?"' in body
    assert body.count("data-confirm=") == 1  # approving and returning are not asked


def test_another_county_cannot_see_the_questions_about_our_organisation(personas, as_user,
                                                                         submitted,
                                                                         active_org):
    client = as_user(personas.other_county)
    for url in (reverse("orgs:filing_action", args=[submitted.pk, "reject"]),
                reverse("orgs:filing_create", args=[active_org.pk]) + "?kind=deregister",
                reverse("orgs:status", args=[active_org.pk])):
        response = client.get(url)
        assert response.status_code == 404 and active_org.name not in _text(response), url


# --- 停用账户, 重置双因素认证, 撤销授权, 吊销令牌 ----------------------------------------------


def test_it_asks_before_deactivating_an_account(personas, as_user):
    client = as_user(personas.admin)
    url = reverse("accounts:user_action", args=[personas.county.pk, "deactivate"])
    _asks(client.get(url), "停用county的账户?", "不能登录")
    _asks(client.post(url, {"confirm": "ask"}), "停用county的账户?")
    personas.county.refresh_from_db()
    assert personas.county.is_active
    response = client.post(url, follow=True)
    assert "账户“county”已停用" in _messages(response)
    personas.county.refresh_from_db()
    assert not personas.county.is_active


def test_it_asks_before_resetting_the_second_factor(personas, as_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=personas.county, name="phone", confirmed=True)
    client = as_user(personas.admin)
    url = reverse("accounts:user_action", args=[personas.county.pk, "reset-2fa"])
    _asks(client.get(url), "重置county的双因素认证?")
    assert TOTPDevice.objects.filter(user=personas.county).exists()
    response = client.post(url, follow=True)
    assert "已重置county的双因素认证" in _messages(response)
    assert not TOTPDevice.objects.filter(user=personas.county).exists()


def test_activating_is_not_asked_and_a_get_does_not_activate(personas, as_user):
    account_services.user_set_active(actor=personas.admin, user=personas.county, active=False)
    client = as_user(personas.admin)
    url = reverse("accounts:user_action", args=[personas.county.pk, "activate"])
    assert client.get(url).status_code == 405
    personas.county.refresh_from_db()
    assert not personas.county.is_active
    assert "账户“county”已启用" in _messages(client.post(url, follow=True))


def test_it_asks_before_revoking_a_membership(personas, as_user):
    membership = Membership.objects.get(user=personas.county)
    client = as_user(personas.admin)
    url = reverse("accounts:membership_revoke", args=[personas.county.pk, membership.pk])
    _asks(client.get(url), "撤销county的“县(市、区、行委)民政局人员 · ", "城东区”授权?")
    membership.refresh_from_db()
    assert membership.is_active
    response = client.post(url, follow=True)
    assert "已撤销county的" in _messages(response)
    membership.refresh_from_db()
    assert not membership.is_active


def test_it_asks_before_revoking_a_token_and_names_it(personas, as_user):
    account_services.api_token_create(actor=personas.county, name="统计对接")
    token = ApiToken.objects.get(user=personas.county)
    client = as_user(personas.county)
    url = reverse("accounts:token_revoke", args=[token.pk])
    _asks(client.get(url), "吊销令牌“统计对接”?", "立即无法调用接口")
    token.refresh_from_db()
    assert token.revoked_at is None
    profile = _text(client.get(reverse("accounts:profile")))
    assert 'data-confirm="吊销令牌“统计对接”?"' in profile
    response = client.post(url, follow=True)
    assert "令牌“统计对接”已吊销" in _messages(response)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_else_sees_the_account_questions(personas, as_user):
    account_services.api_token_create(actor=personas.county, name="统计对接")
    token = ApiToken.objects.get(user=personas.county)
    membership = Membership.objects.get(user=personas.county)
    assert as_user(personas.other_county).get(
        reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    for url in (reverse("accounts:user_action", args=[personas.county.pk, "deactivate"]),
                reverse("accounts:membership_revoke", args=[personas.county.pk, membership.pk])):
        assert as_user(personas.county).get(url).status_code == 404, url


def test_the_user_page_marks_its_destructive_buttons(personas, as_user):
    body = _text(as_user(personas.admin).get(reverse("accounts:user_detail",
                                                     args=[personas.county.pk])))
    assert 'data-confirm="停用county的账户?"' in body
    assert 'data-confirm="重置county的双因素认证?"' in body
    assert 'data-confirm="撤销county的“' in body


def test_the_import_page_asks_before_abandoning_in_the_browser(personas, as_user):
    from openpyxl import Workbook

    from linli.core import importing

    book, content = Workbook(), io.BytesIO()
    book.active.append(["姓名", "公民身份号码", "村(社区)", "对象类别"])
    book.active.append(["马福寿", OLD_MAN, "北关社区", "独居老人"])
    book.save(content)
    job = importing.import_preview(actor=personas.township, kind="people",
                                   filename="北关社区花名册.xlsx", content=content.getvalue())
    body = _text(as_user(personas.township).get(reverse("core:import_job", args=[job.pk])))
    assert f'data-confirm="放弃“{job.filename}”?"' in body


# --- hidden fields ----------------------------------------------------------------------


def test_a_hidden_fields_error_is_said_on_top_not_beside_nothing():
    body = render_to_string("core/_form.html", {"form": FilingForm({"kind": "bogus"})})
    alert = body.index("页面已过期或已被他人修改,请刷新页面后重试。")
    assert alert < body.index('name="kind"') < body.index('name="name"')
    assert "备案事项</label>" not in body  # no label for a field nobody can see


def test_a_stale_organisation_edit_is_said_on_top_of_the_form(personas, as_user):
    org = community(personas.township)
    form = {"name": org.name, "kind": "community", "category": org.category,
            "region_code": OUR_VILLAGE, "leader_name": "马秀兰", "members_count": 18,
            "version": org.version}
    client = as_user(personas.township)
    client.post(reverse("orgs:edit", args=[org.pk]), {**form, "leader_name": "韩永福"})
    response = client.post(reverse("orgs:edit", args=[org.pk]), {**form, "members_count": 20})
    body = _text(response)
    assert response.status_code == 200  # the form again, with the clerk's typing
    alert = body.index("该组织已被他人修改,请刷新后重新编辑")
    assert 'role="alert"' in body[alert - 80:alert] and alert < body.index('name="name"')
    assert 'value="20"' in body
    assert Organisation.objects.get(pk=org.pk).members_count == 18


def test_a_stale_person_edit_is_said_on_top_of_the_form(personas, as_user, elder):
    form = {"name": "马福寿", "region_code": OUR_VILLAGE, "risk": "high",
            "version": elder.version}
    client = as_user(personas.village)
    client.post(reverse("people:edit", args=[elder.pk]), form)
    body = _text(client.post(reverse("people:edit", args=[elder.pk]), {**form, "risk": "low"}))
    alert = body.index("该对象已被他人修改")
    assert 'role="alert"' in body[alert - 80:alert] and alert < body.index('name="name"')


def test_a_forged_person_version_is_said_on_top_of_the_form(personas, as_user, elder):
    body = _text(as_user(personas.village).post(reverse("people:edit", args=[elder.pk]), {
        "name": "马福寿", "region_code": OUR_VILLAGE, "risk": "high", "version": "abc"}))
    assert body.index("页面已过期,请刷新后重新编辑") < body.index('name="name"')
    assert Person.objects.get(pk=elder.pk).risk == elder.risk
