"""Every write of the measures: targets, the measures themselves, hand-entered indicators
and their values. Pages and the API call these and nothing else.

- A target is set for the province, a prefecture or a county, by the bureau of that level
  or one above it (a prefecture's 民政局 for itself and its counties); it is changed in
  place or deactivated, never deleted: the history keeps every earlier value.
- The measures and the hand-entered indicators are the province's (its bureaus' staff).
- A hand-entered value belongs to one region of the indicator's entry level and one whole
  month, quarter or year; entering it again corrects it (the history keeps who and when).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Bureau, Perm, Role
from linli.core import indicators as registry
from linli.core.bounds import check_choice, check_date, check_lengths
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.regions.models import CODE_LENGTHS, PROVINCE_CODE, Level, Region
from linli.reports import figures
from linli.reports.models import (
    Aggregation,
    Direction,
    ManualIndicator,
    ManualValue,
    Measure,
    Target,
)

VALUE_MAX = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)
MANUAL_MAX = Decimal("999999999999.99")  # max_digits=14
FIRST_OWN_MEASURE = 11  # the notice has ten; the province's own start at 十一
TARGET_ROLES = frozenset({Role.PROVINCE_BUREAU, Role.PREFECTURE_BUREAU, Role.COUNTY_BUREAU})
ENTRY_ROLES = TARGET_ROLES | {Role.TOWNSHIP_ASSISTANT, Role.VILLAGE_STAFF}


def _refuse(errors: dict) -> None:
    """One field wrong: its reason is the message; several: a word to look at them."""
    if errors:
        only = next(iter(errors.values()))[0] if len(errors) == 1 else None
        raise Invalid(only or _("请检查标记的字段"), details=errors)


def _outside(actor, region: Region | None, code: str, label: str) -> str | None:
    """Why a region is refused for being outside the actor's scope (None: it is inside)."""
    if region is not None and access_for(actor).covers(code):
        return None
    if region is None:
        return _("请选择您辖区内的区划")
    return _("%(f)s应在您的辖区内,“%(r)s”不在其中") % {"f": label, "r": region.name}


