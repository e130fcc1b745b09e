"""Village self-governance (measures 三、四): a matter (议题) taken through 「四议两公开」's six
steps, each meeting recorded with who was due and who came and how they voted, and checked
against quorum and majority rules kept as data (村民委员会组织法's defaults, local practice
editable) — GLOSSARY §5 and §9."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.regions.models import Region


class MeetingKind(models.TextChoices):
    PARTY_BRANCH = "party_branch", _("村党组织会议")
    TWO_COMMITTEES = "two_committees", _("村“两委”会议")
    PARTY_MEMBERS = "party_members", _("党员大会")
    VILLAGERS = "villagers", _("村民会议")
    REPRESENTATIVES = "representatives", _("村民代表会议")
    RESIDENTS_COMMITTEE = "residents_committee", _("小区自管会")
    WORTHIES = "worthies", _("乡贤参事会")


class Basis(models.TextChoices):
    DUE = "due", _("应到人数")
    PRESENT = "present", _("实到人数")


class QuorumRule(models.Model):
    """When a meeting of a kind is valid and what passes it: at least (or more than)
    a share of those due present, and of the present (or due) in favour. A 村民会议 is
    valid on villagers aged 18+ present, or on households represented (its second
    threshold)."""

    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices,
                            unique=True)
    # shares as fractions (2/3 exactly: a decimal 0.6667 would fail 20 of 30)
    present_numerator = models.PositiveSmallIntegerField(_("出席比例(分子)"))
    present_denominator = models.PositiveSmallIntegerField(_("出席比例(分母)"))
    present_strict = models.BooleanField(_("须超过该比例(否则达到即可)"), default=False)
    households_numerator = models.PositiveSmallIntegerField(_("或户代表比例(分子)"), null=True,
                                                            blank=True)
    households_denominator = models.PositiveSmallIntegerField(_("或户代表比例(分母)"),
                                                              null=True, blank=True)
    majority_numerator = models.PositiveSmallIntegerField(_("通过比例(分子)"))
    majority_denominator = models.PositiveSmallIntegerField(_("通过比例(分母)"))
    majority_strict = models.BooleanField(_("须超过该比例"), default=True)
    majority_basis = models.CharField(_("通过比例的基数"), max_length=8, choices=Basis.choices,
                                      default=Basis.PRESENT)
    notice_days = models.PositiveSmallIntegerField(_("提前通知天数"), null=True, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议有效与表决规则")
        verbose_name_plural = _("会议有效与表决规则")

    def __str__(self) -> str:
        return self.get_kind_display()


class Step(models.TextChoices):
    """「四议两公开」 in order (GLOSSARY §5)."""

    PROPOSE = "propose", _("村党组织提议")
    DISCUSS = "discuss", _("村“两委”会议商议")
    REVIEW = "review", _("党员大会审议")
    RESOLVE = "resolve", _("村民会议或村民代表会议决议")
    PUBLISH_RESOLUTION = "publish_resolution", _("决议公开")
    PUBLISH_RESULT = "publish_result", _("实施结果公开")


STEPS = list(Step)
# which meetings take each meeting step
STEP_MEETINGS = {
    Step.PROPOSE: (MeetingKind.PARTY_BRANCH,),
    Step.DISCUSS: (MeetingKind.TWO_COMMITTEES,),
    Step.REVIEW: (MeetingKind.PARTY_MEMBERS,),
    Step.RESOLVE: (MeetingKind.VILLAGERS, MeetingKind.REPRESENTATIVES),
}


class Source(models.TextChoices):
    RESIDENTS = "residents", _("群众建议")
    CADRES = "cadres", _("干部提议")
    ASSIGNED = "assigned", _("上级交办")
    APPEAL = "appeal", _("居民诉求")


class MatterCategory(models.TextChoices):
    PUBLIC_SERVICE = "public_service", _("公共服务")
    MEDIATION = "mediation", _("矛盾调解")
    DEVELOPMENT = "development", _("建设发展")
    COLLECTIVE_ASSETS = "collective_assets", _("集体资产")
    OTHER = "other", _("其他")


class MatterStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    WITHDRAWN = "withdrawn", _("已撤回")


class Matter(models.Model):
    """议题 of a village or community. A major matter goes through the six steps in
    order; ``step`` is the one it is at."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("村(社区)"))
    region_code = models.CharField(max_length=12, editable=False, db_index=True)
    title = models.CharField(_("议题"), max_length=200)
    origin = models.CharField(_("事由来源"), max_length=12, choices=Source.choices)
    appeal = models.ForeignKey("appeals.Appeal", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("来源诉求"))
    category = models.CharField(_("类别"), max_length=20, choices=MatterCategory.choices)
    major = models.BooleanField(_("重大事项(须经“四议两公开”)"), default=True)
    description = models.TextField(_("事项内容"), max_length=4000, blank=True)
    step = models.CharField(_("当前环节"), max_length=20, choices=Step.choices,
                            default=Step.PROPOSE)
    status = models.CharField(_("状态"), max_length=10, choices=MatterStatus.choices,
                              default=MatterStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region_code", "status"], name="matter_region_status",
                                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """One meeting: of a matter's step, or of another council (小区自管会, 乡贤参事会).
    Who was due and who came, the vote, and what the rules made of them (kept as they
    were computed, with the arithmetic)."""

    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="meetings", verbose_name=_("议题"))
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("村(社区)"))
    region_code = models.CharField(max_length=12, editable=False, db_index=True)
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("会议日期"))
    notified_on = models.DateField(_("通知日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    form = models.CharField(_("会议形式"), max_length=40, blank=True)
    due = models.PositiveIntegerField(_("应到"))
    present = models.PositiveIntegerField(_("实到"))
    households_due = models.PositiveIntegerField(_("应到户数"), null=True, blank=True)
    households_present = models.PositiveIntegerField(_("到会户代表"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    content = models.TextField(_("内容"), max_length=4000, blank=True)
    minutes = models.TextField(_("会议记录"), max_length=8000, blank=True)
    township_attendees = models.CharField(_("乡镇(街道)参会人员"), max_length=200, blank=True)
    quorum_met = models.BooleanField(_("会议有效"))
    passed = models.BooleanField(_("表决通过"), null=True)
    reckoning = models.TextField(_("计算过程"), editable=False)
    warnings = models.JSONField(default=list, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class MatterEvent(models.Model):
    """A step of a matter: forward (after a passing meeting or a publication) or back,
    always with who and, going back, why."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    from_step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    to_step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.matter} · {self.from_step} → {self.to_step}"


class Publication(models.Model):
    """决议公开 or 实施结果公开: where, from when to when (村务公开)."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="publications")
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices)
    place = models.CharField(_("公开地点"), max_length=100)
    text = models.TextField(_("公开内容"), max_length=4000)
    start_on = models.DateField(_("公开起始日期"))
    end_on = models.DateField(_("公开截止日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公开")
        verbose_name_plural = _("公开")
        ordering = ["start_on", "id"]

    def __str__(self) -> str:
        return f"{self.matter} · {self.get_step_display()}"
