from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.regions.models import Region


class Kind(models.TextChoices):
    """Legal form. 社区社会组织 are filed (备案) and are not legal persons; the others are
    registered (登记) and carry a 统一社会信用代码."""

    COMMUNITY = "community", _("社区社会组织")
    SOCIAL_GROUP = "social_group", _("社会团体")
    SOCIAL_SERVICE = "social_service", _("民办非企业单位(社会服务机构)")
    FOUNDATION = "foundation", _("基金会")


REGISTERED_KINDS = frozenset({Kind.SOCIAL_GROUP, Kind.SOCIAL_SERVICE, Kind.FOUNDATION})
# GB 32100 position 2 for 民政-registered organisations (position 1 is 5).
CREDIT_CODE_KIND_DIGIT = {Kind.SOCIAL_GROUP: "1", Kind.SOCIAL_SERVICE: "2", Kind.FOUNDATION: "3"}


class Category(models.TextChoices):
    LIFE_SERVICE = "life_service", _("生活服务类")
    PUBLIC_WELFARE = "public_welfare", _("公益慈善类")
    COMMUNITY_AFFAIRS = "community_affairs", _("社区事务类")
    CULTURE_SPORTS = "culture_sports", _("文体活动类")


class Status(models.TextChoices):
    PENDING = "pending", _("待备案")
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停活动")
    DEREGISTERED = "deregistered", _("已注销")


