"""The province replaces a Word template without code: the upload is checked by rendering
a sample report (refused with a Chinese reason otherwise), stored under DATA_DIR, used from
then on, and removed by 恢复默认; only the collecting bureau and the system administrator
manage templates."""

import io
import os
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from linli.reports import document_templates, documents
from linli.reports.tests.documents_data import Units, docx_text, make_units


@pytest.fixture
def units(personas) -> Units:
    return make_units(personas)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _docx(*lines: str, base: str = "report") -> bytes:
    """The default template with ``lines`` added at its end (a replaced template)."""
    document = Document(str(documents.DEFAULTS / f"{base}.docx"))
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _upload(client, content: bytes, kind: str = "report", name: str = "省厅模板.docx"):
    return client.post(reverse("reports:templates"), {
        "kind": kind, "file": SimpleUploadedFile(name, content)})


def test_an_uploaded_template_is_used_from_then_on(units, personas, as_user):
    client = as_user(personas.province)
    response = _upload(client, _docx("青海省民政厅专用模板 {{ unit_name }}"))
    assert response.status_code == 302
    stored = documents.custom_template("report")
    assert stored.is_file() and stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert "青海省民政厅专用模板 西宁市民政局" in docx_text(documents.report_docx(units.xining))
    page = client.get(reverse("reports:templates")).content.decode()
    assert "省厅模板.docx" in page and "{{ unit_name }}" in page  # the tags are listed
    downloaded = client.get(reverse("reports:template_download", args=["report"]))
    assert b"".join(downloaded.streaming_content) == stored.read_bytes()


def test_restoring_the_default_removes_the_upload(units, personas, as_user):
    client = as_user(personas.province)
    _upload(client, _docx("专用模板"))
    url = reverse("reports:template_restore", args=["report"])
    assert "恢复默认" in client.get(url).content.decode()  # a GET only asks
    assert documents.custom_template("report").is_file()
    assert client.post(url).status_code == 302
    assert not documents.custom_template("report").exists()
    assert "专用模板" not in docx_text(documents.report_docx(units.xining))


@pytest.mark.parametrize(("content", "reason"), [
    (_docx("{{ unit_name "), "模板中的标签写法有误"),
    (_docx("{{ unit_nmae }}"), "模板用到了不存在的标签"),
    (_docx("{{ ''.__class__.__mro__[1].__subclasses__() }}"), "模板中有不允许的操作"),
    (b"%PDF-1.4 not a template", "不是 Word(.docx)文件"),
])
def test_a_bad_template_is_refused_with_a_chinese_reason(personas, as_user, content, reason):
    response = _upload(as_user(personas.province), content)
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert not documents.custom_template("report").exists()


def test_a_template_without_the_reports_text_is_refused(personas, as_user):
    from docx import Document as New

    buffer = io.BytesIO()
    empty = New()
    empty.add_paragraph("{{ title }}")
    empty.save(buffer)
    response = _upload(as_user(personas.province), buffer.getvalue())
    assert response.status_code == 422 and "模板没有排入报告正文" in response.content.decode()


def test_the_compilation_template_is_checked_with_a_sample_compilation(personas, as_user):
    client = as_user(personas.province)
    refused = _upload(client, _docx("{{ report.title }}", base="compilation"), "compilation")
    assert refused.status_code == 422  # outside the loop of reports there is no report
    taken = _upload(client, _docx("{{ issuer }}", base="compilation"), "compilation")
    assert taken.status_code == 302 and documents.custom_template("compilation").is_file()


def test_only_the_collecting_bureau_and_the_administrator_manage_templates(personas, as_user):
    url = reverse("reports:templates")
    assert as_user(personas.province).get(url).status_code == 200
    assert as_user(personas.admin).get(url).status_code == 200
    for user in (personas.province_elderly, personas.prefecture, personas.county,
                 personas.auditor, personas.outsider):
        client = as_user(user)
        assert client.get(url).status_code == 404
        assert _upload(client, _docx("x")).status_code == 404
        assert client.post(reverse("reports:template_restore", args=["report"])).status_code == 404
    assert not documents.custom_template("report").exists()


def test_an_unknown_kind_is_404(personas, as_user):
    client = as_user(personas.province)
    assert client.get(reverse("reports:template_download", args=["other"])).status_code == 404
    with pytest.raises(Exception, match="未找到"):
        document_templates.template_restore(actor=personas.province, kind="../report")


def test_a_template_that_unpacks_into_too_much_is_refused(personas, as_user):
    import zipfile

    buffer = io.BytesIO(_docx("x"))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (document_templates.UNPACKED_MAX + 1))
    response = _upload(as_user(personas.province), buffer.getvalue())
    assert response.status_code == 422 and "模板解压后有" in response.content.decode()