def _amount(value, *, field: str, maximum: Decimal, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = [_("请填写数值")]
        return None
    if not amount.is_finite() or not Decimal(0) <= amount <= maximum:
        errors[field] = [_("数值应在 0 至 %(m)s 之间") % {"m": f"{maximum:,.0f}"}]
        return None
    return amount


# --- targets ----------------------------------------------------------------------------

def may_set_target(actor, region_code: str) -> bool:
    """A bureau of the region's level or above, inside its own region, with the right to
    edit; targets are set for the province, a prefecture or a county."""
    access = access_for(actor)
    if not access.can(Perm.EDIT) or len(region_code) > CODE_LENGTHS[Level.COUNTY]:
        return False
    return any(m.role in TARGET_ROLES and region_code.startswith(m.region_code)
               for m in access.memberships)


def may_set_targets(actor) -> bool:
    access = access_for(actor)
    return access.can(Perm.EDIT) and any(m.role in TARGET_ROLES for m in access.memberships)


def _target_indicator(actor, key: str, errors: dict) -> registry.Indicator | None:
    found = next((i for i in registry.available_to(actor) if i.key == key), None)
    if found is None:
        errors["indicator"] = [_("请选择您可见范围内的指标")]
    return found


def _target_region(actor, code: str, errors: dict) -> Region | None:
    region = Region.objects.filter(code=code).first() if code else None
    outside = _outside(actor, region, code, _("适用地区"))
    if outside:
        errors["region_code"] = [outside]
    elif region.level > Level.COUNTY:
        errors["region_code"] = [_("目标只能设在省、市(州)或县(市、区、行委)一级")]
    elif not may_set_target(actor, code):
        errors["region_code"] = [_("您不能为“%(r)s”设定目标") % {"r": region.name}]
    else:
        return region
    return None


def _target_values(indicator, *, direction, value, deadline, source, note, errors) -> dict:
    if direction not in Direction.values:
        errors["direction"] = [_("请选择方向")]
    amount = _amount(value, field="value", maximum=VALUE_MAX, errors=errors)
    if amount is not None and indicator is not None and indicator.kind == registry.PERCENT \
            and amount > 100:
        errors["value"] = [_("百分比目标不能超过 100")]
    if not (source or "").strip():
        errors["source"] = [_("请填写依据文件")]
    try:
        check_date(deadline, field="deadline", label=_("完成时限"))
    except Invalid as error:
        errors.update(error.details)
    values = {"direction": direction, "value": amount, "deadline": deadline,
              "source": (source or "").strip(), "note": (note or "").strip()}
    try:
        check_lengths(Target, values)
    except Invalid as error:
        errors.update(error.details)
    return values


@transaction.atomic
def target_set(*, actor, target: Target | None = None, indicator: str = "",
               region_code: str = "", direction: str = Direction.AT_LEAST, value,
               deadline: date | None = None, source: str, note: str = "") -> Target:
    """Set a new target, or change one (its indicator and region stay as they are)."""
    if not may_set_targets(actor):
        raise NotFound()
    if target is not None:
        target = figures.target_get(actor=actor, pk=target.pk)
        indicator, region_code = target.indicator, target.region_code
        if not target.is_active:
            raise Invalid(_("该目标已停用,不能修改;请新增一条目标"))
    errors: dict = {}
    found = _target_indicator(actor, indicator, errors)
    region = _target_region(actor, region_code, errors)
    values = _target_values(found, direction=direction, value=value, deadline=deadline,
                            source=source, note=note, errors=errors)
    if not errors and Target.objects.filter(
            indicator=indicator, region_code=region_code, deadline=deadline,
            is_active=True).exclude(pk=getattr(target, "pk", None)).exists():
        errors["deadline"] = [_("“%(r)s”已有该指标同一完成时限的有效目标,请修改那一条") % {
            "r": region.name}]
    _refuse(errors)
    if target is None:
        target = Target(indicator=indicator, region_code=region_code, created_by=actor)
    for name, given in values.items():
        setattr(target, name, given)
    target._history_user = actor
    target.save()
    return target


@transaction.atomic
def target_deactivate(*, actor, target: Target) -> Target:
    """No longer in force; kept, with its history."""
    target = figures.target_get(actor=actor, pk=target.pk)
    if not may_set_target(actor, target.region_code):
        raise NotFound()
    if target.is_active:
        target.is_active = False
        target._history_user = actor
        target.save(update_fields=["is_active"])
    return target


# --- measures ---------------------------------------------------------------------------

def may_edit_measures(actor) -> bool:
    """The province's bureaus edit the measures and define the hand-entered figures."""
    access = access_for(actor)
    return access.can(Perm.EDIT) and any(
        m.role == Role.PROVINCE_BUREAU and m.region_code == PROVINCE_CODE
        for m in access.memberships)


def _measure_values(*, title, summary, bureaus, local_bureaus, order) -> dict:
    errors: dict = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("请填写措施名称")]
    bureaus = list(dict.fromkeys(bureaus or []))
    if any(b not in Bureau.values for b in bureaus):
        errors["bureaus"] = [_("请从列表中选择责任处室")]
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 999:
        errors["order"] = [_("排序应为 0 至 999 之间的整数")]
    values = {"title": title, "summary": (summary or "").strip(), "local_bureaus": local_bureaus,
              "bureaus": [b for b in Bureau.values if b in bureaus], "order": order}
    try:
        check_lengths(Measure, values)
    except Invalid as error:
        errors.update(error.details)
    _refuse(errors)
    return values


