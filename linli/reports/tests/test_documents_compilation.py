"""The province's compilation: the approved reports of the prefectures (by code) and the
bureaus (in Bureau order), a province annex summing the prefectures' frozen figures, the
missing units named; made in the background with progress; its owner bureau's only."""

import io
import os
import stat

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from linli.audit.models import AccessLog, Action
from linli.core.errors import Forbidden
from linli.reports import annex, documents
from linli.reports.models import Compilation, CompilationStatus, FrozenValue
from linli.reports.tests.documents_data import Units, docx_text, make_units


@pytest.fixture
def units(personas) -> Units:
    return make_units(personas)


def _start(client, units, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:compilation_start", args=[units.round.pk]))
    assert response.status_code == 302
    return Compilation.objects.get()


@pytest.fixture
def built(units, personas, as_user, django_capture_on_commit_callbacks) -> Compilation:
    return _start(as_user(personas.province), units, django_capture_on_commit_callbacks)


def test_it_builds_in_the_background_to_100(built):
    assert built.status == CompilationStatus.DONE
    assert built.progress == 100 and built.finished_at is not None
    for relative in (built.stored_path, built.annex_path):
        path = documents.stored_file(relative)
        assert relative.startswith("reports/") and stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_it_collects_every_approved_report_in_order_and_names_the_missing(built, units):
    text = docx_text(documents.stored_file(built.stored_path).read_bytes())
    order = [text.index(f"{r.unit_name}关于") for r in (units.xining, units.haidong,
                                                      units.elderly)]
    assert order == sorted(order)  # prefectures by code, then the bureaus
    assert "开展定期探访。" in text
    assert built.missing == ["海南藏族自治州民政局", "儿童福利处"]
    assert "海南藏族自治州民政局(已报送)" in text and "儿童福利处(草稿)" in text
    assert "海南藏族自治州民政局关于" not in text  # not approved: its text is not collected


def test_the_compilation_is_in_the_official_format_too(built):
    document = Document(io.BytesIO(documents.stored_file(built.stored_path).read_bytes()))
    section = document.sections[0]
    assert [round(getattr(section, f"{side}_margin").mm) for side in (
        "top", "bottom", "left", "right")] == [37, 35, 28, 26]
    title = document.paragraphs[0]
    assert title.text == "2026年邻里守望关爱行动总结汇编" and title.style.name == "Title"
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert "西宁市民政局关于2026年邻里守望关爱行动总结的报告" in titles


def _own(report):
    return {r.indicator: r for r in annex.frozen_rows(report) if r.own}


def test_the_province_annex_sums_the_frozen_figures_of_the_prefectures(built, units):
    document = Document(io.BytesIO(documents.stored_file(built.stored_path).read_bytes()))
    table = document.tables[-1]
    rows = {row.cells[1].text: row.cells for row in table.rows[1:]}
    xining, haidong = _own(units.xining), _own(units.haidong)
    assert rows["人才培训场次"][3].text == "4,321"
    assert rows["人才培训场次"][5].text == "2/3"  # 海南州's figures are missing
    people = xining["people_in_care"].value + haidong["people_in_care"].value
    assert rows[xining["people_in_care"].label][3].text == f"{people:,.0f}"
    sheet = load_workbook(io.BytesIO(
        documents.stored_file(built.annex_path).read_bytes()))["全省汇总"]
    _header, *lines = list(sheet.iter_rows(values_only=True))
    totals = {line[1]: line for line in lines}
    assert totals["人才培训场次"][3] == 4321.0
    frozen = FrozenValue.objects.filter(report__in=[units.xining, units.haidong],
                                        indicator="station_coverage",
                                        region__code__in=["6301", "6302"])
    top = sum(f.parts[0] for f in frozen)
    bottom = sum(f.parts[1] for f in frozen)
    coverage = totals[xining["station_coverage"].label]
    assert (coverage[4], coverage[5]) == (top, bottom)
    assert coverage[3] == annex.combine([xining["station_coverage"],
                                         haidong["station_coverage"]])[0]


def test_a_later_change_of_data_never_alters_the_compilations_figures(units, personas,
                                                                       as_user,
                                                                       django_capture_on_commit_callbacks):
    FrozenValue.objects.filter(report=units.xining, indicator="training_sessions",
                               region__code="6301").update(value=5.0)
    built = _start(as_user(personas.province), units, django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(
        documents.stored_file(built.annex_path).read_bytes()))["全省汇总"]
    assert {line[1]: line[3] for line in sheet.iter_rows(values_only=True)}["人才培训场次"] == 5.0


def test_the_page_offers_the_downloads_and_logs_them(built, personas, as_user):
    client = as_user(personas.province)
    page = client.get(reverse("reports:compilation", args=[built.pk]))
    assert page.status_code == 200
    assert "海南藏族自治州民政局" in page.content.decode()
    for name in ("reports:compilation_download", "reports:compilation_annex"):
        response = client.get(reverse(name, args=[built.pk]))
        assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"PK")
    assert AccessLog.objects.filter(action=Action.EXPORT, object_id=str(built.pk)).count() == 2


def test_the_page_polls_while_the_compilation_is_made(units, personas, as_user):
    queued = Compilation.objects.create(round=units.round, created_by=personas.province,
                                        progress=40, step="整理报告:西宁市民政局")
    html = as_user(personas.province).get(reverse("reports:compilation",
                                                  args=[queued.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and 'value="40"' in html
    assert "compilation_download" not in html and "download-docx" not in html


def test_a_non_owner_cannot_start_a_compilation(units, personas, as_user,
                                                django_capture_on_commit_callbacks):
    url = reverse("reports:compilation_start", args=[units.round.pk])
    for user in (personas.prefecture, units.haidong_user, personas.province_elderly):
        assert as_user(user).post(url).status_code == 403  # they see the round, do not own it
    for user in (personas.other_county, personas.auditor, personas.outsider):
        assert as_user(user).post(url).status_code == 404
    assert not Compilation.objects.exists()
    with pytest.raises(Forbidden):
        documents.compilation_start(actor=personas.prefecture, round=units.round)


def test_only_the_owner_bureau_and_province_auditors_see_a_compilation(built, personas,
                                                                       as_user, units):
    for name in ("reports:compilation", "reports:compilation_download"):
        url = reverse(name, args=[built.pk])
        assert as_user(personas.auditor).get(url).status_code == 200
        for user in (personas.prefecture, personas.province_elderly, units.haidong_user,
                     personas.county, personas.outsider):
            assert as_user(user).get(url).status_code == 404


def test_a_compilation_being_made_is_answered_instead_of_a_second(units, personas):
    first = documents.compilation_start(actor=personas.province, round=units.round)
    again = documents.compilation_start(actor=personas.province, round=units.round)
    assert again.pk == first.pk and Compilation.objects.count() == 1


def test_a_failure_is_recorded_on_the_compilation(units, personas, monkeypatch):
    compilation = Compilation.objects.create(round=units.round, created_by=personas.province)

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(documents, "store", broken)
    with pytest.raises(RuntimeError):
        documents.compilation_build(compilation)
    compilation.refresh_from_db()
    assert compilation.status == CompilationStatus.FAILED and "磁盘已满" in compilation.error
    assert compilation.progress == 97
