from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("检查中")
    PREVIEWED = "previewed", _("待确认")
    COMMITTING = "committing", _("导入中")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One uploaded roster: validated into a preview, then committed (good rows only)."""

    kind = models.CharField(_("导入类型"), max_length=32)
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("数据行"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    errors = models.JSONField(default=list, editable=False)
    preview = models.JSONField(default=list, editable=False)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("已处理行"), default=0)
    message = models.CharField(_("说明"), max_length=200, blank=True)


    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.COMMITTING)
