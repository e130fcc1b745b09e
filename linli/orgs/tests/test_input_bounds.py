"""Every number and date a person types into the orgs app is bounded on the page form and
again in the service (the API and the importer reach the services directly)."""

import inspect
from datetime import date

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_COUNTY, OUR_TOWNSHIP, OUR_VILLAGE
from linli.core.bounds import COUNT_MAX, BoundedDateField
from linli.core.errors import Invalid
from linli.orgs import forms as orgs_forms
from linli.orgs import services, support_services
from linli.orgs.models import FilingKind, Organisation, SocialWorkStation
from linli.orgs.tests.conftest import VALID_CODE, community, filed

pytestmark = pytest.mark.django_db
FORMS = [f for _n, f in inspect.getmembers(orgs_forms, inspect.isclass)
         if issubclass(f, forms.Form) and f.__module__ == orgs_forms.__name__]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
def test_it_bounds_every_number_and_date_on_the_orgs_forms(form_class):
    for name, field in form_class().fields.items():
        if isinstance(field, forms.DateField):
            assert isinstance(field, BoundedDateField), f"{form_class.__name__}.{name}"
        if isinstance(field, forms.IntegerField):
            assert field.min_value is not None and field.max_value is not None, \
                f"{form_class.__name__}.{name}"


def test_it_refuses_out_of_range_numbers_and_dates_on_the_form():
    form = orgs_forms.OrganisationForm({"members_count": COUNT_MAX + 1,
                                        "founded_on": "2200-01-01"})
    assert not form.is_valid()
    assert "members_count" in form.errors and "1900 年至 2100 年" in form.errors["founded_on"][0]
    station = orgs_forms.StationForm({"staff_count": 40_000, "operator_id": 2**64})
    assert not station.is_valid() and {"staff_count", "operator_id"} <= set(station.errors)


def test_it_says_on_top_when_the_hidden_version_is_not_a_number(personas, as_user, our_org):
    client = as_user(personas.township)
    response = client.post(reverse("orgs:edit", args=[our_org.pk]), {
        "name": our_org.name, "kind": "community", "category": our_org.category,
        "region_code": OUR_VILLAGE, "leader_name": "马秀兰", "members_count": 18,
        "version": "abc"})
    assert response.status_code == 200
    assert "页面已过期,请刷新后重新编辑" in response.content.decode()
    assert Organisation.objects.get(pk=our_org.pk).version == our_org.version


def test_it_shows_a_form_error_for_an_overflowing_count(personas, as_user):
    response = as_user(personas.township).post(reverse("orgs:create"), {
        "name": "北关社区银龄互助会", "kind": "community", "category": "life_service",
        "region_code": OUR_VILLAGE, "authority_region_code": OUR_TOWNSHIP,
        "leader_name": "马秀兰", "members_count": 10**20})
    assert response.status_code == 200 and not Organisation.objects.exists()


def test_it_answers_a_clear_422_for_a_bad_change_filing_form(personas, as_user):
    org = filed(personas.township, personas.township)
    response = as_user(personas.township).post(
        reverse("orgs:filing_create", args=[org.pk]),
        {"kind": FilingKind.CHANGE, "members_count": 10**20})
    assert response.status_code == 422
    assert "新成员人数" in response.content.decode()


def test_it_refuses_out_of_range_counts_dates_and_lengths_in_the_services(personas, our_org):
    with pytest.raises(Invalid, match="成员人数应为 0 至 1000000"):
        community(personas.township, name="北关社区文艺队", members_count=COUNT_MAX + 1)
    with pytest.raises(Invalid, match="成员人数"):
        community(personas.township, name="北关社区文艺队", members_count=-1)
    with pytest.raises(Invalid, match="成立日期应在 1900 年至 2100 年之间"):
        community(personas.township, name="北关社区文艺队", founded_on=date(1800, 1, 1))
    with pytest.raises(Invalid, match="名称不能超过 100 个字"):
        community(personas.township, name="文" * 101)
    with pytest.raises(Invalid, match="成员人数"):
        services.organisation_update(actor=personas.township, organisation=our_org,
                                     version=our_org.version, members_count=2**40)
    assert Organisation.objects.count() == 1


def test_it_refuses_out_of_range_values_in_the_support_services(personas):
    charity = community(personas.county, name="城东区慈善协会", kind="social_group",
                        authority=OUR_COUNTY, credit_code=VALID_CODE)
    today = timezone.localdate()
    with pytest.raises(Invalid, match="驻站社工人数"):
        support_services.station_save(actor=personas.county, region_code=OUR_TOWNSHIP,
                                      established=True, opened_on=today, staff_count=40_000)
    with pytest.raises(Invalid, match="建成日期应在 1900"):
        support_services.station_save(actor=personas.county, region_code=OUR_TOWNSHIP,
                                      established=True, opened_on=date(2200, 1, 1))
    assert not SocialWorkStation.objects.exists()
    with pytest.raises(Invalid, match="有效期止应在 1900"):
        support_services.tax_qualification_add(actor=personas.county, organisation=charity,
                                               kind="exempt", valid_from=today,
                                               valid_until=date(9999, 12, 31))
    base = support_services.incubation_base_create(actor=personas.county, name="孵化基地",
                                                   region_code=OUR_COUNTY)
    with pytest.raises(Invalid, match="入孵日期应在 1900"):
        support_services.incubation_add(actor=personas.county, base=base,
                                        organisation_id=charity.pk, started_on=date(1, 1, 1))
    with pytest.raises(Invalid, match="请填写入孵组织"):
        support_services.incubation_add(actor=personas.county, base=base,
                                        organisation_id=None, started_on=today)


def test_it_says_why_a_tax_qualification_form_was_refused(personas, as_user):
    charity = community(personas.county, name="城东区慈善协会", kind="social_group",
                        authority=OUR_COUNTY, credit_code=VALID_CODE)
    response = as_user(personas.county).post(
        reverse("orgs:tax_add", args=[charity.pk]),
        {"kind": "exempt", "valid_from": "2024-01-01", "valid_until": "2200-01-01"},
        follow=True)
    assert "有效期止:日期应在 1900 年至 2100 年之间" in response.content.decode()
    assert not charity.tax_qualifications.exists()
