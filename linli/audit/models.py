from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.errors import Forbidden


class Action(models.TextChoices):
    VIEW = "view", _("查看敏感信息")
    REVEAL = "reveal", _("查看完整证件号")
    EXPORT = "export", _("导出")
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("账户锁定")
    LOGOUT = "logout", _("退出")
    SECOND_FACTOR = "second_factor", _("双因素认证")
    ACCOUNT = "account", _("账户与授权变更")


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Forbidden(_("审计日志不可修改"))

    def delete(self):
        raise Forbidden(_("审计日志不可删除"))


class AccessLog(models.Model):
    """Append-only log of sensitive reads and security events (网络安全法 Art. 21).

    The application cannot change or remove a row: save() refuses updates, delete()
    refuses, and database triggers (see migrations) refuse UPDATE and DELETE too.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, verbose_name=_("用户"))
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("事件"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("记录类型"), max_length=64, blank=True)
    object_id = models.CharField(_("记录编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("记录"), max_length=200, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, default="success")
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问日志")
        verbose_name_plural = _("访问日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
            models.Index(fields=["object_type", "object_id"], name="accesslog_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise Forbidden(_("审计日志不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Forbidden(_("审计日志不可删除"))
