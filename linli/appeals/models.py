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

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.accounts.roles import Domain
from linli.regions.models import Region


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
        indexes = [
            models.Index(fields=["region_code", "status"], name="appeal_region_status"),
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

    def __str__(self) -> str:
        return f"{self.appeal} · {self.get_action_display()}"
