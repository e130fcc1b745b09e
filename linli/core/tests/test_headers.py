"""Security headers on every answer, no inline code in any template, and the platform's own
error answers: a Chinese page, or the API's JSON error shape under /api/."""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from linli.core import error_views

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(__file__).resolve().parents[2].glob("**/templates/**/*.html"))

EXPECTED_CSP = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self' data:", "connect-src": "'self'", "worker-src": "'self'",
    "manifest-src": "'self'", "frame-ancestors": "'none'", "base-uri": "'self'",
    "form-action": "'self'", "object-src": "'none'",
}
ORG_JSON = {"name": "互助会", "kind": "community"}


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in header.split(";"))


def _page_paths() -> list[str]:
    """Every URL of the project that takes no argument, pages and API alike."""
    paths = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern) and not re.search(r"[<(\\^$]", route):
                paths.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def _assert_policies(response, path):
    assert _csp(response).items() >= EXPECTED_CSP.items(), path
    assert "unsafe" not in response.headers["Content-Security-Policy"], path
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        if feature == "geolocation=()" and path == "/visits/record/" and response.status_code == 200:
            feature = "geolocation=(self)"  # 记录位置, ticked by the visitor (visits/views.py)
        assert feature in policy, path
    assert "no-store" in response.headers["Cache-Control"], path


def test_it_sends_csp_permissions_policy_and_no_store_on_every_page_and_api_answer(
        personas, settings):
    settings.LINLI_ENFORCE_2FA = False
    paths = _page_paths()
    assert "/visits/record/" in paths and "/api/v1/regions/" in paths
    client = Client(raise_request_exception=False)
    for user in (personas.county, personas.admin, None):
        if user:
            client.force_login(user)
        else:
            client.logout()
        for path in [*paths, "/api/v1/missing/", "/no-such-page/"]:
            _assert_policies(client.get(path), path)


def test_it_sends_the_policies_on_api_writes_and_errors(personas, as_user):
    client = as_user(personas.county)
    for response in (client.post("/api/v1/orgs/", ORG_JSON, content_type="application/json"),
                     client.delete("/api/v1/orgs/"),
                     Client().get("/api/v1/regions/")):
        _assert_policies(response, response.request["PATH_INFO"])


def test_it_keeps_static_files_cacheable_but_under_the_permissions_policy(client):
    response = client.get("/static/linli/linli.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_it_leaves_no_inline_script_handler_or_style_in_any_template():
    assert len(TEMPLATES) > 50
    found = []
    for path in TEMPLATES:
        text, name = path.read_text(), str(path).split("/linli/", 1)[1]
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append((name, tag))
        found += [(name, m) for m in re.findall(r"\son[a-z]+\s*=", text, flags=re.I)]
        found += [(name, m) for m in re.findall(r"\shx-on\S*=|javascript:", text, flags=re.I)]
        found += [(name, m) for m in re.findall(r"\sstyle\s*=", text, flags=re.I)]
    assert found == []


def test_it_reads_the_visit_pages_settings_from_data_attributes(personas, as_user):
    body = as_user(personas.village).get("/visits/record/").content.decode()
    assert 'data-api="/api/v1/visits/' in body and 'data-sw="/visits/sw.js"' in body
    assert "LINLI_VISITS" not in body


def test_it_tells_htmx_not_to_inject_styles_or_evaluate_code(personas, as_user):
    body = as_user(personas.county).get("/").content.decode()
    assert '"includeIndicatorStyles": false' in body and '"allowEval": false' in body


# --- the error answers -------------------------------------------------------------------

def _api_error(response, status, code=None, *, chinese=True):
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    error = json.loads(response.content)["error"]
    assert set(error) == {"code", "message", "details"}
    if chinese:
        assert re.search(r"[\u4e00-\u9fff]", error["message"]), error  # a Chinese sentence
    if code:
        assert error["code"] == code
    return error


def _chinese_page(response, status, text):
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert text in body and 'lang="zh-hans"' in body and "邻里守望" in body
    return body


def test_it_answers_an_api_post_without_csrf_token_in_json(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.county)
    response = client.post("/api/v1/orgs/", ORG_JSON, content_type="application/json")
    _api_error(response, 403)


def test_it_shows_a_chinese_page_when_a_form_post_fails_csrf(personas, settings):
    settings.LINLI_ENFORCE_2FA = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.county)
    body = _chinese_page(client.post("/people/new/", {"name": "x"}), 403, "安全校验未通过")
    assert "CSRF" in body and "Forbidden" not in body


def test_it_answers_a_csrf_failure_under_the_api_in_json():
    request = RequestFactory().post("/api/v1/orgs/")
    _api_error(error_views.csrf_failure(request, reason="CSRF cookie not set."), 403,
               "csrf_failed")


