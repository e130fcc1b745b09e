"""Digits from other scripts and unbounded numbers in the orgs app (issue 9, item 2)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_COUNTY
from linli.core.errors import Invalid
from linli.orgs import support_services
from linli.orgs.models import Organisation
from linli.orgs.tests.conftest import community
from linli.orgs.validators import normalise_credit_code, validate_credit_code

CODE = "51630000MJY000001W"
ARABIC_INDIC_CODE = "".join(chr(0x0660 + int(c)) if c in "0123456789" else c for c in CODE)


@pytest.fixture
def quals(personas):
    org = community(personas.county, name="城东区慈善协会", kind="social_group",
                    authority=OUR_COUNTY, credit_code=CODE)
    today = timezone.localdate()
    support_services.tax_qualification_add(actor=personas.county, organisation=org,
                                           kind="exempt", valid_from=today - timedelta(days=900),
                                           valid_until=today + timedelta(days=30))
    support_services.tax_qualification_add(actor=personas.county, organisation=org,
                                           kind="deduction", valid_from=today,
                                           valid_until=today + timedelta(days=400))
    return org


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "deduction_listed"), [
    ("500", True), ("30", False), ("all", True), ("99999999999999999999", True),
    ("9" * 5000, True), ("3651", True), ("0", True), ("٥٠", True), ("५०", True), ("²", True),
])
def test_it_bounds_the_days_of_the_tax_list(personas, as_user, quals, days, deduction_listed):
    # 30 days hides the qualification running 400 days; a value outside 1..3650 or not an
    # ASCII number lists them all, and never overflows the date arithmetic.
    response = as_user(personas.county).get(reverse("orgs:tax"), {"days": days})
    assert response.status_code == 200
    body = response.content.decode()
    assert "非营利组织免税资格" in body
    assert ("公益性捐赠税前扣除资格" in body) is deduction_listed


def test_it_reads_a_full_width_credit_code():
    assert normalise_credit_code("５１６３００００ＭＪＹ０００００１Ｗ\u3000") == CODE
    validate_credit_code(normalise_credit_code("51630000MJY00000¹W"))  # a superscript 1


@pytest.mark.parametrize("code", [ARABIC_INDIC_CODE, CODE[:8] + "١" + CODE[9:],
                                  CODE[:-2] + "१W"])
def test_it_refuses_a_credit_code_in_other_scripts_digits(code):
    with pytest.raises(ValidationError, match="其他文字的数字") as refused:
        validate_credit_code(normalise_credit_code(code))
    assert any(c in refused.value.messages[0] for c in code if not c.isascii())


@pytest.mark.django_db
def test_it_never_registers_one_credit_code_twice_however_typed(personas):
    community(personas.county, name="城东区慈善协会", kind="social_group", authority=OUR_COUNTY,
              credit_code=CODE)
    with pytest.raises(Invalid, match="已被登记"):
        community(personas.county, name="城东区慈善会", kind="social_group",
                  authority=OUR_COUNTY, credit_code="５１６３００００ＭＪＹ０００００１Ｗ")
    with pytest.raises(Invalid, match="其他文字的数字"):
        community(personas.county, name="城东区慈善会", kind="social_group",
                  authority=OUR_COUNTY, credit_code=ARABIC_INDIC_CODE)
    assert Organisation.objects.filter(credit_code=CODE).count() == 1