@transaction.atomic
def measure_update(*, actor, measure: Measure, title: str, summary: str = "",
                   bureaus: list[str] = (), local_bureaus: bool = True, order: int,
                   is_active: bool = True) -> Measure:
    if not may_edit_measures(actor):
        raise NotFound()
    values = _measure_values(title=title, summary=summary, bureaus=bureaus,
                             local_bureaus=local_bureaus, order=order)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    for name, given in values.items():
        setattr(measure, name, given)
    measure.is_active = bool(is_active)
    measure._history_user = actor
    measure.save()
    return measure


@transaction.atomic
def measure_add(*, actor, title: str, summary: str = "", bureaus: list[str] = (),
                local_bureaus: bool = True, order: int | None = None) -> Measure:
    """The province's own measure, numbered after the last (十一 at the earliest)."""
    if not may_edit_measures(actor):
        raise NotFound()
    last = Measure.objects.select_for_update().order_by("-number").first()
    number = max(FIRST_OWN_MEASURE, (last.number + 1) if last else 1)
    values = _measure_values(title=title, summary=summary, bureaus=bureaus,
                             local_bureaus=local_bureaus,
                             order=number if order is None else order)
    measure = Measure(number=number, **values)
    measure._history_user = actor
    measure.save()
    return measure


# --- hand-entered indicators ------------------------------------------------------------

def _manual_code(label: str) -> str:
    """A key no registered indicator and no hand-entered one has (never typed by anyone)."""
    taken = {i.key for i in registry.registered()} | set(
        ManualIndicator.objects.values_list("code", flat=True))
    stem = (slugify(label) or "manual")[:30]
    number = ManualIndicator.objects.count() + 1
    while f"{stem}_{number}" in taken:
        number += 1
    return f"manual_{number}" if stem == "manual" else f"{stem}_{number}"


@transaction.atomic
def manual_indicator_save(*, actor, definition: ManualIndicator | None = None, label: str,
                          measure: int, unit: str, aggregation: str = Aggregation.SUM,
                          entry_level: int = Level.COUNTY, bureau: str = "", note: str = "",
                          is_active: bool = True) -> ManualIndicator:
    """Define a figure entered by hand, or change one (its code stays)."""
    if not may_edit_measures(actor):
        raise NotFound()
    errors: dict = {}
    found = Measure.objects.filter(number=measure).first()
    if found is None:
        errors["measure"] = [_("请选择措施")]
    if not (label or "").strip():
        errors["label"] = [_("请填写指标名称")]
    if not (unit or "").strip():
        errors["unit"] = [_("请填写单位,如 场、人次、个")]
    try:
        check_choice(aggregation, Aggregation, field="aggregation", label=_("汇总方式"))
    except Invalid as error:
        errors.update(error.details)
    if bureau and bureau not in Bureau.values:
        errors["bureau"] = [_("请从列表中选择责任处室")]
    if entry_level not in Level.values:
        errors["entry_level"] = [_("请选择填报层级")]
    elif definition is not None and entry_level != definition.entry_level and (
            definition.values.exists()):
        errors["entry_level"] = [_("该指标已有填报数据,不能更改填报层级")]
    values = {"label": (label or "").strip(), "unit": (unit or "").strip(),
              "aggregation": aggregation, "entry_level": entry_level, "bureau": bureau or "",
              "note": (note or "").strip(), "is_active": bool(is_active)}
    try:
        check_lengths(ManualIndicator, values)
    except Invalid as error:
        errors.update(error.details)
    _refuse(errors)
    if definition is None:
        definition = ManualIndicator(code=_manual_code(values["label"]))
    else:
        definition = ManualIndicator.objects.select_for_update().get(pk=definition.pk)
    definition.measure = found
    for name, given in values.items():
        setattr(definition, name, given)
    definition._history_user = actor
    definition.save()
    figures.figures_changed()
    return definition


def _entry_membership(access, definition: ManualIndicator, code: str):
    """The membership that answers for this region's figure: a region of its own or above
    it, and, for a bureau of the province, the bureau the figure names (if it names one)."""
    for m in access.memberships:
        if m.role not in ENTRY_ROLES or not code.startswith(m.region_code):
            continue
        if m.role == Role.PROVINCE_BUREAU and definition.bureau and m.bureau != definition.bureau:
            continue
        return m
    return None


