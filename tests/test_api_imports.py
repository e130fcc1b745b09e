"""Imports over the API (issue 10): the pages' engine, scope and masks behind
/api/v1/imports/, driven with a personal access token as a county system would."""

import copy
import io
import json
import re
import zipfile

import hypothesis
import jsonschema
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from schemathesis.core import NotSet
from schemathesis.generation.modes import GenerationMode

from conftest import OUR_TOWNSHIP, OUR_VILLAGE
from linli.accounts.services import api_token_create
from linli.api import api as ninja_api
from linli.core import crypto, importing
from linli.core.models import ImportJob, ImportMemory, ImportStatus
from linli.people.models import GroupMembership, Person
from linli.people.tests.conftest import OLD_MAN, WOMAN

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A roster that says nowhere where its people live, with a category no wording knows.
PLACELESS = [["马福寿", OLD_MAN, "", "老党员困难户"], ["张秀英", WOMAN, "", "高龄"]]
SCHEMA = ninja_api.get_openapi_schema(path_prefix="/api/v1/")
ANSWERS = {"region": "北关社区", "group_values": {"老党员困难户": "elderly_alone"}}


def roster(rows, header=("序号", "姓名", "身份证号码", "家庭住址", "人员类别")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["城东区特殊困难老年人花名册"])
    sheet.append(list(header))
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def api(client, personas):
    """call(persona, method, path, **data): the API as that persona's token holder."""
    tokens = {}

    def call(user, method, path, data=None, **extra):
        if user.pk not in tokens:
            tokens[user.pk] = api_token_create(actor=user, name="区县系统")[1]
        headers = {"Authorization": f"Bearer {tokens[user.pk]}"}
        return getattr(client, method)(URL + path, data or {}, headers=headers, **extra)

    return call


@pytest.fixture
def upload(api, personas):
    def send(content: bytes, *, kind="people", options=None, user=None, name="名册.xlsx"):
        data = {"file": SimpleUploadedFile(name, content)}
        if options is not None:
            data["options"] = options if isinstance(options, str) else json.dumps(options)
        return api(user or personas.county, "post", f"{kind}/", data)

    return send


def conforms(answer, method: str, path: str) -> dict:
    """The answer's JSON, checked against what the OpenAPI document declares for it."""
    declared = SCHEMA["paths"][f"/api/v1/imports/{path}"][method]["responses"]
    schema = declared[answer.status_code]["content"]["application/json"]["schema"]
    jsonschema.validate(answer.json(), {**schema, "components": SCHEMA["components"]})
    return answer.json()


def chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def test_it_previews_an_upload_and_the_options_change_the_outcome(upload):
    bare = upload(roster(PLACELESS))
    assert bare.status_code == 201, bare.content
    job = conforms(bare, "post", "{kind}/")
    assert (job["status"], job["total_rows"], job["valid_rows"], job["error_rows"]) == (
        "previewed", 2, 0, 2)
    assert all("无法确定所在村(社区)" in e["reason"] for e in job["errors"])
    assert job["errors"][0]["values"][1] == crypto.mask_number(OLD_MAN)
    assert {n for reason, n in job["error_counts"].items() if "无法确定所在村" in reason} == {2}

    placed = upload(roster(PLACELESS), options={"region": ANSWERS["region"]}).json()
    assert (placed["valid_rows"], placed["error_rows"]) == (1, 1)
    assert "无法识别的对象类别“老党员困难户”" in placed["errors"][0]["reason"]

    answered = upload(roster(PLACELESS), options=ANSWERS)
    assert answered.status_code == 201, answered.content
    job = conforms(answered, "post", "{kind}/")
    assert (job["valid_rows"], job["error_rows"]) == (2, 0), job["errors"]
    assert job["options"] == ANSWERS
    assert job["preview"]["headers"][:2] == ["姓名", "公民身份号码"]
    assert [row[0] for row in job["preview"]["rows"]] == ["马福寿", "张秀英"]
    assert job["preview"]["rows"][0][1] == crypto.mask_number(OLD_MAN)
    headings = {h["text"]: h["column"] for h in job["columns"][0]["headings"]}
    assert headings["人员类别"] == "对象类别" and headings["身份证号码"] == "公民身份号码"
    assert not Person.objects.exists()  # a preview writes nothing


