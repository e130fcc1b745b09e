"""Forms of the measures pages: the period and region asked for, targets, the measures, the
hand-entered indicators and their values. Regions are picked (core.pickers), never typed
as codes; the region pickers here offer only the levels the form can take."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.access import access_for
from linli.accounts.roles import Bureau
from linli.core import indicators as registry
from linli.core.bounds import BoundedDateField
from linli.core.forms import BootstrapMixin
from linli.core.pickers import PickerField, PickerForm, RegionPicker, register
from linli.regions.models import Level, Region
from linli.reports import figures
from linli.reports.models import Aggregation, Direction, ManualIndicator, Measure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RANGE_YEARS_MAX = 5


class _RegionsDownTo(RegionPicker):
    """The region picker, offering the levels down to ``deepest`` only."""

    deepest = Level.VILLAGE

    def scope(self, actor, **options):
        return super().scope(actor, **options).filter(level__lte=self.deepest)

    def exact(self, actor, text, **options):
        return [r for r in super().exact(actor, text, **options) if r.level <= self.deepest]

    def missing(self, actor, key, *, label, **options):
        region = Region.objects.filter(code=self.parse_key(key) or "").first()
        if region is not None and region.level > self.deepest and access_for(actor).covers(
                region.code):
            return _("请选择%(l)s或以上的区划,不能选“%(r)s”") % {
                "l": Level(self.deepest).label, "r": region.name}
        return super().missing(actor, key, label=label, **options)


@register
class TargetRegionPicker(_RegionsDownTo):
    """Targets are set for the province, a prefecture or a county."""

    name = "target_regions"
    deepest = Level.COUNTY


@register
class MeasureRegionPicker(_RegionsDownTo):
    """The measures page drills down to a township."""

    name = "measure_regions"
    deepest = figures.DRILL_DEEPEST


# --- the measures page ------------------------------------------------------------------

class PeriodForm(BootstrapMixin, forms.Form):
    """?period=month|quarter|year|last_year|range (&start=&end=): this month by default."""

    period = forms.ChoiceField(label=_("统计期间"), choices=list(figures.PERIOD_KINDS.items()),
                               required=False)
    start = BoundedDateField(label=_("起"), required=False, widget=DATE)
    end = BoundedDateField(label=_("止"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("period") != figures.RANGE:
            return data
        start, end = data.get("start"), data.get("end")
        if not start or not end:
            raise forms.ValidationError(_("自定义期间请填写起止日期"))
        if start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期"))
        if (end - start).days > 366 * RANGE_YEARS_MAX:
            raise forms.ValidationError(_("期间不能超过 %(n)d 年") % {"n": RANGE_YEARS_MAX})
        return data

    def chosen(self) -> tuple[str, registry.Period]:
        """The kind and period asked for; this month when the form is empty or wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("period") or figures.MONTH
        return kind, figures.period_for(kind, start=data.get("start"), end=data.get("end"))


class RegionForm(PickerForm, BootstrapMixin, forms.Form):
    region = PickerField("measure_regions", label=_("地区"), required=False,
                         placeholder=_("输入地区名称或拼音首字母,如 城东区"))


# --- targets ----------------------------------------------------------------------------

def indicator_choices(actor) -> list[tuple[str, str]]:
    numerals = {m.number: m.numeral for m in Measure.objects.all()}
    return [(i.key, f"{numerals.get(i.measure, '—')} · {i.label}")
            for i in sorted(registry.available_to(actor), key=lambda i: (i.measure, i.order))]