class TargetGroup(models.Model):
    """The priority groups of measure 一 an organisation serves (editable list)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("服务对象类别")
        verbose_name_plural = _("服务对象类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    name_pinyin = models.CharField(_("名称全拼"), max_length=400, editable=False, db_index=True)
    name_initials = models.CharField(_("名称首字母"), max_length=100, editable=False,
                                     db_index=True)
    kind = models.CharField(_("组织类型"), max_length=20, choices=Kind.choices)
    is_charity = models.BooleanField(_("慈善组织"), default=False)
    is_social_work_agency = models.BooleanField(_("社会工作服务机构"), default=False)
    is_hub = models.BooleanField(_("枢纽型社会组织"), default=False)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("活动地域"))
    region_code = models.CharField(_("活动地域代码"), max_length=12, editable=False)
    authority_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("备案/登记机关"),
        help_text=_("社区社会组织:备案的街道(乡镇)或村(居)委会;其他:登记的民政部门所在区划"))
    authority_region_code = models.CharField(max_length=12, editable=False)
    leader_name = models.CharField(_("负责人"), max_length=32)
    leader_phone = models.CharField(_("负责人电话"), max_length=32, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    address = models.CharField(_("活动场所"), max_length=200, blank=True)
    members_count = models.PositiveIntegerField(_("成员人数"), default=0)
    business_scope = models.TextField(_("业务范围"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, blank=True, verbose_name=_("服务对象"))
    focus_special_groups = models.BooleanField(_("关爱特殊群体"), default=False)
    focus_public_concerns = models.BooleanField(_("回应群众关切"), default=False)
    focus_safe_community = models.BooleanField(_("推进平安社区"), default=False)
    focus_rural_revitalisation = models.BooleanField(_("实施乡村振兴"), default=False)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    led_by_local_talent = models.BooleanField(_("优秀人才领办"), default=False)
    has_party_branch = models.BooleanField(_("建立党组织"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    filing_number = models.CharField(_("备案编号"), max_length=32, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["name_pinyin", "name_initials", "version"])

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["region_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="org_credit_code_unique"),
        ]
        indexes = [
            models.Index(fields=["region_code"], name="org_region_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["authority_region_code"], name="org_authority_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "kind"], name="org_status_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_registered(self) -> bool:
        return self.kind in REGISTERED_KINDS

    @property
    def focus_labels(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in FOCUS_FIELDS if getattr(self, f)]


FOCUS_FIELDS = ("focus_special_groups", "focus_public_concerns", "focus_safe_community",
                "focus_rural_revitalisation")


class FilingKind(models.TextChoices):
    ESTABLISH = "establish", _("成立备案")
    CHANGE = "change", _("变更备案")
    DEREGISTER = "deregister", _("注销备案")


class FilingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回补正")
    APPROVED = "approved", _("已备案")
    REJECTED = "rejected", _("不予备案")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_FILING_STATUSES = (FilingStatus.SUBMITTED, FilingStatus.RETURNED)


class FilingAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    RESUBMIT = "resubmit", _("重新提交")
    APPROVE = "approve", _("准予备案")
    RETURN = "return", _("退回补正")
    REJECT = "reject", _("不予备案")
    WITHDRAW = "withdraw", _("撤回")


class Filing(models.Model):
    """One 备案 application of a community organisation to its filing body."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="filings", verbose_name=_("社会组织"))
    kind = models.CharField(_("备案事项"), max_length=16, choices=FilingKind.choices)
    filing_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("备案机关"))
    filing_region_code = models.CharField(max_length=12, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=FilingStatus.choices,
                              default=FilingStatus.SUBMITTED)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    reason = models.TextField(_("申请说明"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    due_on = models.DateField(_("审核期限"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True,
                                   verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审核意见"), blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("备案申请")
        verbose_name_plural = _("备案申请")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["filing_region_code"], name="filing_region_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "due_on"], name="filing_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["filing_number"], condition=~Q(filing_number=""),
                                    name="filing_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.get_kind_display()}"

    @property
    def is_overdue(self) -> bool:
        return self.status == FilingStatus.SUBMITTED and self.due_on < timezone.localdate()


class FilingEvent(models.Model):
    """Every transition of a filing: who, when, from, to, comment."""

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=16, choices=FilingAction.choices)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True,
                                   choices=FilingStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=FilingStatus.choices)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("备案流转记录")
        verbose_name_plural = _("备案流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.from_status}→{self.to_status}"


class AttachmentKind(models.TextChoices):
    CHARTER = "charter", _("章程")
    ROSTER = "roster", _("成员花名册")
    VENUE_PHOTO = "venue_photo", _("场地照片")
    OTHER = "other", _("其他")


class FilingAttachment(models.Model):
    """A document filed with a 备案 (章程, 成员花名册, photos of the venue).

    The bytes live outside the web root under ``DATA_DIR/attachments/<yyyy>/<random name>``
    (``linli.orgs.attachments``); the row keeps the name the uploader gave, the type its
    own bytes showed, the size and a SHA-256. Removed only before the decision; the history
    keeps who added and who removed which file."""

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="attachments",
                               verbose_name=_("备案申请"))
    kind = models.CharField(_("材料类型"), max_length=16, choices=AttachmentKind.choices)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_path = models.CharField(max_length=100, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("备案材料")
        verbose_name_plural = _("备案材料")
        ordering = ["kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"


class SocialWorkStation(models.Model):
    """乡镇(街道)社工站 (measure 八: its coverage has a target, reports.Target)."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("乡镇(街道)"))
    region_code = models.CharField(max_length=12, editable=False, unique=True)
    established = models.BooleanField(_("已建成"), default=False)
    operator = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="stations", verbose_name=_("运营机构"))
    staff_count = models.PositiveSmallIntegerField(_("驻站社工人数"), default=0)
    opened_on = models.DateField(_("建成日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("乡镇(街道)社工站")
        verbose_name_plural = _("乡镇(街道)社工站")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"{self.region.name}社工站"


class IncubationService(models.TextChoices):
    POLICY = "policy", _("政策咨询")
    VOLUNTEERING = "volunteering", _("志愿服务")
    TRAINING = "training", _("交流培训")
    VENTURE = "venture", _("公益创投")
    OPERATIONS = "operations", _("组织运作")


class IncubationBase(models.Model):
    """社会组织孵化基地, usually run by a 枢纽型社会组织 (measure 九)."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在区划"))
    region_code = models.CharField(max_length=12, editable=False)
    operator = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="bases_operated", verbose_name=_("运营机构"))
    opened_on = models.DateField(_("建成日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("孵化基地")
        verbose_name_plural = _("孵化基地")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class Incubation(models.Model):
    base = models.ForeignKey(IncubationBase, on_delete=models.PROTECT, related_name="incubations",
                             verbose_name=_("孵化基地"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="incubations", verbose_name=_("入孵组织"))
    region_code = models.CharField(max_length=12, editable=False)
    started_on = models.DateField(_("入孵日期"))
    ended_on = models.DateField(_("出孵日期"), null=True, blank=True)
    services = models.JSONField(_("提供服务"), default=list, blank=True)

    class Meta:
        verbose_name = _("入孵记录")
        verbose_name_plural = _("入孵记录")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.base}"

    @property
    def service_labels(self) -> list[str]:
        return [IncubationService(s).label for s in self.services if s in IncubationService]


class TaxQualificationKind(models.TextChoices):
    EXEMPT = "exempt", _("非营利组织免税资格")
    DEDUCTION = "deduction", _("公益性捐赠税前扣除资格")


class TaxQualification(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="tax_qualifications",
                                     verbose_name=_("社会组织"))
    region_code = models.CharField(max_length=12, editable=False)
    kind = models.CharField(_("资格类型"), max_length=16, choices=TaxQualificationKind.choices)
    document_number = models.CharField(_("认定文号"), max_length=64, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("税收优惠资格")
        verbose_name_plural = _("税收优惠资格")
        ordering = ["valid_until"]
        indexes = [models.Index(fields=["valid_until"], name="taxq_valid_until")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()}"


class Certification(models.TextChoices):
    NONE = "", _("无")
    ASSISTANT = "assistant", _("助理社会工作师")
    INTERMEDIATE = "intermediate", _("社会工作师")
    SENIOR = "senior", _("高级社会工作师")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Volunteer(models.Model):
    """A 社区志愿者 or 社会工作者. Service hours will add up from visits and services."""

    name = models.CharField(_("姓名"), max_length=32)
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(max_length=32, editable=False, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("服务区域"))
    region_code = models.CharField(max_length=12, editable=False)
    skills = models.CharField(_("技能特长"), max_length=200, blank=True)
    is_social_worker = models.BooleanField(_("社会工作者"), default=False)
    certification = models.CharField(_("职业水平"), max_length=16, blank=True,
                                     choices=Certification.choices)
    certificate_number = models.CharField(_("证书编号"), max_length=64, blank=True)
    service_hours = models.DecimalField(_("累计服务时长(小时)"), max_digits=9, decimal_places=1,
                                        default=0, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="volunteer_profile",
                                verbose_name=_("登录账户"),
                                help_text=_("探访记录的时长计入该账户对应的志愿者"))
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["name_pinyin", "name_initials"])

    class Meta:
        verbose_name = _("志愿者与社工")
        verbose_name_plural = _("志愿者与社工")
        ordering = ["region_code", "name"]
        indexes = [models.Index(fields=["region_code"], name="volunteer_region_prefix",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name


class VolunteerRole(models.TextChoices):
    VOLUNTEER = "volunteer", _("志愿者")
    SOCIAL_WORKER = "social_worker", _("专职社工")
    LEADER = "leader", _("负责人")
    MEMBER = "member", _("成员")


class VolunteerMembership(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="memberships",
                                  verbose_name=_("志愿者"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="volunteer_memberships",
                                     verbose_name=_("社会组织"))
    role = models.CharField(_("身份"), max_length=16, choices=VolunteerRole.choices,
                            default=VolunteerRole.VOLUNTEER)
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("志愿者所属组织")
        verbose_name_plural = _("志愿者所属组织")
        ordering = ["-joined_on"]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.organisation}"