def test_it_commits_a_previewed_job_and_a_reimport_changes_nothing(upload, api, personas):
    job = upload(roster(PLACELESS), options=ANSWERS).json()
    committed = api(personas.county, "post", f"{job['id']}/commit")
    assert committed.status_code == 200, committed.content
    conforms(committed, "post", "{pk}/commit")
    assert (committed.json()["status"], committed.json()["created_count"]) == ("committed", 2)
    assert set(Person.objects.values_list("region_code", flat=True)) == {OUR_VILLAGE}
    assert GroupMembership.objects.filter(person__name="马福寿",
                                          group__code="elderly_alone").exists()

    again = api(personas.county, "post", f"{job['id']}/commit")
    assert again.status_code == 422 and chinese(again.json()["error"]["message"])

    second = upload(roster(PLACELESS), options=ANSWERS).json()
    result = api(personas.county, "post", f"{second['id']}/commit").json()
    assert (result["created_count"], result["updated_count"], result["unchanged_count"]) == (
        0, 0, 2)
    assert Person.objects.count() == 2


def test_the_error_report_masks_identity_numbers(upload, api, personas):
    header = ("序号", "姓名", "身份证号码", "民族", "村(社区)", "人员类别")
    job = upload(roster([["马福寿", OLD_MAN, "火星", "北关社区", "高龄"],
                         ["张秀英", WOMAN, "汉", "北关社区", "高龄"]], header=header)).json()
    assert job["error_rows"] == 1, job["errors"]
    for step in ("before", "after"):
        report = api(personas.county, "get", f"{job['id']}/errors.xlsx")
        assert report.status_code == 200 and report["Content-Type"] == XLSX, step
        cells = [str(c) for row in load_workbook(io.BytesIO(report.content)).active.iter_rows(
            values_only=True) for c in row if c is not None]
        assert "马福寿" in cells and crypto.mask_number(OLD_MAN) in cells, step
        with zipfile.ZipFile(io.BytesIO(report.content)) as archive:
            inflated = b"".join(archive.read(name) for name in archive.namelist())
        assert OLD_MAN.encode() not in inflated and OLD_MAN[6:14].encode() not in inflated, step
        api(personas.county, "post", f"{job['id']}/commit")


def test_another_users_job_is_not_found(upload, api, personas):
    job = upload(roster(PLACELESS), options=ANSWERS).json()
    conforms(api(personas.county, "get", str(job["id"])), "get", "{pk}")
    for method, path in (("get", ""), ("post", "/commit"), ("get", "/errors.xlsx")):
        answer = api(personas.other_county, method, f"{job['id']}{path}")
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not_found"
    assert ImportJob.objects.get(pk=job["id"]).status == ImportStatus.PREVIEWED


def test_a_kind_that_is_not_the_users_is_not_found(upload, personas):
    for kind in ("people", "orgs"):
        answer = upload(roster(PLACELESS), kind=kind, user=personas.outsider)
        assert answer.status_code == 404, kind
    assert upload(roster(PLACELESS), kind="villages").status_code == 422
    assert not ImportJob.objects.exists()


def test_another_countys_village_is_refused_without_saying_where_it_is(upload):
    header = ("序号", "姓名", "身份证号码", "村(社区)", "人员类别")
    answer = upload(roster([["马福寿", OLD_MAN, "朝阳山社区", "高龄"],
                            ["张秀英", WOMAN, "北关社区", "高龄"]], header=header))
    job = answer.json()
    assert (job["valid_rows"], job["error_rows"]) == (1, 1)
    assert job["errors"][0]["reason"] == "在您的辖区内找不到“朝阳山社区”"
    body = answer.content.decode()
    for where in ("乐都", "碾伯", "海东", "630202"):
        assert where not in body, where