class TargetValuesForm(BootstrapMixin, forms.Form):
    direction = forms.ChoiceField(label=_("方向"), choices=Direction.choices)
    value = forms.DecimalField(label=_("目标值"), min_value=0, max_digits=12, decimal_places=2,
                               help_text=_("百分比指标填 0 至 100,如 70"))
    deadline = BoundedDateField(label=_("完成时限"), required=False, widget=DATE)
    source = forms.CharField(
        label=_("依据文件"), max_length=200,
        help_text=_("如 民发〔2017〕191号《关于大力培育发展社区社会组织的意见》"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class TargetForm(PickerForm, TargetValuesForm):
    indicator = forms.ChoiceField(label=_("指标"))
    region_code = PickerField("target_regions", label=_("适用地区"),
                              help_text=_("省、市(州)或县(市、区、行委);下级地区没有自己的目标时沿用"))
    field_order = ["indicator", "region_code", "direction", "value", "deadline", "source", "note"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *indicator_choices(actor)]


# --- measures ---------------------------------------------------------------------------

class MeasureForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("措施名称"), max_length=60)
    summary = forms.CharField(label=_("主要内容"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    bureaus = forms.MultipleChoiceField(label=_("责任处室"), choices=Bureau.choices,
                                        required=False, widget=forms.CheckboxSelectMultiple)
    local_bureaus = forms.BooleanField(label=_("各地民政局为责任单位"), required=False,
                                       initial=True)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


# --- hand-entered figures ---------------------------------------------------------------

class ManualIndicatorForm(BootstrapMixin, forms.Form):
    label = forms.CharField(label=_("指标名称"), max_length=80)
    measure = forms.TypedChoiceField(label=_("措施"), coerce=int)
    unit = forms.CharField(label=_("单位"), max_length=10, help_text=_("如 场、人次、个"))
    aggregation = forms.ChoiceField(label=_("汇总方式"), choices=Aggregation.choices)
    entry_level = forms.TypedChoiceField(label=_("填报层级"), coerce=int,
                                         choices=[c for c in Level.choices
                                                  if c[0] <= Level.TOWNSHIP])
    bureau = forms.ChoiceField(label=_("责任处室"), required=False,
                               choices=[("", "—"), *Bureau.choices])
    note = forms.CharField(label=_("口径说明"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.number, str(m)) for m in Measure.objects.all()]


PERIOD_UNITS = [(figures.MONTH, _("月")), (figures.QUARTER, _("季度")), (figures.YEAR, _("年"))]


def _years() -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(y, f"{y}") for y in range(this, this - 10, -1)]


class EntryPeriodForm(BootstrapMixin, forms.Form):
    """A whole month, quarter or year, picked: the unit, the year, then the month or the
    quarter (the one the unit does not use is left alone)."""

    unit = forms.ChoiceField(label=_("期间类型"), choices=PERIOD_UNITS, initial=figures.MONTH)
    year = forms.TypedChoiceField(label=_("年份"), coerce=int)
    month = forms.TypedChoiceField(label=_("月份"), coerce=int, required=False,
                                   choices=[(m, _("%(m)d月") % {"m": m}) for m in range(1, 13)])
    quarter = forms.TypedChoiceField(label=_("季度"), coerce=int, required=False,
                                     choices=[(q, _("第%(q)d季度") % {"q": q})
                                              for q in range(1, 5)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].choices = _years()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1

    def clean(self):
        data = super().clean()
        unit, year = data.get("unit"), data.get("year")
        if not unit or not year:
            return data
        if unit == figures.MONTH and not data.get("month"):
            self.add_error("month", _("请选择月份"))
        elif unit == figures.QUARTER and not data.get("quarter"):
            self.add_error("quarter", _("请选择季度"))
        else:
            period = _period(unit, year, data.get("month"), data.get("quarter"))
            data["period_start"], data["period_end"] = period.start, period.end
        return data


def _period(unit: str, year: int, month: int | None, quarter: int | None) -> registry.Period:
    if unit == figures.MONTH:
        return registry.Period.month(year, month)
    if unit == figures.QUARTER:
        return figures.quarter_of(year, quarter)
    return figures.year_of(year)


def period_initial(start: date, end: date) -> dict:
    """The picker values that name a stored period (to correct a value)."""
    kind = figures.calendar_kind(registry.Period(start, end))
    return {"unit": kind, "year": start.year, "month": start.month,
            "quarter": (start.month - 1) // 3 + 1}


class ManualValueForm(PickerForm, EntryPeriodForm):
    region_code = PickerField("regions", label=_("地区"))
    value = forms.DecimalField(label=_("数值"), min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    field_order = ["region_code", "unit", "year", "month", "quarter", "value", "note"]

    def __init__(self, *args, definition: ManualIndicator, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["region_code"]
        field.options = {"level": definition.entry_level}
        field.label = Level(definition.entry_level).label


class CorrectionForm(BootstrapMixin, forms.Form):
    value = forms.DecimalField(label=_("更正后的数值"), min_value=0, max_digits=14,
                               decimal_places=2)
    note = forms.CharField(label=_("更正说明"), max_length=200, required=False)
