import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Mode(models.TextChoices):
    HOME = "home", _("上门入户")
    CALL = "call", _("电话视频")
    REMOTE = "remote", _("远程监测")


class Outcome(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("visit outcome", "正常")
    ATTENTION = "attention", _("需关注")
    URGENT = "urgent", _("需紧急处置")


CHECKLIST = [
    ("living", _("生活")), ("health", _("健康")), ("housing", _("居住安全")),
    ("mood", _("精神状态")), ("support", _("赡养扶养落实")), ("policy", _("政策落实")),
]


class VisitPolicy(models.Model):
    """Which groups need a visit how often (editable by the province). The default
    policies follow Qinghai 2022 (特殊困难老年人 at least monthly); tiered frequencies
    are local practice and left to the province (GLOSSARY §4)."""

    name = models.CharField(_("名称"), max_length=64)
    groups = models.ManyToManyField("people.Group", verbose_name=_("适用类别"),
                                    related_name="visit_policies")
    risk = models.CharField(_("仅限风险等级"), max_length=8, blank=True,
                            choices=[("", _("全部")), ("low", _("一般")), ("medium", _("重点")),
                                     ("high", _("高风险"))])
    interval_days = models.PositiveSmallIntegerField(_("探访间隔(天)"), default=30)
    tightened_interval_days = models.PositiveSmallIntegerField(
        _("加密探访间隔(天)"), default=7, help_text=_("极端天气、传统节日等加密期间使用"))
    modes = models.CharField(_("可用方式"), max_length=64, default="home,call,remote")
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords(m2m_fields=[groups])

    class Meta:
        verbose_name = _("探访规则")
        verbose_name_plural = _("探访规则")
        ordering = ["interval_days", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def mode_labels(self) -> list[str]:
        return [str(Mode(m).label) for m in self.modes.split(",") if m in Mode.values]


class Tightening(models.Model):
    """A period in which every policy uses its tightened interval (extreme weather, holidays)."""

    reason = models.CharField(_("原因"), max_length=64)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("加密探访期")
        verbose_name_plural = _("加密探访期")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.reason} {self.starts_on}—{self.ends_on}"


class Schedule(models.Model):
    """The stored next-due date of one person (recomputed on writes, never per page view)."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE,
                                  related_name="visit_schedule")
    # Copies of the person's scope fields, so work lists and rates are one-table queries
    # (kept current by schedules_refresh, which every change of a person triggers).
    region_code = models.CharField(max_length=12)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    domain_mask = models.PositiveIntegerField(default=0)
    birth_date = models.DateField(null=True, blank=True)
    policy = models.ForeignKey(VisitPolicy, on_delete=models.SET_NULL, null=True,
                               related_name="+", db_index=False)  # a handful of policies
    interval_days = models.PositiveSmallIntegerField()
    last_visit_on = models.DateField(_("最近探访"), null=True, blank=True)
    next_due = models.DateField(_("下次应访"))

    class Meta:
        verbose_name = _("探访计划")
        verbose_name_plural = _("探访计划")
        # region then date: a region's counts; date then region: a work list's first page
        # in due order, skipping other regions inside the index (fast for a county with
        # few overdue among the province's many, and for the province itself)
        indexes = [models.Index(fields=["region_code", "next_due"], name="schedule_region_due",
                                opclasses=["varchar_pattern_ops", "date_ops"]),
                   models.Index(fields=["next_due", "region_code"], name="schedule_due_region",
                                opclasses=["date_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.next_due}"


class Visit(models.Model):
    """One visit. The client makes the id, so a retried or double-tapped submission is the
    same visit, recorded once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Four indexes, no more: every one is written by each of the ~200 visits a second.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits",
                               db_index=False)  # visit_person_time leads with it
    region_code = models.CharField(max_length=12)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("探访人"))
    visited_at = models.DateTimeField(_("探访时间"))
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices)
    met = models.CharField(_("见到"), max_length=64, blank=True)
    checklist = models.JSONField(_("探访内容"), default=dict, blank=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    notes = models.TextField(_("情况记录"), blank=True)
    needs = models.TextField(_("发现需求"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("时长(分钟)"), default=30)
    recorded_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    offline = models.BooleanField(_("离线记录"), default=False)
    # The photo's file name under settings.DATA_DIR / "visit-photos" (outside the web
    # root; served by visits:photo to those who may see the person), "" without one.
    photo = models.CharField(_("照片"), max_length=64, blank=True, editable=False)
    # Where the visitor stood, when they agreed to share it (browser geolocation, WGS 84).
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    location_accuracy = models.PositiveIntegerField(_("定位精度(米)"), null=True, blank=True)

    class Meta:
        verbose_name = _("探访记录")
        verbose_name_plural = _("探访记录")
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["person", "visited_at"], name="visit_person_time"),
                   models.Index(fields=["region_code", "visited_at"], name="visit_region_time",
                                opclasses=["varchar_pattern_ops", "timestamptz_ops"])]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.visited_at:%Y-%m-%d}"