@pytest.mark.parametrize("options, field", [
    ("{region: 北关社区", "options"), ("[\"北关社区\"]", "options"),
    ('{"region": "北关\\u0000社区"}', "options"),
    ({"regoin": "北关社区"}, "regoin"), ({"region": "北" * 101}, "region"),
    ({"places": {"团结": "团结村"}}, "places"), ({"group_values": ["老党员困难户"]}, "group_values"),
    ({"columns": {"住址": "home"}}, "columns"),
    ({"region": "北关社区", "group_values": {"老党员困难户": "no_such_group"}}, "group_values"),
    ({"region": "碾伯街道"}, "region"),  # another county's: refused by the importer
])
def test_a_bad_option_is_refused_in_chinese_on_its_field(upload, options, field):
    answer = upload(roster(PLACELESS), options=options)
    assert answer.status_code == 422, answer.content
    error = answer.json()["error"]
    assert chinese(error["message"]) and set(error["details"]) == {field}
    assert all(chinese(problem) for problem in error["details"][field])
    assert not ImportJob.objects.exists()


def test_the_column_choices_reach_the_job(upload):
    columns = {"家庭住址": "", "人员类别": "groups"}
    job = upload(roster(PLACELESS), options={"columns": columns, **ANSWERS}).json()
    assert ImportJob.objects.get(pk=job["id"]).options["columns"] == columns


def test_an_importer_without_options_refuses_them(upload, monkeypatch):
    monkeypatch.setattr(importing._registry["orgs"], "takes_options",
                        classmethod(lambda cls: False))
    answer = upload(roster(PLACELESS), kind="orgs", user=None, options={"region": "北关社区"})
    assert answer.status_code == 422
    assert set(answer.json()["error"]["details"]) == {"region"}


def test_a_file_that_is_no_workbook_is_refused_in_chinese(upload):
    answer = upload(f"姓名,身份证号码\n马福寿,{OLD_MAN}\n".encode(), name="名册.csv")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert "Excel" in error["message"] and chinese(error["message"])
    assert error["details"] == {"file": [error["message"]]}


def test_a_big_file_is_checked_in_the_background_and_polled(
        upload, api, personas, settings, django_capture_on_commit_callbacks):
    settings.LINLI_BACKGROUND_IMPORT_BYTES = 0
    with django_capture_on_commit_callbacks() as callbacks:
        job = upload(roster(PLACELESS), options=ANSWERS).json()
    assert job["status"] == "checking" and job["preview"]["rows"] == []
    for callback in callbacks:
        callback()
    polled = api(personas.county, "get", str(job["id"])).json()
    assert (polled["status"], polled["valid_rows"]) == ("previewed", 2)


def test_a_region_default_at_the_township_leaves_the_village_to_complete(upload):
    job = upload(roster(PLACELESS), options={**ANSWERS, "region": OUR_TOWNSHIP}).json()
    assert job["valid_rows"] == 2 and job["warning_rows"] == 2
    assert all("待补充" in w["reason"] for w in job["warnings"])


# --- choices on the checked file, and abandoning it --------------------------------------

# A roster whose name column is headed with a word no wording knows.
LOCAL_HEADER = ("序号", "户主名", "身份证号码", "村(社区)", "人员类别")
LOCAL_ROWS = [["马福寿", OLD_MAN, "北关社区", "高龄"], ["张秀英", WOMAN, "北关社区", "高龄"]]


@pytest.fixture
def choose(api, personas):
    def send(job_id, body, *, user=None):
        return api(user or personas.county, "post", f"{job_id}/choices", body,
                   content_type="application/json")

    return send


def test_a_column_chosen_over_the_api_fills_its_field_and_is_remembered(
        upload, choose, personas):
    bare = upload(roster(LOCAL_ROWS, header=LOCAL_HEADER)).json()
    assert (bare["valid_rows"], bare["error_rows"]) == (0, 2)
    assert "缺少必填列:姓名" in bare["errors"][0]["reason"]

    answer = choose(bare["id"], {"columns": {"户主名": "name"}})
    assert answer.status_code == 200, answer.content
    job = conforms(answer, "post", "{pk}/choices")
    assert (job["status"], job["valid_rows"], job["error_rows"]) == ("previewed", 2, 0)
    heading = next(h for h in job["columns"][0]["headings"] if h["text"] == "户主名")
    assert (heading["key"], heading["column"], heading["chosen"]) == ("name", "姓名", True)
    assert [row[0] for row in job["preview"]["rows"]] == ["马福寿", "张秀英"]

    # A body without columns leaves them as chosen.
    kept = choose(bare["id"], {"options": {"group": ""}}).json()
    assert (kept["valid_rows"], kept["error_rows"]) == (2, 0), kept["errors"]

    again = upload(roster(LOCAL_ROWS, header=LOCAL_HEADER)).json()
    assert (again["valid_rows"], again["error_rows"]) == (2, 0), again["errors"]
    other = upload(roster(LOCAL_ROWS, header=LOCAL_HEADER), user=personas.township).json()
    assert (other["valid_rows"], other["error_rows"]) == (0, 2)


