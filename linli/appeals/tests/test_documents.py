"""An appeal's documents: checked by their bytes, stored out of the web root, added by
those who act on it while it is open, downloaded only within the appeal's scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.appeals.models import AppealDocument
from linli.appeals.tests.conftest import raise_appeal, step

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _upload(client, appeal, *files):
    return client.post(reverse("appeals:documents", args=[appeal.pk]), {"files": list(files)})


def test_the_village_adds_a_photo_and_the_county_downloads_it(personas, as_user, data_dir):
    appeal = raise_appeal(personas.village)
    response = _upload(as_user(personas.village), appeal,
                       SimpleUploadedFile("火灾现场.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302
    document = AppealDocument.objects.get()
    assert (document.original_name, document.status) == ("火灾现场.pdf", "pending")
    assert not str(document.stored_path).startswith("/") and (data_dir / document.stored_path).exists()
    assert appeal.events.filter(comment__contains="火灾现场.pdf").exists()
    download = as_user(personas.county).get(reverse("appeals:document", args=[document.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    assert as_user(personas.other_county).get(
        reverse("appeals:document", args=[document.pk])).status_code == 404


def test_a_program_renamed_pdf_is_refused_and_nothing_is_kept(personas, as_user, data_dir):
    appeal = raise_appeal(personas.village)
    response = _upload(as_user(personas.village), appeal,
                       SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf"),
                       SimpleUploadedFile("证明2.pdf", b"MZ\x90\x00 not a pdf"))
    assert response.status_code == 422 and "不是 PDF" in response.content.decode()
    assert not AppealDocument.objects.exists()
    assert not list(data_dir.rglob("*")) or all(p.is_dir() for p in data_dir.rglob("*"))


def test_a_closed_appeal_takes_no_more_documents(personas, as_user, data_dir):
    appeal = raise_appeal(personas.village)
    step(personas.village, appeal, "reject", comment="重复登记")
    response = _upload(as_user(personas.village), appeal,
                       SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 422 and not AppealDocument.objects.exists()
