"""The ten measures, their targets and hand-entered figures, and the reporting rounds
that carry each unit's summary report up from county to province (measure 报告 of the
notice; approval as in DHIS2's data approval, GLOSSARY §9).

The figures themselves are not stored here: they are computed by the indicator registry
(``linli.core.indicators``) for a region and a period. A report freezes the values it
used (``FrozenValue``) when it is submitted, so later data changes never alter it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.accounts.roles import Bureau
from linli.regions.models import Level, Region


class Measure(models.Model):
    """One of the notice's ten measures (GLOSSARY §1), or one the province adds."""

    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    title = models.CharField(_("措施"), max_length=60)
    summary = models.TextField(_("主要内容"), blank=True)
    # 责任单位: the bureaus answering for it; 各地民政局 answer for every measure the notice
    # gives them.
    bureaus = models.JSONField(_("责任处室"), default=list, blank=True)
    local_bureaus = models.BooleanField(_("各地民政局为责任单位"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("措施")
        verbose_name_plural = _("措施")
        ordering = ["order", "number"]

    def __str__(self) -> str:
        return f"{self.numeral}、{self.title}"

    @property
    def numeral(self) -> str:
        return chinese_numeral(self.number)

    @property
    def bureau_labels(self) -> list[str]:
        labels = dict(Bureau.choices)
        return [str(labels.get(code, code)) for code in self.bureaus]


NUMERALS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (the numbering of the notice's measures and of
    GB/T 9704's first-level headings)."""
    if number < 10:
        return NUMERALS[number]
    tens, units = divmod(number, 10)
    return (NUMERALS[tens] if tens > 1 else "") + "十" + (NUMERALS[units] if units else "")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("不低于")
    AT_MOST = "at_most", _("不高于")


class Target(models.Model):
    """A target for one indicator, set for a region and everything below it: the
    province's target applies to every prefecture, county and township unless one of them
    has its own (the longest region code wins)."""

    indicator = models.CharField(_("指标"), max_length=40, db_index=True)
    # The region's code, not a key: the notice's targets are loaded with the measures, in a
    # migration, before any region is.
    region_code = models.CharField(_("适用地区"), max_length=12)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices,
                                 default=Direction.AT_LEAST)
    value = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    source = models.CharField(_("依据文件"), max_length=200)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["indicator", "region_code", "deadline"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_direction_display()} {self.value}"

    def met_by(self, value: float | None) -> bool | None:
        if value is None:
            return None
        if self.direction == Direction.AT_MOST:
            return value <= float(self.value)
        return value >= float(self.value)


class Aggregation(models.TextChoices):
    SUM = "sum", _("期内累计(各期相加)")
    LATEST = "latest", _("期末数(取最近一期)")


class ManualIndicator(models.Model):
    """A figure that lives nowhere else in the platform (e.g. training sessions held before
    it), entered per region and period by the responsible level and registered in the
    indicator registry beside the computed ones."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="manual",
                                verbose_name=_("措施"))
    label = models.CharField(_("指标名称"), max_length=80)
    unit = models.CharField(_("单位"), max_length=10)
    aggregation = models.CharField(_("汇总方式"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    entry_level = models.PositiveSmallIntegerField(_("填报层级"), choices=Level.choices,
                                                   default=Level.COUNTY)
    bureau = models.CharField(_("责任处室"), max_length=32, choices=Bureau.choices, blank=True)
    note = models.CharField(_("口径说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("手工填报指标")
        verbose_name_plural = _("手工填报指标")
        ordering = ["measure__order", "code"]

    def __str__(self) -> str:
        return self.label


class ManualValue(models.Model):
    """One region's hand-entered figure for one period; corrected in place, the history
    keeps every earlier value with who and when."""

    indicator = models.ForeignKey(ManualIndicator, on_delete=models.PROTECT,
                                  related_name="values", verbose_name=_("指标"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("地区"))
    region_code = models.CharField(max_length=12, editable=False)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))  # inclusive, as people write periods
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("手工填报数值")
        verbose_name_plural = _("手工填报数值")
        ordering = ["-period_end", "region_code"]
        constraints = [models.UniqueConstraint(
            fields=["indicator", "region", "period_start", "period_end"],
            name="manual_value_once_per_period")]
        indexes = [models.Index(fields=["indicator", "region_code", "period_end"])]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.region_code} · {self.period_start}—{self.period_end}"

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)


# --- reporting rounds --------------------------------------------------------------

DEFAULT_SECTIONS = ["成效", "主要做法", "存在问题", "下一步措施"]


class RoundStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Round(models.Model):
    """A call for reports: who reports, on which period, by when, in which sections and
    with which indicators annexed."""

    title = models.CharField(_("标题"), max_length=120)
    period_start = models.DateField(_("统计起始日期"))
    period_end = models.DateField(_("统计截止日期"))  # inclusive
    deadline = models.DateField(_("报送截止日期"))
    sections = models.JSONField(_("报告章节"), default=list)
    indicators = models.JSONField(_("附表指标"), default=list)
    report_prefectures = models.BooleanField(_("市(州)民政局报送"), default=True)
    report_bureaus = models.BooleanField(_("厅各处室(局)报送"), default=True)
    report_counties = models.BooleanField(_("县级民政局报送(报所属市州审核)"), default=False)
    owner_bureau = models.CharField(_("汇总处室"), max_length=32, choices=Bureau.choices,
                                    default=Bureau.SOCIAL_ORGANIZATIONS)
    status = models.CharField(_("状态"), max_length=8, choices=RoundStatus.choices,
                              default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("发起人"))
    opened_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报送任务")
        verbose_name_plural = _("报送任务")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    APPROVED = "approved", _("已审核通过")
    RETURNED = "returned", _("已退回")


EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class Report(models.Model):
    """One unit's report in a round: a 市(州) or 县 民政局 (``region``) or a bureau of the
    厅 (``bureau``, for the whole province). Created for every expected unit when the round
    opens, so "expected" is a count of rows."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reports",
                              verbose_name=_("报送任务"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("地区"))
    region_code = models.CharField(max_length=12, editable=False, db_index=True)
    bureau = models.CharField(_("处室"), max_length=32, choices=Bureau.choices, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    sections = models.JSONField(_("正文"), default=list)  # [{"title": …, "text": …}]
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    late = models.BooleanField(_("逾期报送"), default=False)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    # The draft sentences are written from the unit's figures in the background after the
    # round opens (reports.rounds.report_prefill): a province's 61 annexes take too long
    # for the request that opens it.
    prefilled_at = models.DateTimeField(_("草稿生成时间"), null=True, blank=True)
    # The deadline reminders already sent ("7d", "1d", "overdue"): each goes once.
    reminded = models.JSONField(_("已发送的截止提醒"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("总结报告")
        verbose_name_plural = _("总结报告")
        ordering = ["round", "bureau", "region_code"]
        constraints = [models.UniqueConstraint(fields=["round", "region", "bureau"],
                                               name="report_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit_name}"

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    @property
    def unit_name(self) -> str:
        if self.bureau:
            return str(self.get_bureau_display())
        return f"{self.region.name}民政局"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ReportAction(models.TextChoices):
    CREATE = "create", _("生成")
    SAVE = "save", _("保存草稿")
    SUBMIT = "submit", _("报送")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")


class ReportEvent(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=8, choices=ReportAction.choices)
    from_status = models.CharField(max_length=10, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReportStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class FrozenValue(models.Model):
    """One indicator value a report used, as it stood when the report was submitted: the
    unit's own figure (``region`` = the report's region) and one row per region below it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="frozen")
    indicator = models.CharField(max_length=40)
    label = models.CharField(max_length=80)
    unit = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=8)
    measure = models.PositiveSmallIntegerField(null=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(null=True)
    parts = models.JSONField(default=list)
    previous = models.FloatField(null=True)  # the same figure for the period before
    target = models.FloatField(null=True)
    target_direction = models.CharField(max_length=8, blank=True)
    target_source = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "order", "region__code"]
        constraints = [models.UniqueConstraint(fields=["report", "indicator", "region"],
                                               name="frozen_once")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.region_id} = {self.value}"


class CompilationStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Compilation(models.Model):
    """The province's compilation of a round's approved reports, made in the background."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="compilations")
    status = models.CharField(max_length=8, choices=CompilationStatus.choices,
                              default=CompilationStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0-100
    step = models.CharField(max_length=120, blank=True)
    stored_path = models.CharField(max_length=120, blank=True)  # the docx under DATA_DIR
    annex_path = models.CharField(max_length=120, blank=True)  # the xlsx annex
    missing = models.JSONField(default=list)  # units whose figures are missing
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_status_display()}"
