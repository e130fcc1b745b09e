"""The forms of the reporting rounds: opening a round, and a report's sections."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.roles import Bureau
from linli.core import indicators as registry
from linli.core.bounds import BoundedDateField
from linli.core.forms import BootstrapMixin
from linli.reports.models import DEFAULT_SECTIONS, Measure, Round
from linli.reports.rounds import REASON_MAX, SECTION_TEXT_MAX


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def indicator_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The registry's indicators under their measure (「八、加强人才培育」), in its order."""
    measures = {m.number: str(m) for m in Measure.objects.filter(is_active=True)}
    groups: dict[str, list[tuple[str, str]]] = {}
    for indicator in sorted(registry.registered(), key=lambda i: (i.measure or 99, i.order)):
        heading = measures.get(indicator.measure, _("其他指标"))
        groups.setdefault(heading, []).append((indicator.key, str(indicator.label)))
    return list(groups.items())


class RoundForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"),
                            max_length=Round._meta.get_field("title").max_length)
    period_start = BoundedDateField(label=gettext_lazy("统计起始日期"), widget=DateInput())
    period_end = BoundedDateField(label=gettext_lazy("统计截止日期"), widget=DateInput())
    deadline = BoundedDateField(label=gettext_lazy("报送截止日期"), widget=DateInput())
    sections = forms.CharField(
        label=gettext_lazy("报告章节"), widget=forms.Textarea(attrs={"rows": 4}),
        max_length=600, help_text=gettext_lazy("每行一个章节标题,按顺序排列"))
    indicators = forms.MultipleChoiceField(label=gettext_lazy("附表指标"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    report_prefectures = forms.BooleanField(label=gettext_lazy("市(州)民政局"), required=False)
    report_counties = forms.BooleanField(label=gettext_lazy("县级民政局(报所属市州审核)"),
                                         required=False)
    report_bureaus = forms.BooleanField(label=gettext_lazy("厅各处室(局)"), required=False)
    bureaus = forms.MultipleChoiceField(label=gettext_lazy("报送处室"), required=False,
                                        choices=Bureau.choices,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.groups = indicator_groups()
        self.fields["indicators"].choices = [c for _h, choices in self.groups for c in choices]
        for name in ("indicators", "bureaus", "report_prefectures", "report_counties",
                     "report_bureaus"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.initial = {
            "title": _("%(y)d年“邻里守望”关爱行动总结报告") % {"y": today.year},
            "period_start": date(today.year, 1, 1), "period_end": today,
            "deadline": today + timedelta(days=30), "sections": "\n".join(DEFAULT_SECTIONS),
            "indicators": [i.key for i in registry.registered() if not i.breakdown],
            "report_prefectures": True, "report_bureaus": True,
            "bureaus": list(Bureau.values), **self.initial}

    @property
    def indicator_options(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """The groups with each box's checked state (the posted one once bound)."""
        chosen = set(self["indicators"].value() or [])
        return [(heading, [(key, label, key in chosen) for key, label in choices])
                for heading, choices in self.groups]

    @property
    def bureau_options(self) -> list[tuple[str, str, bool]]:
        chosen = set(self["bureaus"].value() or [])
        return [(code, label, code in chosen) for code, label in Bureau.choices]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["sections"] = [line for line in data["sections"].splitlines() if line.strip()]
        return data


class SectionsForm(forms.Form):
    """One textarea per section of the round, named by its place (``section-0`` …)."""

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.titles = [s["title"] for s in report.sections]
        for index, section in enumerate(report.sections):
            self.fields[f"section-{index}"] = forms.CharField(
                label=section["title"], required=False, initial=section["text"],
                max_length=SECTION_TEXT_MAX, strip=False,
                widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))

    def sections(self) -> dict[str, str]:
        return {title: self.cleaned_data[f"section-{index}"]
                for index, title in enumerate(self.titles)}


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=gettext_lazy("意见(可不填)"), required=False,
                              max_length=REASON_MAX,
                              widget=forms.Textarea(attrs={"rows": 2}))
