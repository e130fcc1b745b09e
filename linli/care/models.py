from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.regions.models import Region


class ServiceKind(models.TextChoices):
    # measure 五: basic services to elderly people
    VISIT = "visit", _("上门巡访探视")
    HOUSEKEEPING = "housekeeping", _("家政保洁")
    COMFORT = "comfort", _("精神慰藉")
    RESCUE = "rescue", _("救助救援")
    # measure 七: professional services to left-behind elderly people
    DAILY_CARE = "daily_care", _("生活照料")
    GENERATIONS = "generations", _("代际沟通")
    RECREATION = "recreation", _("文化娱乐")
    SAFETY = "safety", _("安全防护")
    EMERGENCY = "emergency", _("紧急援助")
    RELATIONS = "relations", _("关系调适")
    FRAUD = "fraud", _("防骗维权")
    REHAB = "rehab", _("康复护理")
    # measure 七: left-behind women
    SAFETY_EDUCATION = "safety_education", _("安全教育")
    SKILLS = "skills", _("技能培训")
    RIGHTS = "rights", _("合法权益维护")
    STRESS = "stress", _("精神减压")
    # measure 七: migrant workers
    LIVING_AID = "living_aid", _("生活扶助")
    EMPLOYMENT = "employment", _("就业援助")
    LIVELIHOOD = "livelihood", _("生计发展")
    CITY = "city", _("城市适应")
    RESOURCES = "resources", _("资源链接")
    CAPACITY = "capacity", _("能力提升")


class ServiceRecord(models.Model):
    """A service delivered to a person: who, for whom, when, how long, by which organisation."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="services", verbose_name=_("服务对象"))
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(_("服务类型"), max_length=20, choices=ServiceKind.choices)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="services",
                                     verbose_name=_("服务组织"))
    volunteer = models.ForeignKey("orgs.Volunteer", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="services",
                                  verbose_name=_("服务人员"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("登记人"))
    served_at = models.DateTimeField(_("服务时间"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("时长(分钟)"))
    notes = models.TextField(_("服务内容"), blank=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-served_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person_id}"


class CanteenKind(models.TextChoices):
    HAPPY = "happy", _("老年幸福食堂")
    POINT = "point", _("助餐点")
    RURAL = "rural", _("农村集中助餐点")


class Canteen(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=8, choices=CanteenKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在村(社区)"))
    region_code = models.CharField(max_length=12, db_index=True)
    operator = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="canteens", verbose_name=_("运营方"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    seats = models.PositiveSmallIntegerField(_("餐位"), default=0)
    is_active = models.BooleanField(_("运营中"), default=True)

    class Meta:
        verbose_name = _("助餐点")
        verbose_name_plural = _("助餐点")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class Meal(models.Model):
    """Meals one person had at one canteen on one day (recording twice changes nothing)."""

    canteen = models.ForeignKey(Canteen, on_delete=models.PROTECT, related_name="meals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="meals")
    region_code = models.CharField(max_length=12)
    served_on = models.DateField(_("日期"), default=timezone.localdate, db_index=True)
    count = models.PositiveSmallIntegerField(_("餐数"), default=1)

    class Meta:
        verbose_name = _("助餐记录")
        verbose_name_plural = _("助餐记录")
        constraints = [models.UniqueConstraint(fields=["canteen", "person", "served_on"],
                                               name="meal_once_a_day")]

    def __str__(self) -> str:
        return f"{self.canteen} · {self.person_id} · {self.served_on}"


class FacilityLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")


class Facility(models.Model):
    """An elderly-care facility of the 县乡村三级 network, with its position."""

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=8, choices=FacilityLevel.choices)
    kind = models.CharField(_("类型"), max_length=32,
                            help_text=_("如:养老院、日间照料中心、互助幸福院"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在区划"))
    region_code = models.CharField(max_length=12, db_index=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    beds = models.PositiveSmallIntegerField(_("床位"), default=0)
    operator = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="facilities", verbose_name=_("运营方"))
    is_active = models.BooleanField(_("运营中"), default=True)

    class Meta:
        verbose_name = _("养老服务设施")
        verbose_name_plural = _("养老服务设施")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class CommunityLocation(models.Model):
    """Where a village or community lies (the NBS list has no coordinates): its centre,
    entered or imported by the civil-affairs bureau, for the 15-minute circle."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="location")
    region_code = models.CharField(max_length=12, unique=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("村(社区)位置")
        verbose_name_plural = _("村(社区)位置")

    def __str__(self) -> str:
        return f"{self.region_code} ({self.latitude}, {self.longitude})"