def may_enter(actor, definition: ManualIndicator, code: str | None = None) -> bool:
    """May the actor enter this figure (for this region, when given)?"""
    access = access_for(actor)
    if not access.can(Perm.EDIT) or not definition.is_active or not figures.sees_manual(actor):
        return False
    if code is not None:
        return _entry_membership(access, definition, code) is not None
    length = CODE_LENGTHS[definition.entry_level]
    return any(len(m.region_code) <= length and _entry_membership(access, definition,
                                                                  m.region_code)
               for m in access.memberships)


def _entry_period(start: date | None, end: date | None, errors: dict) -> None:
    if start is None or end is None:
        errors["period"] = [_("请选择填报期间")]
        return
    period = registry.Period(start, end)
    if figures.calendar_kind(period) is None:
        errors["period"] = [_("填报期间应为整月、整季度或整年")]
    elif start > timezone.localdate():
        errors["period"] = [_("不能填报尚未开始的期间")]
    else:
        try:
            check_date(start, field="period", label=_("填报期间"))
            check_date(end, field="period", label=_("填报期间"))
        except Invalid as error:
            errors.update(error.details)


@transaction.atomic
def manual_value_enter(*, actor, indicator: ManualIndicator, region_code: str,
                       period_start: date, period_end: date, value,
                       note: str = "") -> tuple[ManualValue, bool]:
    """Enter a region's figure for a period, or correct the one already entered for it
    (created is False); the history keeps the earlier value with who and when."""
    definition = figures.manual_indicator_get(actor=actor, pk=indicator.pk)
    errors: dict = {}
    region = Region.objects.filter(code=region_code).first() if region_code else None
    outside = _outside(actor, region, region_code, _("填报地区"))
    if outside:
        errors["region_code"] = [outside]
    elif region.level != definition.entry_level:
        errors["region_code"] = [_("该指标由%(l)s填报,请选择%(l)s") % {
            "l": Level(definition.entry_level).label}]
    elif not may_enter(actor, definition, region_code):
        raise Forbidden(_("您不负责填报“%(r)s”的该项数据") % {"r": region.name})
    if not definition.is_active:
        errors["indicator"] = [_("该指标已停用,不再填报")]
    _entry_period(period_start, period_end, errors)
    amount = _amount(value, field="value", maximum=MANUAL_MAX, errors=errors)
    note = (note or "").strip()
    if len(note) > ManualValue._meta.get_field("note").max_length:
        errors["note"] = [_("备注不能超过 200 个字")]
    if not errors:
        _no_overlap(definition, region, period_start, period_end, errors)
    _refuse(errors)
    row = (ManualValue.objects.select_for_update()
           .filter(indicator=definition, region=region, period_start=period_start,
                   period_end=period_end).first())
    created = row is None
    if created:
        row = ManualValue(indicator=definition, region=region, period_start=period_start,
                          period_end=period_end)
    elif row.value == amount and row.note == note:
        return row, False
    row.value, row.note = amount, note
    row.entered_by, row.entered_at = actor, timezone.now()
    row._history_user = actor
    row.save()
    figures.figures_changed()
    return row, created


def _no_overlap(definition, region, start, end, errors) -> None:
    """A month and the quarter around it would be added up twice: one period per stretch."""
    other = (ManualValue.objects.filter(indicator=definition, region=region,
                                        period_start__lte=end, period_end__gte=start)
             .exclude(period_start=start, period_end=end).first())
    if other is not None:
        errors["period"] = [_("“%(r)s”已填报与此重叠的期间 %(a)s—%(b)s,请更正那一条或另选期间") % {
            "r": region.name, "a": f"{other.period_start:%Y-%m-%d}",
            "b": f"{other.period_end:%Y-%m-%d}"}]
