"""The 备案证明 as an A4 PDF (WeasyPrint, Noto CJK): one page, the organisation's name as
text, the 备案机关 and its seal area, the same rows as the Word file, scoped like it."""

import io
import os
import re
import shutil
import subprocess
import zlib

import pytest
from django.urls import reverse
from docx import Document

from linli.orgs import documents
from linli.orgs.tests.conftest import community, filed

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)  # points


def pdf_objects(pdf: bytes) -> bytes:
    """The file with every Flate stream unpacked (WeasyPrint packs the page objects)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_text(pdf: bytes) -> str:
    """The text as a reader extracts it (poppler's pdftotext, installed by scripts/test)."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext missing: scripts/test installs poppler-utils as root")
        pytest.skip("pdftotext (poppler-utils) is not installed; scripts/test installs it")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True, timeout=60)
    return done.stdout.decode()


# A scope of activities as long as clerks write them (130 characters on two lines).
SCOPE = "探访独居老人\n代购送餐" + ",陪同就医、精神慰藉、邻里互助" * 8


@pytest.fixture
def org(personas):
    return filed(personas.township, personas.township, business_scope=SCOPE)


@pytest.fixture
def pdf(personas, as_user, org):
    response = as_user(personas.county).get(reverse("orgs:certificate_pdf", args=[org.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''filing-certificate-{org.filing_number}.pdf")
    return response.content


def test_it_is_a_pdf_of_one_a4_page(pdf):
    assert pdf.startswith(b"%PDF-")
    objects = pdf_objects(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", objects)) == 1
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", objects)
    assert len(boxes) == 1
    width, height = (float(v) for v in boxes[0])
    assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))


def test_it_carries_the_certificate_as_text(pdf, org):
    text = re.sub(r"\s+", "", pdf_text(pdf))
    for expected in ("社区社会组织备案证明", org.name, f"备案编号:{org.filing_number}",
                     "马秀兰", "公益慈善类", "青海省/西宁市/城东区/东关大街街道/北关社区",
                     SCOPE.replace("\n", ""), "备案机关:东关大街街道", "(盖章)",
                     f"{org.filed_on:%Y年%m月%d日}", "不具有法人资格"):
        assert expected in text, expected


def test_it_embeds_a_cjk_font_and_fetches_nothing(pdf):
    objects = pdf_objects(pdf)
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+Noto-S\w*-CJK", objects), "Noto CJK not embedded"
    with pytest.raises(ValueError, match="loads no resources"):
        documents._no_fetching("https://example.com/logo.png")


def test_it_has_the_rows_of_the_word_file(personas, org):
    word = Document(io.BytesIO(documents.filing_certificate_docx(org)))
    cells = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert cells == [[label, value] for label, value in documents.certificate_rows(org)]


def test_it_is_linked_from_the_organisation_and_filing_pages(personas, as_user, org):
    client = as_user(personas.county)
    url = reverse("orgs:certificate_pdf", args=[org.pk])
    assert url in client.get(reverse("orgs:detail", args=[org.pk])).content.decode()
    filing = org.filings.get()
    assert url in client.get(reverse("orgs:filing_detail", args=[filing.pk])).content.decode()


def test_it_gives_another_county_404(personas, as_user, org):
    url = reverse("orgs:certificate_pdf", args=[org.pk])
    assert as_user(personas.other_county).get(url).status_code == 404
    assert as_user(personas.outsider).get(url).status_code == 404


def test_it_gives_404_before_the_organisation_is_filed(personas, as_user):
    pending = community(personas.township)
    url = reverse("orgs:certificate_pdf", args=[pending.pk])
    assert as_user(personas.county).get(url).status_code == 404
