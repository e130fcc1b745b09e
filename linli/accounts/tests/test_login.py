import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from linli.audit.models import AccessLog, Action

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def no_second_factor(settings):
    settings.LINLI_ENFORCE_2FA = False


def test_it_signs_in_with_the_right_password(client, personas, no_second_factor):
    response = _login(client, "county")
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    assert AccessLog.objects.filter(username="county", action=Action.LOGIN).exists()


def test_it_refuses_a_wrong_password_in_chinese(client, personas):
    response = _login(client, "county", "wrong-Password1")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert AccessLog.objects.filter(username="county", action=Action.LOGIN_FAILED,
                                    outcome="failure").exists()


def test_it_locks_the_account_after_repeated_failures(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "county", "wrong-Password1")
    response = _login(client, "county")  # even the right password is refused now
    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_it_does_not_lock_a_colleague_on_the_same_address(client, personas, settings,
                                                          no_second_factor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "county", "wrong-Password1")
    assert _login(client, "township").status_code == 302


def test_it_times_out_idle_sessions(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_it_logs_out_only_by_post(client, personas, no_second_factor):
    _login(client, "county")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_it_forces_province_users_to_enrol_a_second_factor(client, personas):
    _login(client, "province")
    assert client.get("/regions/63/").url == reverse("accounts:second_factor")
    api = client.get("/api/v1/regions/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"
    page = client.get(reverse("accounts:second_factor")).content.decode()
    assert "<svg" in page and "必须使用动态口令" in page


def test_it_does_not_force_a_county_user(client, personas):
    _login(client, "county")
    assert client.get("/regions/630102/").status_code == 200


def test_it_enrols_totp_and_then_asks_for_it_at_every_login(client, personas):
    _login(client, "province")
    client.get(reverse("accounts:second_factor"))
    device = TOTPDevice.objects.get(user=personas.province)
    refused = client.post(reverse("accounts:second_factor"), {"token": "000000"})
    assert "动态口令不正确" in refused.content.decode()
    enrolled = client.post(reverse("accounts:second_factor"), {"token": _code(device)})
    assert enrolled.status_code == 302
    assert client.get("/regions/63/").status_code == 200
    client.post("/accounts/logout/")

    step_one = _login(client, "province")
    assert step_one.url == reverse("accounts:verify")
    assert client.get("/").status_code == 302  # not signed in between the two steps
    wrong = client.post(reverse("accounts:verify"), {"token": "123456"})
    assert "动态口令不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the throttle would refuse the next code otherwise
    device.throttling_failure_timestamp = None
    device.last_t = -1  # the same 30-second window may be used once more in the test
    device.save()
    assert client.post(reverse("accounts:verify"), {"token": _code(device)}).status_code == 302
    assert client.get("/regions/63/").status_code == 200


def test_it_can_turn_the_requirement_off_for_the_demo(client, personas, no_second_factor):
    _login(client, "province")
    assert client.get("/regions/63/").status_code == 200
