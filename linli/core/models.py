from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("检查中")
    PREVIEWED = "previewed", _("待确认")
    COMMITTING = "committing", _("导入中")
    COMMITTED = "committed", _("已导入")
    ABANDONED = "abandoned", _("已放弃")
    FAILED = "failed", _("失败")


class ReportStatus(models.TextChoices):
    NONE = "", _("未生成")
    BUILDING = "building", _("生成中")
    READY = "ready", _("已生成")


class ImportJob(models.Model):
    """One uploaded roster: validated into a preview, then committed (good rows only).

    The uploaded file is kept only while it is needed (checking, waiting for the commit,
    committing), encrypted with the data key (``core.crypto``): a failed, committed or
    abandoned job keeps no bytes, and the daily ``import_purge`` drops any file older than
    LINLI_IMPORT_RETENTION_DAYS. Stored rows show identity numbers masked. Errors and
    warnings keep the first KEPT rows in full (``linli.core.importing``), a count per reason
    and the total.
    Lists must not load the blobs (``content``, ``errors``, ``warnings``, ``preview``,
    ``report``): use ``importing.import_jobs_recent``.
    """

    kind = models.CharField(_("导入类型"), max_length=32)
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(editable=False)
    file_bytes = models.PositiveIntegerField(_("文件大小"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # Set on each step of the work (start, progress): a job checking or committing whose
    # work has not moved for a day is ended by import_purge.
    updated_at = models.DateTimeField(_("最近处理时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("数据行"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    errors = models.JSONField(default=list, editable=False)
    error_counts = models.JSONField(default=dict, editable=False)  # reason → rows
    warning_rows = models.PositiveIntegerField(_("提醒行"), default=0)
    warnings = models.JSONField(default=list, editable=False)
    warning_counts = models.JSONField(default=dict, editable=False)
    preview = models.JSONField(default=list, editable=False)
    # What the user chose for the file (default region, file group …), given to the
    # importer; and how each sheet's headers were understood, for the preview.
    options = models.JSONField(default=dict, editable=False)
    columns = models.JSONField(default=list, editable=False)
    # What the importer could not decide alone, for the user to answer on the preview
    # (values it could not map, names with several candidates): ``Importer.questions``.
    questions = models.JSONField(default=dict, editable=False)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("已处理行"), default=0)
    message = models.CharField(_("说明"), max_length=200, blank=True)
    # The full error report of a big previewed file, written by a background task.
    report = models.BinaryField(null=True, editable=False)
    report_status = models.CharField(_("错误报告"), max_length=16, blank=True,
                                     choices=ReportStatus.choices, default=ReportStatus.NONE)
    report_rows = models.PositiveIntegerField(_("报告已处理行"), default=0)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.COMMITTING)

    @property
    def has_file(self) -> bool:
        """Whether the uploaded bytes are still kept (see the class docstring)."""
        return self.status in (ImportStatus.CHECKING, ImportStatus.PREVIEWED,
                               ImportStatus.COMMITTING)


class ImportMemory(models.Model):
    """How a user mapped a file's headers, remembered for their next file of the kind: a
    header they mapped to a field (or told to ignore) is read the same way next time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("用户"))
    kind = models.CharField(_("导入类型"), max_length=32)
    columns = models.JSONField(default=dict)  # header text → column key, "" = ignored
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("导入列对应记忆")
        verbose_name_plural = _("导入列对应记忆")
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="import_memory_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class Notification(models.Model):
    """A note to one user of something waiting for them, linking to it (notifications.py).

    Any app writes one through ``notifications.notify``; the user reads their own only.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", db_index=False)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)  # a path on this site
    urgent = models.BooleanField(_("紧急"), default=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the list page: a user's newest first
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            # the navbar badge on every page: COUNT of a user's unread, from a small index
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True),
                         name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title