def test_a_column_read_by_its_name_can_be_ignored_over_the_api(upload, choose):
    job = upload(roster(PLACELESS), options=ANSWERS).json()
    ignored = choose(job["id"], {"columns": {"人员类别": ""}}).json()
    assert ignored["valid_rows"] == 2  # the region's rows, now without a category
    heading = next(h for h in ignored["columns"][0]["headings"] if h["text"] == "人员类别")
    assert (heading["key"], heading["chosen"]) == ("", True)
    assert not GroupMembership.objects.exists()


def test_an_unknown_category_is_asked_once_and_answered_over_the_api(
        upload, choose, api, personas):
    rows = [*PLACELESS, ["韩永福", "", "", "老党员困难户"]]
    asked = upload(roster(rows), options={"region": "北关社区"})
    job = conforms(asked, "post", "{kind}/")
    assert (job["valid_rows"], job["error_rows"]) == (1, 2)
    assert job["questions"]["group_values"] == [{"value": "老党员困难户", "rows": 2}]

    refused = choose(job["id"], {"answers": {"group_values": {"老党员困难户": "no_such_group"}}})
    assert refused.status_code == 422 and set(refused.json()["error"]["details"]) == {"answers"}

    answer = choose(job["id"], {"answers": {"group_values": {"老党员困难户": "elderly_alone"}}})
    answered = conforms(answer, "post", "{pk}/choices")
    assert (answered["valid_rows"], answered["error_rows"]) == (3, 0), answered["errors"]
    assert answered["questions"].get("group_values", []) == []
    assert answered["options"] == {"region": "北关社区",
                                   "group_values": {"老党员困难户": "elderly_alone"}}
    api(personas.county, "post", f"{job['id']}/commit")
    assert set(GroupMembership.objects.filter(group__code="elderly_alone").values_list(
        "person__name", flat=True)) == {"马福寿", "韩永福"}


def test_the_default_region_is_changed_without_uploading_again(upload, choose):
    job = upload(roster(PLACELESS), options={"group_values": ANSWERS["group_values"]}).json()
    assert job["valid_rows"] == 0
    placed = choose(job["id"], {"options": {"region": "北关社区"}}).json()
    assert (placed["valid_rows"], placed["options"]) == (2, ANSWERS)
    cleared = choose(job["id"], {"options": {"region": ""}}).json()
    assert cleared["valid_rows"] == 0 and "region" not in cleared["options"]


@pytest.mark.parametrize("body, field", [
    ("{columns: 1", "body"), ("[1]", "body"), ({"colums": {}}, "colums"),
    ({"columns": "户主名"}, "columns"), ({"columns": {"户主名": "home"}}, "columns"),
    ({"columns": {"没有这一列": "name"}}, "columns"),
    ({"answers": {"places": {"新村": "630102001001"}}}, "answers"),
    ({"answers": {"group_values": {"老党员困难户": "no_such_group"}}}, "answers"),
    ({"options": {"regoin": "北关社区"}}, "options"),
    ({"options": {"region": "碾伯街道"}}, "options"),  # another county's: refused by the importer
    ({"options": {"group": "没有这一类"}}, "options"),
    ('{"answers": {"group_values": {"\\udc80": ""}}}', "answers"),  # a lone surrogate
])
def test_a_bad_choice_is_refused_in_chinese_on_its_field(upload, choose, body, field):
    job = upload(roster(LOCAL_ROWS, header=LOCAL_HEADER),
                 options={"group_values": {"高龄": "elderly_advanced_age"}}).json()
    answer = choose(job["id"], body)
    assert answer.status_code == 422, answer.content
    error = answer.json()["error"]
    assert chinese(error["message"]) and set(error["details"]) == {field}, error
    assert all(chinese(problem) for problem in error["details"][field])
    stored = ImportJob.objects.get(pk=job["id"])
    assert (stored.status, stored.options) == (ImportStatus.PREVIEWED, job["options"])


