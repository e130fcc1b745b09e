"""The public pages: a resident's appeal from the village's QR code (no login) with its
challenge and rate limits, the tracking code's status page, and the staff's QR poster."""

import secrets
import time

import pytest
from django.core import signing
from django.urls import reverse

from conftest import OTHER_VILLAGE, OUR_TOWNSHIP, OUR_VILLAGE
from linli.appeals.models import Appeal, AppealStatus, Channel
from linli.appeals.public import SALT
from linli.core.models import Notification

pytestmark = pytest.mark.django_db
FORM = reverse("public_appeals:form", args=[OUR_VILLAGE])
TRACK = reverse("public_appeals:track")


def _token(answer=7, age=10) -> str:
    return signing.dumps({"s": answer, "t": int(time.time()) - age, "n": secrets.token_hex(8)},
                         salt=SALT)


def _fields(**extra) -> dict:
    return {"requester_name": "韩秀英", "requester_phone": "13909710001",
            "category": "elderly_care", "description": "老伴卧床,想申请上门护理",
            "answer": "7", "token": _token(), **extra}


def test_a_resident_raises_an_appeal_for_the_village_and_gets_a_tracking_code(
        client, personas, django_capture_on_commit_callbacks):
    page = client.get(FORM)
    assert page.status_code == 200 and "北关社区" in page.content.decode()
    assert "等于几" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(FORM, _fields())
    appeal = Appeal.objects.get()
    assert sent.status_code == 200 and appeal.code in sent.content.decode()
    assert (appeal.status, appeal.channel, appeal.region_code) == (
        AppealStatus.PENDING, Channel.PUBLIC, OUR_VILLAGE)
    assert appeal.created_by is None and appeal.due_at is not None
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert {"village", "township"} <= told


@pytest.mark.parametrize("fields, said", [
    (lambda: {"answer": "8"}, "验证问题回答不正确"),
    (lambda: {"token": _token(age=0)}, "提交太快了"),
    (lambda: {"token": "forged"}, "验证问题无效"),
    (lambda: {"requester_phone": "电话"}, "请填写正确的联系电话"),
    (lambda: {"description": ""}, "这个字段是必填项"),
])
def test_a_bad_form_is_said_and_keeps_what_was_typed(client, personas, fields, said):
    response = client.post(FORM, _fields(**fields()))
    body = response.content.decode()
    assert response.status_code == 422 and said in body
    assert "韩秀英" in body and not Appeal.objects.exists()


def test_a_form_cannot_be_sent_twice_with_one_answer(client, personas):
    fields = _fields()
    assert client.post(FORM, fields).status_code == 200
    again = client.post(FORM, fields)
    assert again.status_code == 422 and "已经提交过" in again.content.decode()
    assert Appeal.objects.count() == 1


def test_a_flood_from_one_address_is_stopped_and_loses_nothing_typed(client, personas,
                                                                      settings):
    settings.LINLI_PUBLIC_APPEALS_PER_ADDRESS = "2/h"
    for _ in range(2):
        assert client.post(FORM, _fields(token=_token())).status_code == 200
    stopped = client.post(FORM, _fields(token=_token()))
    body = stopped.content.decode()
    assert stopped.status_code == 429 and "提交太频繁" in body and "老伴卧床" in body
    assert Appeal.objects.count() == 2


def test_a_robot_filling_the_hidden_field_is_refused(client, personas):
    response = client.post(FORM, _fields(website="http://spam.example"))
    assert response.status_code == 422 and not Appeal.objects.exists()


def test_only_a_village_has_a_public_page(client, personas):
    assert client.get(reverse("public_appeals:form", args=[OUR_TOWNSHIP])).status_code == 404
    assert client.get(reverse("public_appeals:form", args=["abc"])).status_code == 404


def test_the_tracking_code_shows_the_status_and_nothing_personal(client, personas):
    client.post(FORM, _fields())
    appeal = Appeal.objects.get()
    page = client.get(f"{TRACK}?code={appeal.code.lower()}").content.decode()
    assert "待受理" in page and "养老" in page and "北关社区" in page
    for private in ("韩秀英", "13909710001", "老伴卧床"):
        assert private not in page
    missing = client.get(f"{TRACK}?code=ZZZZZZZZZZ")
    assert missing.status_code == 404 and "没有这个查询码" in missing.content.decode()


def test_looking_up_codes_in_bulk_is_stopped(client, personas, settings):
    settings.LINLI_PUBLIC_TRACKS_PER_ADDRESS = "3/h"
    codes = [client.get(f"{TRACK}?code=ZZZZZZZZZ{n}").status_code for n in range(4)]
    assert codes == [404, 404, 404, 429]


def test_the_village_prints_its_qr_poster_and_cannot_print_another_countys(personas, as_user):
    page = as_user(personas.village).get(reverse("appeals:poster")).content.decode()
    assert 'id="poster-qr"' in page and "<svg" in page and FORM in page
    other = as_user(personas.township).get(reverse("appeals:poster"), {
        "village": OTHER_VILLAGE, "village__text": "乐都"}).content.decode()
    assert 'id="poster-qr"' not in other
