"""诉求 (appeals) and their referral through 1+8+N (GLOSSARY §5, §9; measures 二 and 三).

An appeal is a resident's need, raised on any channel, taken in (受理) by the village or
township, referred (转介) to an assistance type and a unit — a civil-affairs office at a
level, or one of the participating forces (the "N", editable) — which takes it (接收) or
sends it back (退回) with a reason; then 办理中 → 办结 (result) → 回访 (satisfaction) →
关闭. Every step is an ``AppealEvent``; the step's due time (``DueRule``) is stored on the
appeal. An appeal copies its person's scope fields (region, organisation, data domains,
birth date) as visit schedules do, so ``people.selectors.visible`` cuts it the same way.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.accounts.roles import Domain
from linli.regions.models import Region, VillageKind


class Category(models.Model):
    """An appeal's category (editable): the 8 assistance types of 社会救助暂行办法 and the
    other needs; its data domain decides who sees the appeals in it."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    domain = models.CharField(_("数据域"), max_length=24, choices=Domain.choices)
    is_assistance = models.BooleanField(_("社会救助类型(1+8+N 的 8 项)"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ForceKind(models.TextChoices):
    ORGANISATION = "organisation", _("社会组织")
    CHARITY = "charity", _("慈善力量")
    ENTERPRISE = "enterprise", _("爱心企业")
    VOLUNTEERS = "volunteers", _("志愿服务队伍")
    SOCIAL_WORK = "social_work", _("社会工作服务机构")
    OTHER = "other", _("其他")


class Force(models.Model):
    """A participating force (the "N" of 1+8+N, GLOSSARY §5: kept editable) an appeal may be
    referred to; an organisation's staff take and handle what is referred to it."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=ForceKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在地区"))
    region_code = models.CharField(max_length=12, editable=False, db_index=True)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("对应社会组织"))
    contact = models.CharField(_("联系人"), max_length=32, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参与力量")
        verbose_name_plural = _("参与力量")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Step(models.TextChoices):
    """The steps that have a due time."""

    ACCEPT = "accept", _("受理")
    TAKE = "take", _("接收")
    HANDLE = "handle", _("办结")
    FOLLOW_UP = "follow_up", _("回访")


class DueRule(models.Model):
    """How many hours a step may take (editable; C in GLOSSARY: local practice). The most
    specific rule wins: category and urgency, then category, then urgency, then any."""

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("类别(空为全部)"))
    urgency = models.CharField(_("紧急程度(空为全部)"), max_length=8, blank=True,
                               choices=Urgency.choices)
    step = models.CharField(_("环节"), max_length=16, choices=Step.choices)
    hours = models.PositiveIntegerField(_("时限(小时)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency", "step"],
                                    name="appeals_due_rule_once"),
            models.UniqueConstraint(fields=["urgency", "step"],
                                    condition=models.Q(category__isnull=True),
                                    name="appeals_due_rule_default_once")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.hours}h"


class Channel(models.TextChoices):
    VISIT = "visit", _("探访发现")
    OFFICE = "office", _("村(居)委会窗口")
    HOTLINE = "hotline", _("热线电话")
    WORKER = "worker", _("社会组织工作人员")
    SURVEY = "survey", _("入户调查")
    PUBLIC = "public", _("群众在线提交")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    REFERRED = "referred", _("已转介待接收")
    TAKEN = "taken", _("已接收")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已办结")
    FOLLOWED_UP = "followed_up", _("已回访")
    CLOSED = "closed", _("已关闭")
    REJECTED = "rejected", _("不予受理")


OPEN_STATUSES = frozenset(AppealStatus) - {AppealStatus.CLOSED, AppealStatus.REJECTED}


class ConsentBasis(models.TextChoices):
    """Why a referral may share the requester's data outside the registering unit."""

    CONSENT = "consent", _("本人或监护人同意")
    EMERGENCY = "emergency", _("紧急情况(保护生命健康)")
    DUTY = "duty", _("履行法定职责")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIR = "fair", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


def tracking_code() -> str:
    """Ten characters a resident can read out over the phone (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Appeal(models.Model):
    code = models.CharField(_("查询码"), max_length=10, unique=True, default=tracking_code,
                            editable=False)
    channel = models.CharField(_("来源渠道"), max_length=8, choices=Channel.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("类别"))
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    description = models.TextField(_("诉求内容"), max_length=2000)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="appeals", verbose_name=_("关爱对象"))
    requester_name = models.CharField(_("诉求人"), max_length=32)
    requester_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在村(社区)"))
    # Scope fields, copied from the person (or the region alone) as visit schedules do.
    region_code = models.CharField(max_length=12, editable=False)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("登记组织"))
    handling_organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("承办组织"))
    domain_mask = models.PositiveIntegerField(default=0, editable=False)
    birth_date = models.DateField(null=True, blank=True, editable=False)
    visit = models.ForeignKey("visits.Visit", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("来源探访"))
    status = models.CharField(_("状态"), max_length=12, choices=AppealStatus.choices,
                              default=AppealStatus.PENDING)
    due_at = models.DateTimeField(_("本环节时限"), null=True, blank=True)
    step_started_at = models.DateTimeField(_("本环节开始时间"), null=True, blank=True,
                                           editable=False)
    consent_basis = models.CharField(_("信息共享依据"), max_length=12, blank=True,
                                     choices=ConsentBasis.choices)
    consent_note = models.CharField(_("依据说明"), max_length=200, blank=True)
    result = models.TextField(_("办理结果"), max_length=2000, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, blank=True,
                                    choices=Satisfaction.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-id"]
        # region_code is matched by prefix (LIKE '630102%'): pattern operators, or a
        # database not in the C collation scans every appeal (bench/appeals.py)
        indexes = [
            models.Index(fields=["region_code", "status"], name="appeal_region_status",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["region_code", "created_at"], name="appeal_region_created",
                         opclasses=["varchar_pattern_ops", "timestamptz_ops"]),
            models.Index(fields=["-created_at", "-id"], name="appeal_created"),
            models.Index(fields=["status", "due_at"], name="appeal_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.category}"

    @property
    def is_overdue(self) -> bool:
        return (self.status in OPEN_STATUSES and self.due_at is not None
                and self.due_at < timezone.now())


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", _("待接收")
    TAKEN = "taken", _("已接收")
    RETURNED = "returned", _("已退回")
    DONE = "done", _("已办结")


class Referral(models.Model):
    """One referral of an appeal: to an assistance type and a unit — a region's
    civil-affairs office, or a participating force."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="referrals")
    assistance = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("救助或服务类型"))
    to_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("转至民政部门"))
    to_region_code = models.CharField(max_length=12, blank=True, editable=False)
    to_force = models.ForeignKey(Force, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="referrals", verbose_name=_("转至参与力量"))
    status = models.CharField(_("状态"), max_length=8, choices=ReferralStatus.choices,
                              default=ReferralStatus.WAITING)
    note = models.CharField(_("转介说明"), max_length=500, blank=True)
    answer = models.CharField(_("退回理由"), max_length=500, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        ordering = ["-referred_at", "-id"]
        indexes = [models.Index(fields=["to_region_code", "status"], name="referral_unit_status"),
                   models.Index(fields=["referred_at"], name="referral_referred_at")]
        constraints = [models.CheckConstraint(
            condition=models.Q(to_region__isnull=False, to_force__isnull=True)
            | models.Q(to_region__isnull=True, to_force__isnull=False),
            name="referral_one_unit")]

    def __str__(self) -> str:
        return f"{self.appeal} → {self.unit_name}"

    @property
    def unit_name(self) -> str:
        if self.to_force_id:
            return self.to_force.name
        return _("%(r)s民政部门") % {"r": self.to_region.name}


class AppealAction(models.TextChoices):
    CREATE = "create", _("登记")
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    REFER = "refer", _("转介")
    TAKE = "take", _("接收")
    SEND_BACK = "send_back", _("退回")
    START = "start", _("开始办理")
    FINISH = "finish", _("办结")
    FOLLOW_UP = "follow_up", _("回访")
    CLOSE = "close", _("关闭")
    REOPEN = "reopen", _("重新办理")
    NOTE = "note", _("记录")


class AppealEvent(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=12, choices=AppealAction.choices)
    from_status = models.CharField(max_length=12, blank=True, choices=AppealStatus.choices)
    to_status = models.CharField(max_length=12, choices=AppealStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("说明"), max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # The step with a due time this event ended (受理, 接收, 办结, 回访): how long it took and
    # whether it ended in time — the statistics' average days and on-time rate per step.
    step = models.CharField(_("结束的环节"), max_length=12, blank=True, choices=Step.choices)
    step_seconds = models.PositiveIntegerField(null=True, blank=True)
    on_time = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="appealevent_step_at",
                                condition=~models.Q(step=""))]  # the steps' statistics

    def __str__(self) -> str:
        return f"{self.appeal} · {self.get_action_display()}"