def test_a_committed_job_cannot_be_chosen_on_or_abandoned(upload, choose, api, personas):
    job = upload(roster(PLACELESS), options=ANSWERS).json()
    api(personas.county, "post", f"{job['id']}/commit")
    for answer in (choose(job["id"], {"options": {"region": ""}}),
                   api(personas.county, "post", f"{job['id']}/abandon")):
        assert answer.status_code == 422 and chinese(answer.json()["error"]["message"])
    assert ImportJob.objects.get(pk=job["id"]).status == ImportStatus.COMMITTED


def test_an_abandoned_file_is_dropped(upload, choose, api, personas):
    job = upload(roster(PLACELESS), options=ANSWERS).json()
    assert ImportJob.objects.get(pk=job["id"]).has_file
    answer = api(personas.county, "post", f"{job['id']}/abandon")
    assert answer.status_code == 200, answer.content
    abandoned = conforms(answer, "post", "{pk}/abandon")
    assert (abandoned["status"], abandoned["preview"]["rows"]) == ("abandoned", [])
    stored = ImportJob.objects.get(pk=job["id"])
    assert not stored.has_file and bytes(stored.content) == b""
    for path in ("/commit", "/abandon", "/choices"):
        assert api(personas.county, "post", f"{job['id']}{path}").status_code == 422, path
    assert not Person.objects.exists()


def test_another_users_job_cannot_be_chosen_on_or_abandoned(upload, choose, api, personas):
    job = upload(roster(LOCAL_ROWS, header=LOCAL_HEADER)).json()
    for answer in (choose(job["id"], {"columns": {"户主名": "name"}}, user=personas.other_county),
                   api(personas.other_county, "post", f"{job['id']}/abandon")):
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    stored = ImportJob.objects.get(pk=job["id"])
    assert (stored.status, stored.options, stored.has_file) == (ImportStatus.PREVIEWED, {}, True)
    assert not ImportMemory.objects.exists()


def test_a_big_file_is_checked_again_in_the_background(
        upload, choose, api, personas, settings, django_capture_on_commit_callbacks):
    job = upload(roster(LOCAL_ROWS, header=LOCAL_HEADER)).json()
    settings.LINLI_BACKGROUND_IMPORT_BYTES = 0
    with django_capture_on_commit_callbacks() as callbacks:
        chosen = choose(job["id"], {"columns": {"户主名": "name"}}).json()
    assert chosen["status"] == "checking"
    for callback in callbacks:
        callback()
    polled = api(personas.county, "get", str(job["id"])).json()
    assert (polled["status"], polled["valid_rows"]) == ("previewed", 2)


CHOICES = schemathesis.openapi.from_dict(copy.deepcopy(SCHEMA))["/api/v1/imports/{pk}/choices"][
    "POST"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_any_generated_choice_on_a_checked_file_is_answered_within_the_contract(
        upload, client, personas, mode):
    """The fuzz test meets no job of its own (its ids are not found): here the bodies the
    document allows, and ones it does not, reach a checked file."""
    job = upload(roster(LOCAL_ROWS, header=LOCAL_HEADER)).json()
    token = api_token_create(actor=personas.county, name="fuzz")[1]
    seen = set()

    @hypothesis.settings(max_examples=40, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(CHOICES.as_strategy(generation_mode=mode))
    def send(case):
        body = b"" if isinstance(case.body, NotSet) else case.body
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        answer = client.post(f"{URL}{job['id']}/choices", body, content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code in (200, 400, 422), (body, answer.content)
        conforms(answer, "post", "{pk}/choices")
        seen.add(answer.status_code)

    send()
    assert seen >= {200 if mode == GenerationMode.POSITIVE else 422}, seen
    assert ImportJob.objects.get(pk=job["id"]).status == ImportStatus.PREVIEWED
