import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.accounts.roles import ORG_ROLES, ROLE_LEVEL, Bureau, Role
from linli.regions.models import Level, Region


class User(AbstractUser):
    """A person who signs in. Accounts are deactivated, never deleted."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}({self.username})"

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """Binds a user to a role over a region (and, for organisation roles, an organisation)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships",
                             verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    bureau = models.CharField(_("处室"), max_length=32, choices=Bureau.choices, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("辖区"))
    region_code = models.CharField(_("辖区代码"), max_length=12, editable=False)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="staff_memberships",
                                     verbose_name=_("社会组织"))
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        ordering = ["user_id", "region_code"]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self) -> str:
        where = self.organisation.name if self.organisation_id else self.region.path
        return f"{self.user} · {self.get_role_display()} · {where}"

    def save(self, *args, **kwargs) -> None:
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    def clean(self) -> None:
        level = ROLE_LEVEL.get(self.role)
        if self.region_id and level is not None and self.region.level != level:
            raise ValidationError({"region": _("角色“%(role)s”须绑定到%(level)s级辖区") % {
                "role": self.get_role_display(), "level": Level(level).label}})
        if self.role == Role.PROVINCE_BUREAU and not self.bureau:
            raise ValidationError({"bureau": _("省厅处室人员须选择所在处室")})
        if self.role != Role.PROVINCE_BUREAU and self.bureau:
            raise ValidationError({"bureau": _("只有省厅处室人员需要选择处室")})
        if (self.role in ORG_ROLES) != bool(self.organisation_id):
            raise ValidationError({"organisation": _(
                "社会组织工作人员和志愿者须且只须选择所属社会组织")})


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token for integrations; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("用户"))
    name = models.CharField(_("用途"), max_length=64)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人访问令牌")
        verbose_name_plural = _("个人访问令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