def test_it_refuses_an_oversized_api_body_with_413_in_json(personas, as_user):
    big = {**ORG_JSON, "name": "x" * (3 * 1024 * 1024)}
    response = as_user(personas.county).post("/api/v1/orgs/", big,
                                             content_type="application/json")
    error = _api_error(response, 413, "too_large")
    assert "请求内容过大" in error["message"] and error["details"]["max_bytes"] == 2621440


def test_it_refuses_an_oversized_api_body_sent_with_a_token(personas, client):
    from linli.accounts.services import api_token_create

    _token, raw = api_token_create(actor=personas.county, name="t")
    response = client.post("/api/v1/orgs/", "x" * (3 * 1024 * 1024),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    _api_error(response, 413, "too_large")


def test_it_refuses_an_oversized_form_with_a_chinese_page(personas, as_user):
    response = as_user(personas.county).post(
        "/people/new/", "name=" + "x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded")
    _chinese_page(response, 413, "请求内容过大")


def test_it_refuses_too_many_form_fields_with_a_chinese_page(personas, as_user):
    fields = "&".join(f"f{i}=1" for i in range(1200))
    response = as_user(personas.county).post(
        "/people/new/", fields, content_type="application/x-www-form-urlencoded")
    _chinese_page(response, 413, "字段超过 1000 个")


def test_it_refuses_a_malformed_multipart_form_with_a_chinese_page(personas, as_user):
    response = as_user(personas.county).post("/people/new/", b"garbage",
                                             content_type="multipart/form-data")
    _chinese_page(response, 400, "请求内容格式有误")


def test_it_answers_a_malformed_multipart_api_body_in_json(personas, as_user):
    response = as_user(personas.county).post("/api/v1/orgs/", b"garbage",
                                             content_type="multipart/form-data")
    # ninja refuses it itself ("Cannot parse request body"); api_support answers the
    # status's Chinese message and keeps ninja's words as the detail.
    _api_error(response, 400, "bad_request")
    assert response.json()["error"]["details"] == {"reason": "Cannot parse request body"}


def test_it_shows_a_chinese_page_for_a_bad_host(client):
    _chinese_page(client.get("/", HTTP_HOST="evil.example"), 400, "请求有误")


def test_it_answers_an_unknown_api_path_in_json_and_a_page_as_a_page(personas, as_user):
    client = as_user(personas.county)
    _api_error(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    _chinese_page(client.get("/no-such-page/"), 404, "未找到该页面或记录")


def test_it_answers_a_wrong_method_on_the_api_in_json(personas, as_user):
    response = as_user(personas.county).delete("/api/v1/orgs/")
    _api_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_it_answers_permission_denied_in_json_under_the_api_and_as_a_page(personas, as_user):
    factory = RequestFactory()
    _api_error(error_views.permission_denied(factory.get("/api/v1/orgs/"), PermissionDenied()),
               403, "forbidden")
    request = factory.get("/orgs/")
    request.user = personas.county
    _chinese_page(error_views.permission_denied(request, PermissionDenied()), 403, "没有执行此操作的权限")


def test_it_answers_a_server_error_in_json_under_the_api(personas, monkeypatch):
    monkeypatch.setattr("linli.regions.selectors.region_list", _explode)
    client = Client(raise_request_exception=False)
    client.force_login(personas.county)
    _api_error(client.get("/api/v1/regions/"), 500, "server_error")


def test_it_shows_a_chinese_page_on_a_server_error_without_inline_style(personas, monkeypatch):
    monkeypatch.setattr("linli.regions.selectors.region_roots", _explode)
    client = Client(raise_request_exception=False)
    client.force_login(personas.county)
    response = client.get("/regions/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出现错误" in body and "style=" not in body
    _assert_policies(response, "/regions/")


def _explode(**kwargs):
    raise RuntimeError("boom")


@pytest.mark.parametrize("url", ["/api/v1/orgs/?q=%00", "/api/v1/people/?q=a%00b"])
def test_it_refuses_a_nul_in_an_api_query_with_json(personas, as_user, url):
    _api_error(as_user(personas.county).get(url), 400, "bad_request")


def test_it_refuses_a_nul_in_an_api_json_body(personas, as_user):
    response = as_user(personas.county).post(
        "/api/v1/orgs/", '{"name": "a\\u0000b"}', content_type="application/json")
    _api_error(response, 400, "bad_request")


def test_it_refuses_a_nul_in_a_page_filter_with_a_chinese_page(personas, as_user):
    _chinese_page(as_user(personas.county).get("/orgs/?q=%00"), 400, "空字符")
