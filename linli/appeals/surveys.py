"""Household economic surveys (家庭经济状况调查): recorded under the household's consent by
staff with the 社会救助 domain, read against the thresholds in force where the household
lives, flagged (a flag suggests a referral to 社会救助, it never grants anything) and
referred as an appeal; and the joint case notes of a household."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import DOMAIN_BITS, Domain, Perm
from linli.appeals import services
from linli.appeals.models import (
    CaseNote,
    Channel,
    ConsentBasis,
    HardshipCause,
    Survey,
    SurveyFlag,
    Threshold,
    ThresholdKind,
)
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.people.models import Consent
from linli.people.selectors import person_get, visible

MONEY_FIELDS = ("income_wage", "income_business", "income_property", "income_transfer",
                "deposits", "expense_medical", "expense_education")
MONEY_MAX = Decimal("99999999.99")
MEMBERS_MAX = 30
ASSISTANCE = DOMAIN_BITS[Domain.ASSISTANCE]


def surveys_visible(actor, within: str = "") -> QuerySet[Survey]:
    return visible(Survey.objects.all(), actor, within=within)


def survey_get(*, actor, pk: int) -> Survey:
    found = (surveys_visible(actor).filter(pk=pk)
             .select_related("person", "region", "consent", "surveyor", "appeal").first())
    if found is None:
        raise NotFound()
    return found


# --- thresholds ---------------------------------------------------------------------------------

def thresholds_at(region, day: date) -> dict[str, Threshold]:
    """Per kind, the standard in force on ``day`` set by the most local region above the
    village (county, then prefecture, then province), for its urban or rural kind."""
    above = region.ancestor_codes()
    rows = (Threshold.objects.filter(region_code__in=above, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .filter(Q(area="") | Q(area=region.village_kind or "")))
    found: dict[str, Threshold] = {}
    for row in sorted(rows, key=lambda t: (len(t.region_code), bool(t.area), t.valid_from)):
        found[row.kind] = row  # the most local, most specific, latest wins
    return found


def flags_for(*, per_capita_monthly: Decimal, members: int, no_work_ability: bool,
              no_supporter: bool, thresholds: dict[str, Decimal]) -> list[str]:
    """What the income suggests against the thresholds (those missing are not judged)."""
    flags = []
    dibao, tekun = thresholds.get(ThresholdKind.DIBAO), thresholds.get(ThresholdKind.TEKUN)
    edge, monitor = thresholds.get(ThresholdKind.EDGE), thresholds.get(ThresholdKind.MONITOR)
    if dibao is not None and per_capita_monthly <= dibao:
        flags.append(SurveyFlag.DIBAO)
    if (tekun is not None and per_capita_monthly <= tekun and no_work_ability
            and no_supporter and members == 1):
        flags.append(SurveyFlag.TEKUN)
    if edge is not None and (dibao is None or per_capita_monthly > dibao) \
            and per_capita_monthly <= edge:
        flags.append(SurveyFlag.EDGE)
    if monitor is not None and per_capita_monthly <= monitor:
        flags.append(SurveyFlag.MONITOR)
    return [str(f) for f in flags]


# --- recording ----------------------------------------------------------------------------------

def _refuse(errors: dict) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise Invalid(first, details=errors)


def _money(values: dict, errors: dict) -> dict[str, Decimal]:
    money = {}
    for name in MONEY_FIELDS:
        label = Survey._meta.get_field(name).verbose_name
        try:
            amount = Decimal(str(values.get(name) if values.get(name) not in (None, "") else 0))
        except (InvalidOperation, ValueError):
            errors[name] = [_("%(f)s应为金额(元)") % {"f": label}]
            continue
        if not amount.is_finite() or amount < 0:
            errors[name] = [_("%(f)s不能为负数;没有填 0") % {"f": label}]
        elif amount > MONEY_MAX:
            errors[name] = [_("%(f)s超出范围,请核对(单位:元)") % {"f": label}]
        else:
            money[name] = amount.quantize(Decimal("0.01"))
    return money


def _consent(person) -> Consent | None:
    """The person's consent still in force (the latest)."""
    return (Consent.objects.filter(person=person, withdrawn_on__isnull=True)
            .order_by("-given_on", "-id").first())


def may_survey(actor) -> bool:
    access = access_for(actor)
    return access.can(Perm.EDIT) and Domain.ASSISTANCE in access.domains


