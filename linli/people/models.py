from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.accounts.roles import Domain
from linli.regions.models import Region

# The 56 peoples; Qinghai's six main peoples first.
ETHNICITIES = [
    "汉族", "藏族", "回族", "土族", "撒拉族", "蒙古族", "壮族", "满族", "维吾尔族", "苗族",
    "彝族",
    "布依族", "朝鲜族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族",
    "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族",
    "柯尔克孜族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族",
    "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Living(models.TextChoices):
    ALONE = "alone", _("独居")
    EMPTY_NEST = "empty_nest", _("空巢")
    LEFT_BEHIND = "left_behind", _("留守")
    WITH_CHILDREN = "with_children", _("与子女同住")
    WITH_SPOUSE = "with_spouse", _("与配偶同住")
    WITH_GUARDIAN = "with_guardian", _("与监护人同住")
    INSTITUTION = "institution", _("机构集中供养")
    OTHER = "other", _("其他")


class DisabilityCategory(models.TextChoices):
    NONE = "", _("无")
    VISUAL = "visual", _("视力残疾")
    HEARING = "hearing", _("听力残疾")
    SPEECH = "speech", _("言语残疾")
    PHYSICAL = "physical", _("肢体残疾")
    INTELLECTUAL = "intellectual", _("智力残疾")
    MENTAL = "mental", _("精神残疾")
    MULTIPLE = "multiple", _("多重残疾")


class DisabilityGrade(models.IntegerChoices):
    ONE = 1, _("一级")
    TWO = 2, _("二级")
    THREE = 3, _("三级")
    FOUR = 4, _("四级")


class Risk(models.TextChoices):
    LOW = "low", _("一般")
    MEDIUM = "medium", _("重点")
    HIGH = "high", _("高风险")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    CLOSED = "closed", _("已销册")


class CloseReason(models.TextChoices):
    MOVED = "moved", _("迁出")
    DECEASED = "deceased", _("死亡")
    INELIGIBLE = "ineligible", _("不再符合条件")
    DUPLICATE = "duplicate", _("重复登记")


class Group(models.Model):
    """A priority group or sub-kind (GLOSSARY §3), editable data. Its domain decides who
    may see its members."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("上级类别"))
    domain = models.CharField(_("数据域"), max_length=24, choices=Domain.choices)
    needs_criterion = models.BooleanField(_("须注明认定情形"), default=False)
    synonyms = models.TextField(
        _("本地写法"), blank=True,
        help_text=_("花名册中代表本类别的其他写法,每行一个(如“留守儿童”“五保户”)。"
                    "写法后括号中的原因(如“困境儿童(因父母重病)”)导入时自动识别,不必列出。"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("关爱对象类别")
        verbose_name_plural = _("关爱对象类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def words(self) -> list[str]:
        """The name and the local wordings a roster may use for this group."""
        return [self.name, *(w.strip() for w in self.synonyms.splitlines() if w.strip())]


class Household(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("村(社区)"))
    region_code = models.CharField(max_length=12, editable=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return self.address or f"户 #{self.pk}"


class Person(models.Model):
    """A person in care (关爱对象), registered once per identity number; closed, never
    deleted."""

    name = models.CharField(_("姓名"), max_length=32)
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(max_length=32, editable=False, db_index=True)
    id_encrypted = models.TextField(editable=False, blank=True)
    id_hash = models.CharField(max_length=64, editable=False, blank=True)
    id_masked = models.CharField(_("公民身份号码"), max_length=18, editable=False, blank=True)
    no_id_reason = models.CharField(_("无身份证号原因"), max_length=100, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True, db_index=True)
    ethnicity = models.CharField(_("民族"), max_length=8, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("村(社区)"))
    region_code = models.CharField(max_length=12, editable=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="members", verbose_name=_("户"))
    relation_to_head = models.CharField(_("与户主关系"), max_length=16, blank=True)
    living = models.CharField(_("居住状况"), max_length=16, choices=Living.choices, blank=True)
    health = models.CharField(_("健康状况"), max_length=200, blank=True)
    disability_category = models.CharField(_("残疾类别"), max_length=16, blank=True,
                                           choices=DisabilityCategory.choices)
    disability_grade = models.PositiveSmallIntegerField(_("残疾等级"), null=True, blank=True,
                                                        choices=DisabilityGrade.choices)
    risk = models.CharField(_("风险等级"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="people_in_care",
                                     verbose_name=_("责任社会组织"))
    volunteers = models.ManyToManyField("orgs.Volunteer", blank=True,
                                        related_name="people_in_care",
                                        verbose_name=_("结对志愿者"))
    children_director = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("儿童主任"))
    domain_mask = models.PositiveIntegerField(default=0, editable=False, db_index=True)
    status = models.CharField(_("状态"), max_length=8, choices=PersonStatus.choices,
                              default=PersonStatus.ACTIVE)
    close_reason = models.CharField(_("销册原因"), max_length=16, blank=True,
                                    choices=CloseReason.choices)
    closed_on = models.DateField(_("销册日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["name_pinyin", "name_initials", "id_encrypted",
                                                 "id_hash", "domain_mask", "version"])

    class Meta:
        verbose_name = _("关爱对象")
        verbose_name_plural = _("关爱对象")
        ordering = ["region_code", "name"]
        constraints = [models.UniqueConstraint(fields=["id_hash"], condition=~Q(id_hash=""),
                                               name="person_id_hash_unique")]
        indexes = [
            models.Index(fields=["region_code"], name="person_region_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "region_code"], name="person_status_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_id_number(self) -> bool:
        return bool(self.id_hash)

    def age(self, on=None) -> int | None:
        if self.birth_date is None:
            return None
        on = on or timezone.localdate()
        return on.year - self.birth_date.year - (
            (on.month, on.day) < (self.birth_date.month, self.birth_date.day))


class GroupMembership(models.Model):
    """A person in a group from a date, until a date; ended, never deleted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="group_memberships")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("类别"))
    started_on = models.DateField(_("起始日期"), default=timezone.localdate)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=64, blank=True)
    criterion = models.CharField(_("认定情形"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("类别认定")
        verbose_name_plural = _("类别认定")
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["group", "ended_on"], name="groupmember_group_open")]

    def __str__(self) -> str:
        return f"{self.person} · {self.group}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()

    @property
    def criterion_pending(self) -> bool:
        """认定情形待补充: a group that needs a criterion, imported without one."""
        return self.group.needs_criterion and not self.criterion


class Contact(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=32)
    relation = models.CharField(_("关系"), max_length=16)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    is_guardian = models.BooleanField(_("监护人"), default=False)
    is_emergency = models.BooleanField(_("紧急联系人"), default=True)

    class Meta:
        verbose_name = _("联系人与监护人")
        verbose_name_plural = _("联系人与监护人")

    def __str__(self) -> str:
        return f"{self.name}({self.relation})"


class Consent(models.Model):
    """知情同意: who gave it, when, for what (PIPL Art. 29/31: a guardian for under-14s)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("用途"), max_length=200)
    given_by = models.CharField(_("同意人"), max_length=32)
    relation = models.CharField(_("与本人关系"), max_length=16, default="本人")
    given_on = models.DateField(_("同意日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("登记人"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("知情同意")
        verbose_name_plural = _("知情同意")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.person} · {self.purpose}"
