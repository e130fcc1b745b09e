"""Household economic surveys: recorded under consent by staff with the 社会救助 domain,
flagged against the thresholds in force (data, never code), referred as an appeal once;
the household view and its joint notes; bad input refused with every field said."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import OUR_COUNTY, OUR_PREFECTURE, make_user
from linli.accounts.roles import Role
from linli.appeals import surveys
from linli.appeals.models import AppealStatus, Channel, Survey, Threshold
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.people import services as people
from linli.regions.models import Region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _standards():
    """城东区 sets its own 低保 line; 西宁市's others apply (one expired, one for villages)."""
    county, city = Region.objects.get(code=OUR_COUNTY), Region.objects.get(code=OUR_PREFECTURE)
    start = date(TODAY.year, 1, 1)
    for region, kind, amount, per, extra in (
            (county, "dibao", "800", "month", {}),
            (city, "dibao", "700", "month", {}),
            (city, "dibao", "500", "month", {"valid_to": start - timedelta(days=1),
                                             "valid_from": date(TODAY.year - 1, 1, 1)}),
            (city, "tekun", "1040", "month", {}),
            (city, "edge", "1200", "month", {}),
            (city, "monitor", "9600", "year", {}),
            (city, "dibao", "600", "month", {"area": "rural"})):
        Threshold.objects.create(**{"region": region, "kind": kind, "amount": Decimal(amount),
                                    "per": per, "valid_from": start, "source": "测试", **extra})


def _consent(actor, person):
    people.consent_record(actor=actor, person=person, purpose="家庭经济状况调查授权核对",
                          given_by=person.name, relation="本人", given_on=TODAY)


def _survey(actor, person, **extra):
    values = {"surveyed_on": TODAY, "members_count": 3, "cause": "illness",
              "income_wage": "18000", "income_business": "0", "income_property": "0",
              "income_transfer": "3600", "deposits": "2000", "expense_medical": "30000",
              "expense_education": "0", **extra}
    return surveys.survey_record(actor=actor, person_id=person.pk, **values)


def test_a_survey_computes_the_income_and_flags_against_the_local_standards(personas, elder):
    _standards()
    _consent(personas.village, elder)
    survey = _survey(personas.village, elder)
    assert survey.per_capita_monthly == Decimal("600.00")  # 21,600 a year, 3 people
    assert survey.thresholds == {"dibao": "800.00", "tekun": "1040.00", "edge": "1200.00",
                                 "monitor": "800.00"}
    assert survey.flags == ["dibao", "monitor"]  # the county's line, not the city's
    higher = _survey(personas.village, elder, income_wage="36000")  # 1,100 a month
    assert higher.flags == ["edge"]


def test_a_person_alone_without_work_ability_or_supporter_is_flagged_for_tekun(personas,
                                                                              elder):
    _standards()
    _consent(personas.village, elder)
    survey = _survey(personas.village, elder, members_count=1, income_wage="0",
                     income_transfer="9600", no_work_ability=True, no_supporter=True)
    assert survey.per_capita_monthly == Decimal("800.00")
    assert "tekun" in survey.flags and "dibao" in survey.flags


def test_no_standard_in_force_means_no_flag(personas, elder):
    _consent(personas.village, elder)
    assert _survey(personas.village, elder, income_wage="0", income_transfer="0").flags == []


def test_bad_input_is_refused_whole_with_every_field_said(personas, elder):
    _consent(personas.village, elder)
    with pytest.raises(Invalid) as refused:
        _survey(personas.village, elder, income_wage="-100", expense_medical="abc",
                members_count=0, surveyed_on=TODAY + timedelta(days=1))
    details = refused.value.details
    assert "不能为负数" in details["income_wage"][0]
    assert set(details) == {"income_wage", "expense_medical", "members_count", "surveyed_on"}
    assert not Survey.objects.exists()


def test_a_survey_needs_the_households_consent(personas, elder):
    with pytest.raises(Invalid, match="授权同意"):
        _survey(personas.village, elder)


def test_only_the_assistance_domain_records_and_sees_surveys(personas, elder):
    _consent(personas.village, elder)
    survey = _survey(personas.village, elder)
    volunteer = make_user("zhiyuan", Role.VOLUNTEER, elder.region_code)
    with pytest.raises(Forbidden):
        _survey(volunteer, elder)
    with pytest.raises(NotFound):
        surveys.survey_get(actor=personas.province_elderly, pk=survey.pk)
    with pytest.raises(NotFound):
        surveys.survey_get(actor=personas.other_county, pk=survey.pk)
    assert surveys.survey_get(actor=personas.county, pk=survey.pk) == survey


def test_a_flag_is_referred_once_as_an_appeal_for_social_assistance(personas, elder):
    _standards()
    _consent(personas.village, elder)
    survey = surveys.survey_refer(actor=personas.village, survey=_survey(personas.village,
                                                                          elder))
    appeal = survey.appeal
    assert (appeal.channel, appeal.category.code, appeal.status) == (
        Channel.SURVEY, "dibao", AppealStatus.PENDING)
    assert "人均月收入 600.00 元" in appeal.description and appeal.consent_basis == "consent"
    with pytest.raises(Invalid, match="已经转介过"):
        surveys.survey_refer(actor=personas.village, survey=survey)


def test_the_household_page_shows_who_does_what_and_takes_a_joint_note(personas, as_user,
                                                                       elder):
    _standards()
    _consent(personas.village, elder)
    _survey(personas.village, elder)
    client = as_user(personas.village)
    url = reverse("appeals:household", args=[elder.pk])
    page = client.get(url).content.decode()
    assert 'id="household-members"' in page and "马福寿" in page
    assert "可能符合最低生活保障条件" in page and "尚未转介" in page
    client.post(reverse("appeals:case_note", args=[elder.pk]), {"text": "已联系慈善协会送冬衣"})
    page = client.get(url).content.decode()
    assert "已联系慈善协会送冬衣" in page
    assert as_user(personas.other_county).get(url).status_code == 404
    # the elderly bureau sees the household, not its survey
    elderly = as_user(personas.province_elderly).get(url).content.decode()
    assert "600.00" not in elderly


def test_the_survey_form_keeps_what_was_typed_and_says_the_wrong_field(personas, as_user,
                                                                       elder):
    _consent(personas.village, elder)
    response = as_user(personas.village).post(reverse("appeals:survey_new", args=[elder.pk]), {
        "surveyed_on": TODAY.isoformat(), "members_count": 2, "cause": "illness",
        "income_wage": "-5", "income_business": "0", "income_property": "0",
        "income_transfer": "0", "deposits": "0", "housing_count": 1, "vehicles_count": 0,
        "expense_medical": "0", "expense_education": "0", "members_note": "老伴 卧床"})
    body = response.content.decode()
    assert response.status_code == 422 and "不能为负数" in body and "老伴 卧床" in body
