"""备案材料: checked by their bytes, capped in size, stored outside the web root, served as
downloads scoped exactly as their filing, removed (file and all) only before the decision."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from linli.core.errors import Forbidden, IllegalTransition, Invalid
from linli.orgs import attachments, services
from linli.orgs.models import AttachmentKind, FilingAttachment, FilingKind

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes(*, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    if not macro:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "a") as archive:  # what a .docm renamed .docx carries
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def filing(personas, our_org):
    return services.filing_submit(actor=personas.township, organisation=our_org,
                                  kind=FilingKind.ESTABLISH)


def post(client, filing, *files, kind=AttachmentKind.CHARTER):
    return client.post(reverse("orgs:attachment_upload", args=[filing.pk]),
                       {"kind": kind, "files": list(files)})


def stored_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "attachments").rglob("*") if p.is_file()]


def add(actor, filing, *files, kind=AttachmentKind.CHARTER):
    return attachments.attachments_add(actor=actor, filing=filing, kind=kind, files=list(files))


# --- upload ------------------------------------------------------------------------------

def test_it_stores_a_pdf_outside_the_web_root_under_a_random_name(personas, as_user, filing,
                                                                   data_dir):
    response = post(as_user(personas.township), filing, upload("北关社区章程.pdf", PDF))
    assert response.status_code == 302
    attachment = FilingAttachment.objects.get(filing=filing)
    assert (attachment.kind, attachment.original_name) == ("charter", "北关社区章程.pdf")
    assert (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.uploaded_by == personas.township
    year, name = attachment.stored_path.split("/")[1:]
    assert attachment.stored_path.startswith("attachments/")
    assert year == f"{timezone.localdate():%Y}" and len(name) == 32 and "章程" not in name
    path = data_dir / attachment.stored_path
    assert path.read_bytes() == PDF and oct(path.stat().st_mode)[-3:] == "600"
    static_roots = [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]
    assert not any(root in path.parents for root in static_roots)


def test_it_takes_several_files_at_once(personas, as_user, filing, data_dir):
    response = post(as_user(personas.township), filing, upload("活动室.png", PNG, "image/png"),
                    upload("门口.JPG", JPEG, "image/jpeg"), kind=AttachmentKind.VENUE_PHOTO)
    assert response.status_code == 302
    rows = {a.original_name: a.content_type for a in filing.attachments.all()}
    assert rows == {"活动室.png": "image/png", "门口.jpg": "image/jpeg"}
    assert len(stored_files(data_dir)) == 2


def test_it_accepts_a_word_document(personas, filing):
    [attachment] = add(personas.township, filing, upload("成员花名册.docx", docx_bytes()),
                       kind=AttachmentKind.ROSTER)
    assert attachment.content_type == attachments.DOCX.content_type


def test_it_refuses_a_program_renamed_pdf(personas, as_user, filing, data_dir):
    response = post(as_user(personas.township), filing, upload("章程.pdf", EXE))
    assert response.status_code == 422
    assert "“章程.pdf”不是 PDF、JPG、PNG 或 Word(.docx)文件" in response.content.decode()
    assert not FilingAttachment.objects.exists() and not (data_dir / "attachments").exists()


@pytest.mark.parametrize("content", [
    docx_bytes(macro=True),
    b"PK\x03\x04" + b"\x00" * 40,
    b"<html><script>alert(1)</script></html>",
], ids=["macro-document", "broken-zip", "html"])
def test_it_refuses_what_is_not_an_allowed_document(personas, filing, content):
    with pytest.raises(Invalid, match="不是 PDF、JPG、PNG 或 Word"):
        add(personas.township, filing, upload("名册.docx", content))


def test_it_refuses_a_zip_without_a_word_document(personas, filing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.exe", EXE)
    with pytest.raises(Invalid, match="不是 PDF"):
        add(personas.township, filing, upload("名册.docx", buffer.getvalue()))


def test_it_refuses_a_file_over_the_size_limit(personas, as_user, filing, settings):
    settings.LINLI_ATTACHMENT_MAX_BYTES = 1024
    response = post(as_user(personas.township), filing, upload("章程.pdf", PDF + b"0" * 1024))
    assert response.status_code == 422
    assert "“章程.pdf”有 1 KB,超过每个文件 1 KB 的上限" in response.content.decode()
    assert not FilingAttachment.objects.exists()


def test_it_refuses_an_empty_file_and_an_empty_choice(personas, as_user, filing):
    with pytest.raises(Invalid, match="空文件"):
        add(personas.township, filing, upload("章程.pdf", b""))
    with pytest.raises(Invalid, match="请选择要上传的文件"):
        add(personas.township, filing)
    response = as_user(personas.township).post(
        reverse("orgs:attachment_upload", args=[filing.pk]), {"kind": "charter"})
    assert response.status_code == 422 and not FilingAttachment.objects.exists()


def test_it_refuses_the_whole_batch_when_one_file_is_bad(personas, filing, data_dir):
    with pytest.raises(Invalid) as refused:
        add(personas.township, filing, upload("章程.pdf", PDF), upload("照片.png", EXE),
            upload("名册.docx", b""))
    assert len(refused.value.details["files"]) == 2  # every bad file said at once
    assert not FilingAttachment.objects.exists() and not (data_dir / "attachments").exists()


def test_it_caps_what_one_filing_holds(personas, filing, settings, data_dir):
    settings.LINLI_FILING_ATTACHMENTS_MAX_BYTES = 2 * len(PDF) + 10
    add(personas.township, filing, upload("章程.pdf", PDF), upload("名册.pdf", PDF))
    with pytest.raises(Invalid, match="本次备案申请的材料合计不能超过"):
        add(personas.township, filing, upload("照片.pdf", PDF))
    assert filing.attachments.count() == 2 and len(stored_files(data_dir)) == 2


def test_it_refuses_an_unknown_kind(personas, filing):
    with pytest.raises(Invalid, match="材料类型"):
        add(personas.township, filing, upload("章程.pdf", PDF), kind="passport")


@pytest.mark.parametrize(("given", "kind", "kept"), [
    ("../../etc/章程.pdf", attachments.PDF, "章程.pdf"),
    ("C:\\Users\\马秀兰\\名册.DOCX", attachments.DOCX, "名册.docx"),
    ('a<b>:"c|d?*\x00e.pdf', attachments.PDF, "a b c d e.pdf"),
    ("..htaccess", attachments.PDF, "htaccess.pdf"),
    ("照片.pdf", attachments.PNG, "照片.pdf.png"),  # named for what its bytes are
    ("", attachments.JPEG, "附件.jpg"),
    ("长" * 300 + ".pdf", attachments.PDF, "长" * 96 + ".pdf"),
])
def test_it_cleans_file_names(given, kind, kept):
    assert attachments.clean_name(given, kind) == kept


def test_it_lets_only_those_who_edit_the_organisation_attach(personas, as_user, filing):
    with pytest.raises(Forbidden):
        add(personas.auditor, filing, upload("章程.pdf", PDF))
    assert post(as_user(personas.auditor), filing, upload("章程.pdf", PDF)).status_code == 404
    assert post(as_user(personas.other_county), filing,
                upload("章程.pdf", PDF)).status_code == 404
    assert not FilingAttachment.objects.exists()


def test_it_refuses_materials_after_the_decision(personas, as_user, filing):
    [attachment] = add(personas.township, filing, upload("章程.pdf", PDF))
    services.filing_transition(actor=personas.township, filing=filing, action="approve")
    with pytest.raises(IllegalTransition, match="已备案"):
        add(personas.township, filing, upload("名册.pdf", PDF))
    client = as_user(personas.township)
    assert post(client, filing, upload("名册.pdf", PDF)).status_code == 409
    assert client.post(reverse("orgs:attachment_remove", args=[attachment.pk])).status_code == 409
    assert attachments.stored_file(attachment).is_file()


def test_it_takes_materials_while_the_filing_is_returned(personas, filing):
    services.filing_transition(actor=personas.township, filing=filing, action="return",
                               comment="请补充章程")
    filing.refresh_from_db()
    assert len(add(personas.township, filing, upload("章程.pdf", PDF))) == 1


# --- download ----------------------------------------------------------------------------

def test_it_serves_a_download_with_its_stored_type_and_name(personas, as_user, filing):
    [attachment] = add(personas.township, filing, upload("北关社区 章程(2026).pdf", PDF))
    response = as_user(personas.county).get(reverse("orgs:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        'attachment; filename="____ __(2026).pdf"; filename*=UTF-8\'\''
        "%E5%8C%97%E5%85%B3%E7%A4%BE%E5%8C%BA%20%E7%AB%A0%E7%A8%8B%282026%29.pdf")


def test_it_serves_what_the_bytes_showed_not_what_the_browser_said(personas, as_user, filing):
    [attachment] = add(personas.township, filing, upload("照片.png", PNG, "text/html"))
    response = as_user(personas.township).get(reverse("orgs:attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_gives_another_county_and_an_outsider_404(personas, as_user, client, filing):
    [attachment] = add(personas.township, filing, upload("章程.pdf", PDF))
    for user in (personas.other_county, personas.outsider):
        for name in ("orgs:attachment", "orgs:attachment_remove"):
            assert as_user(user).get(reverse(name, args=[attachment.pk])).status_code == 404
        assert as_user(user).post(
            reverse("orgs:attachment_remove", args=[attachment.pk])).status_code == 404
    assert FilingAttachment.objects.filter(pk=attachment.pk).exists()
    assert as_user(personas.province).get(
        reverse("orgs:attachment", args=[attachment.pk])).status_code == 200


def test_it_never_serves_a_path_outside_the_attachments_folder(personas, filing):
    [attachment] = add(personas.township, filing, upload("章程.pdf", PDF))
    attachment.stored_path = "../linli.sqlite3"
    with pytest.raises(attachments.NotFound):
        attachments.stored_file(attachment)


# --- removal -----------------------------------------------------------------------------

def test_it_asks_before_removing(personas, as_user, filing):
    [attachment] = add(personas.township, filing, upload("章程.pdf", PDF))
    url = reverse("orgs:attachment_remove", args=[attachment.pk])
    client = as_user(personas.township)
    for response in (client.get(url), client.post(url, {"confirm": "ask"})):
        assert response.status_code == 200
        assert "删除材料“章程.pdf”?" in response.content.decode()
    assert FilingAttachment.objects.filter(pk=attachment.pk).exists()


def test_it_removes_the_row_and_the_file_and_keeps_who_did(personas, as_user, filing,
                                                           django_capture_on_commit_callbacks):
    kept, removed = add(personas.township, filing, upload("章程.pdf", PDF),
                        upload("旧章程.pdf", PDF))
    path = attachments.stored_file(removed)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(personas.township).post(
            reverse("orgs:attachment_remove", args=[removed.pk]))
    assert response.status_code == 302
    assert list(filing.attachments.all()) == [kept]
    assert not path.exists() and attachments.stored_file(kept).is_file()
    last = FilingAttachment.history.filter(id=removed.pk).latest("history_date")
    assert (last.history_type, last.history_user) == ("-", personas.township)


def test_it_keeps_the_file_when_the_removal_is_not_committed(personas, filing):
    [attachment] = add(personas.township, filing, upload("章程.pdf", PDF))
    attachments.attachment_remove(actor=personas.township, attachment=attachment)
    # the test's transaction is never committed: the on_commit deletion has not run
    assert attachments.stored_file(attachment).is_file()


# --- the review page ---------------------------------------------------------------------

def test_it_shows_the_reviewer_the_organisation_and_its_materials(personas, as_user, filing):
    add(personas.township, filing, upload("北关社区章程.pdf", PDF))
    add(personas.county, filing, upload("活动室.png", PNG), kind=AttachmentKind.VENUE_PHOTO)
    body = as_user(personas.township).get(
        reverse("orgs:filing_detail", args=[filing.pk])).content.decode()
    organisation = body.split('id="organisation"')[1].split("</section>")[0]
    for text in ("北关社区夕阳红志愿服务队", "公益慈善类", "社区社会组织", "马秀兰", "18",
                 "探访独居老人", "东关大街街道/北关社区", "老年人"):
        assert text in organisation, text
    assert "统一社会信用代码" not in organisation  # a filed community organisation has none
    listed = body.split('id="attachment-list"')[1].split("</table>")[0]
    pdf, png = FilingAttachment.objects.order_by("kind")
    for text in ("章程", "北关社区章程.pdf", "场地照片", "活动室.png", "county", "township",
                 reverse("orgs:attachment", args=[pdf.pk]),
                 reverse("orgs:attachment", args=[png.pk]),
                 f"{pdf.uploaded_at.astimezone(timezone.get_current_timezone()):%Y-%m-%d %H:%M}"):
        assert text in listed, text
    assert "2 个文件" in body and 'id="attachment-upload"' in body


def test_it_shows_no_upload_form_to_those_who_cannot_attach(personas, as_user, filing):
    add(personas.township, filing, upload("章程.pdf", PDF))
    body = as_user(personas.auditor).get(
        reverse("orgs:filing_detail", args=[filing.pk])).content.decode()
    assert "章程.pdf" in body
    assert 'id="attachment-upload"' not in body and "/remove/" not in body
    services.filing_transition(actor=personas.township, filing=filing, action="approve")
    body = as_user(personas.township).get(
        reverse("orgs:filing_detail", args=[filing.pk])).content.decode()
    assert 'id="attachment-upload"' not in body and "/remove/" not in body
    assert reverse("orgs:certificate_pdf", args=[filing.organisation_id]) in body


def test_it_says_when_nothing_is_filed_yet(personas, as_user, filing):
    body = as_user(personas.township).get(
        reverse("orgs:filing_detail", args=[filing.pk])).content.decode()
    assert 'id="no-attachments"' in body and 'id="attachment-list"' not in body
