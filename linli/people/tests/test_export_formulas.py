"""The people export writes what users typed as text, never as a live formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.people.tests.conftest import OLD_MAN, register

pytestmark = pytest.mark.django_db
NAME = '=HYPERLINK("http://x.cn","点此")'


def test_it_exports_a_formula_like_name_as_quoted_text(personas, as_user):
    register(personas.village, name=NAME, id_number=OLD_MAN, address="+cmd|' /C calc'!A0",
             phone="+86 138 0000 0001")
    response = as_user(personas.township).get(reverse("people:list"), {"export": "xlsx"})
    row = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3))
    cells = {cell.column_letter: cell for cell in row}
    assert (cells["A"].value, cells["A"].data_type) == ("'" + NAME, "s")
    assert cells["H"].value == "'+cmd|' /C calc'!A0"
    assert cells["F"].value == "+86 138 0000 0001"  # a phone is not a formula
    assert cells["D"].data_type == "d"  # the birth date stays a date