@transaction.atomic
def survey_record(*, actor, person_id: int, surveyed_on: date, members_count: int,
                  cause: str, members_note: str = "", cause_note: str = "",
                  housing_count: int = 0, vehicles_count: int = 0,
                  no_work_ability: bool = False, no_supporter: bool = False, notes: str = "",
                  **money) -> Survey:
    """Record a survey; refused whole, with every wrong field said, on bad input."""
    if not may_survey(actor):
        raise Forbidden(_("家庭经济状况调查须由有社会救助数据权限的工作人员登记"))
    person = person_get(actor=actor, pk=person_id)
    errors: dict[str, list[str]] = {}
    amounts = _money(money, errors)
    today = timezone.localdate()
    if surveyed_on > today:
        errors["surveyed_on"] = [_("调查日期不能晚于今天")]
    elif surveyed_on < today - timedelta(days=366):
        errors["surveyed_on"] = [_("调查日期不能早于一年前")]
    if not isinstance(members_count, int) or not 1 <= members_count <= MEMBERS_MAX:
        errors["members_count"] = [_("家庭人口应为 1 至 %(n)d 人") % {"n": MEMBERS_MAX}]
    for name, value in (("housing_count", housing_count), ("vehicles_count", vehicles_count)):
        if not isinstance(value, int) or not 0 <= value <= 99:
            errors[name] = [_("请填写 0 至 99 的整数")]
    if cause not in HardshipCause.values:
        errors["cause"] = [_("请选择致困原因")]
    consent = _consent(person)
    if consent is None:
        errors["consent"] = [_("请先在关爱对象页面登记本人或家庭成员的授权同意:"
                               "家庭经济状况调查须经授权")]
    _refuse(errors)
    survey = Survey(person=person, household=person.household, region=person.region,
                    region_code=person.region_code, organisation=person.organisation,
                    domain_mask=ASSISTANCE, birth_date=person.birth_date,
                    members_count=members_count, members_note=members_note.strip()[:2000],
                    housing_count=housing_count, vehicles_count=vehicles_count, cause=cause,
                    cause_note=cause_note.strip()[:500], no_work_ability=no_work_ability,
                    no_supporter=no_supporter, consent=consent, surveyor=actor,
                    surveyed_on=surveyed_on, notes=notes.strip()[:2000], **amounts)
    survey.per_capita_monthly = (survey.income_total / 12 / members_count).quantize(
        Decimal("0.01"))
    standards = {kind: row.monthly for kind, row in thresholds_at(person.region,
                                                                   surveyed_on).items()}
    survey.thresholds = {kind: str(amount) for kind, amount in standards.items()}
    survey.flags = flags_for(per_capita_monthly=survey.per_capita_monthly,
                             members=members_count, no_work_ability=no_work_ability,
                             no_supporter=no_supporter, thresholds=standards)
    survey.save()
    return survey


# what a flag refers to (the appeal's category, one of the 8 assistance types)
FLAG_CATEGORY = {SurveyFlag.DIBAO: "dibao", SurveyFlag.TEKUN: "tekun",
                 SurveyFlag.EDGE: "temporary", SurveyFlag.MONITOR: "temporary"}


@transaction.atomic
def survey_refer(*, actor, survey: Survey, category: str = "") -> Survey:
    """Raise the appeal a survey's flags suggest (待受理, under the consent the survey was
    made with), linked to the survey; once."""
    survey = surveys_visible(actor).select_for_update(of=("self",)).filter(
        pk=survey.pk).first()
    if survey is None:
        raise NotFound()
    if survey.appeal_id:
        raise Invalid(_("这份调查已经转介过"), details={"survey": [_("这份调查已经转介过")]})
    if not category:
        category = next((FLAG_CATEGORY[f] for f in survey.flags if f in FLAG_CATEGORY),
                        "temporary")
    lines = [_("家庭经济状况调查(%(d)s):家庭人口 %(n)d 人,人均月收入 %(i)s 元") % {
        "d": f"{survey.surveyed_on:%Y-%m-%d}", "n": survey.members_count,
        "i": survey.per_capita_monthly}, *survey.flag_labels()]
    appeal = services.appeal_create(
        actor=actor, channel=Channel.SURVEY, category=category, description=";".join(lines),
        person_id=survey.person_id, consent_basis=ConsentBasis.CONSENT,
        consent_note=_("家庭经济状况调查授权(%(d)s,%(by)s)") % {
            "d": f"{survey.consent.given_on:%Y-%m-%d}", "by": survey.consent.given_by})
    survey.appeal = appeal
    survey.save(update_fields=["appeal"])
    return survey


# --- joint case notes ---------------------------------------------------------------------------

def unit_of(actor) -> str:
    """The unit a note is written for: the organisation, the bureau, or the region's office."""
    access = access_for(actor)
    for membership in access.memberships:
        if membership.organisation_id:
            return str(membership.organisation)
        if membership.bureau:
            return f"{membership.region.name}{membership.get_bureau_display()}"
    first = access.memberships[0] if access.memberships else None
    return f"{first.region.name} · {first.get_role_display()}" if first else ""


def case_note_add(*, actor, person_id: int, text: str) -> CaseNote:
    if not access_for(actor).can(Perm.EDIT):
        raise Forbidden(_("您没有记录的权限"))
    person = person_get(actor=actor, pk=person_id)
    text = (text or "").strip()
    if not text:
        raise Invalid(_("请填写记录内容"), details={"text": [_("请填写记录内容")]})
    return CaseNote.objects.create(
        person=person, household=person.household, region_code=person.region_code,
        organisation=person.organisation, domain_mask=person.domain_mask,
        birth_date=person.birth_date, author=actor, unit=unit_of(actor)[:100],
        text=text[:2000])
