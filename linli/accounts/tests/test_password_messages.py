"""Every password-policy message a user reads is Chinese under zh-hans (issue 9, item 9):
Django's own validators once answered "This password is too short…" beside our Chinese
sentences, because Django 5.2's catalogue lost that message."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import OUR_TOWNSHIP, PASSWORD
from linli.accounts.roles import Role
from linli.accounts.validators import password_problems

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# one password per validator (and one that trips several at once)
BAD = {
    "too short": "Qh@1",
    "like the user name": "Zhangsan@2026",
    "common": "Password123",
    "numeric only": "20262026202620",
    "too simple": "qinghaiqinghai",
    "everything": "1234",
}
FEEDBACK = re.compile(r'<div class="(?:invalid-feedback d-block|alert alert-danger)"[^>]*>(.*?)</div>',
                      re.S)
HELP = re.compile(r'<div class="form-text">(.*?)</div>', re.S)


def _texts(pattern, body: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", " ", t)).strip() for t in pattern.findall(body)]


def _english(messages) -> list[str]:
    return [m for m in messages if LATIN_WORD.search(m)]


@pytest.mark.parametrize("password", BAD.values(), ids=BAD.keys())
def test_it_says_every_problem_in_chinese(personas, password):
    personas.village.username = "zhangsan"
    with translation.override("zh-hans"):
        problems = password_problems(password, personas.village)
    assert problems and not _english(problems)


def test_it_names_the_minimum_length():
    with translation.override("zh-hans"):
        assert "密码太短,至少需要 10 个字符。" in password_problems("Qh@1")


@pytest.mark.parametrize("password", BAD.values(), ids=BAD.keys())
def test_it_refuses_in_chinese_on_the_user_creation_page(personas, as_user, password):
    response = as_user(personas.admin).post(reverse("accounts:user_create"), {
        "username": "zhangsan", "full_name": "张三", "password": password,
        "role": Role.TOWNSHIP_ASSISTANT, "region_code": OUR_TOWNSHIP, "bureau": ""})
    feedback = _texts(FEEDBACK, response.content.decode())
    assert any("密码" in text for text in feedback)
    assert not _english(feedback)


@pytest.mark.parametrize("password", BAD.values(), ids=BAD.keys())
def test_it_refuses_in_chinese_on_the_change_password_page(personas, as_user, password):
    personas.village.username = "zhangsan"
    personas.village.save()
    response = as_user(personas.village).post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": password, "new_password2": password})
    assert response.status_code == 200
    body = response.content.decode()
    feedback = _texts(FEEDBACK, body)
    assert any("密码" in text for text in feedback)
    assert not _english(feedback)
    assert not _english(_texts(HELP, body))  # the policy shown under the field too


def test_it_refuses_a_wrong_old_password_and_a_mismatch_in_chinese(personas, as_user):
    response = as_user(personas.village).post(reverse("accounts:password_change"), {
        "old_password": "wrong", "new_password1": "Qinghai@2026a",
        "new_password2": "Qinghai@2026b"})
    feedback = _texts(FEEDBACK, response.content.decode())
    assert len(feedback) >= 2 and not _english(feedback)


def test_it_changes_a_good_password(personas, as_user):
    response = as_user(personas.village).post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Qinghai@2026new",
        "new_password2": "Qinghai@2026new"})
    assert response.status_code == 302
    personas.village.refresh_from_db()
    assert personas.village.check_password("Qinghai@2026new")


def test_it_refuses_a_reset_password_in_chinese(personas, as_user):
    url = reverse("accounts:user_action", args=[personas.village.pk, "reset-password"])
    response = as_user(personas.admin).post(url, {"password": "Qh@1"}, follow=True)
    body = response.content.decode()
    assert "密码太短,至少需要 10 个字符。" in body and "This password" not in body