# --- household economic surveys (家庭经济状况调查) and the thresholds they are read against ---

class ThresholdKind(models.TextChoices):
    DIBAO = "dibao", _("最低生活保障标准")
    TEKUN = "tekun", _("特困人员基本生活标准")
    EDGE = "edge", _("低保边缘家庭认定标准")
    MONITOR = "monitor", _("防止返贫致贫监测标准")


class ThresholdPer(models.TextChoices):
    MONTH = "month", _("元/人·月")
    YEAR = "year", _("元/人·年")


class Threshold(models.Model):
    """A standard a prefecture or county sets for a year (GLOSSARY §9: data with validity
    dates, never code); the most local one in force on a survey's date applies."""

    kind = models.CharField(_("标准"), max_length=8, choices=ThresholdKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("制定地区"))
    region_code = models.CharField(max_length=12, editable=False, db_index=True)
    area = models.CharField(_("适用"), max_length=8, blank=True,
                            choices=[("", _("城乡")), *VillageKind.choices])
    amount = models.DecimalField(_("金额"), max_digits=10, decimal_places=2)
    per = models.CharField(_("单位"), max_length=8, choices=ThresholdPer.choices,
                           default=ThresholdPer.MONTH)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    source = models.CharField(_("依据文件"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("救助标准")
        verbose_name_plural = _("救助标准")
        ordering = ["kind", "region_code", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.region} {self.get_kind_display()} {self.amount}{self.get_per_display()}"

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    @property
    def monthly(self) -> Decimal:
        """The amount per person and month (a yearly line over twelve)."""
        if self.per == ThresholdPer.YEAR:
            return (self.amount / 12).quantize(Decimal("0.01"))
        return self.amount


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    DISASTER = "disaster", _("因灾")
    ACCIDENT = "accident", _("意外事故")
    NO_LABOUR = "no_labour", _("缺劳动力")
    UNEMPLOYMENT = "unemployment", _("失业")
    EDUCATION = "education", _("因学")
    OTHER = "other", _("其他")


class SurveyFlag(models.TextChoices):
    """What a survey suggests: a flag points to a referral, it never grants anything."""

    DIBAO = "dibao", _("可能符合最低生活保障条件")
    TEKUN = "tekun", _("可能符合特困人员救助供养条件")
    EDGE = "edge", _("可能属于低保边缘家庭")
    MONITOR = "monitor", _("可能需纳入防止返贫致贫监测")


class Survey(models.Model):
    """家庭经济状况调查 of one household (items after MZ/T 073-2024): its members, a
    year's income by source, assets, large expenses, the cause of hardship, the consent
    it was made under, who surveyed it and when. Visible only with the 社会救助 domain."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="surveys", verbose_name=_("户主或申请人"))
    household = models.ForeignKey("people.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="surveys",
                                  verbose_name=_("户"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("村(社区)"))
    # Scope fields (as appeals): the person's place and organisation, 社会救助 only.
    region_code = models.CharField(max_length=12, editable=False)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("调查组织"))
    domain_mask = models.PositiveIntegerField(default=0, editable=False)
    birth_date = models.DateField(null=True, blank=True, editable=False)
    members_count = models.PositiveSmallIntegerField(_("家庭人口(人)"))
    members_note = models.TextField(_("家庭成员情况"), max_length=2000, blank=True)
    income_wage = models.DecimalField(_("工资性收入"), max_digits=12, decimal_places=2)
    income_business = models.DecimalField(_("经营净收入"), max_digits=12, decimal_places=2)
    income_property = models.DecimalField(_("财产净收入"), max_digits=12, decimal_places=2)
    income_transfer = models.DecimalField(_("转移净收入"), max_digits=12, decimal_places=2)
    deposits = models.DecimalField(_("存款及有价证券"), max_digits=12, decimal_places=2)
    housing_count = models.PositiveSmallIntegerField(_("住房(套)"), default=0)
    vehicles_count = models.PositiveSmallIntegerField(_("机动车辆(辆)"), default=0)
    expense_medical = models.DecimalField(_("大额医疗支出"), max_digits=12, decimal_places=2)
    expense_education = models.DecimalField(_("大额教育支出"), max_digits=12, decimal_places=2)
    cause = models.CharField(_("致困原因"), max_length=12, choices=HardshipCause.choices)
    cause_note = models.CharField(_("致困情况说明"), max_length=500, blank=True)
    no_work_ability = models.BooleanField(_("无劳动能力"), default=False)
    no_supporter = models.BooleanField(_("无法定赡养、抚养、扶养义务人或其无履行能力"),
                                       default=False)
    consent = models.ForeignKey("people.Consent", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("授权同意"))
    surveyor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("调查人"))
    surveyed_on = models.DateField(_("调查日期"))
    per_capita_monthly = models.DecimalField(_("家庭人均月收入"), max_digits=10,
                                             decimal_places=2, editable=False)
    flags = models.JSONField(_("提示"), default=list, editable=False)
    thresholds = models.JSONField(default=dict, editable=False)  # kind → monthly amount used
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("转介的诉求"))
    notes = models.TextField(_("备注"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("家庭经济状况调查")
        verbose_name_plural = _("家庭经济状况调查")
        ordering = ["-surveyed_on", "-id"]
        indexes = [models.Index(fields=["region_code", "surveyed_on"], name="survey_region_on",
                                opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.surveyed_on}"

    @property
    def income_total(self) -> Decimal:
        return (self.income_wage + self.income_business + self.income_property
                + self.income_transfer)

    def flag_labels(self) -> list[str]:
        return [str(SurveyFlag(f).label) for f in self.flags if f in SurveyFlag.values]


class CaseNote(models.Model):
    """A joint case note on a household, by anyone who works with it (救助、养老、慈善、
    儿童福利): who wrote it, for which unit, and what."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="case_notes", verbose_name=_("户主或申请人"))
    household = models.ForeignKey("people.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="case_notes")
    region_code = models.CharField(max_length=12, editable=False)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    domain_mask = models.PositiveIntegerField(default=0, editable=False)
    birth_date = models.DateField(null=True, blank=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("记录人"))
    unit = models.CharField(_("所在单位"), max_length=100)
    text = models.TextField(_("记录内容"), max_length=2000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("联合个案记录")
        verbose_name_plural = _("联合个案记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.at:%Y-%m-%d}"


class AppealDocument(models.Model):
    """A document of an appeal (a photo of the damage, a certificate, the result's
    papers): stored as core.uploads keeps untrusted files, downloaded by those who see
    the appeal."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="documents")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_path = models.CharField(max_length=100, unique=True, editable=False)
    status = models.CharField(_("上传时的状态"), max_length=12, choices=AppealStatus.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("诉求材料")
        verbose_name_plural = _("诉求材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
