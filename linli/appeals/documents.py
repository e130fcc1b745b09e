"""An appeal's documents (the issue's "attachments", the result's "documents"): added by
those who act on it — the registering side, or the unit a referral is with — while it is
open; every file checked by its bytes (core.uploads), all or none; each upload a line of
the timeline; downloaded only through the appeal's scope."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from linli.appeals.models import OPEN_STATUSES, Appeal, AppealAction, AppealDocument
from linli.appeals.selectors import (
    appeals_visible,
    is_referral_unit,
    is_registering_side,
    open_referral,
)
from linli.appeals.services import event_add
from linli.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from linli.core.uploads import check_files, write

DOCUMENTS_MAX = 20  # per appeal


def may_add(actor, appeal: Appeal) -> bool:
    referral = open_referral(appeal)
    return appeal.status in OPEN_STATUSES and (
        is_registering_side(actor, appeal)
        or (referral is not None and is_referral_unit(actor, referral)))


def documents_add(*, actor, appeal: Appeal, files: list[UploadedFile]) -> list[AppealDocument]:
    checked = check_files(files)
    written: list[Path] = []
    try:
        with transaction.atomic():
            appeal = appeals_visible(actor).select_for_update(of=("self",)).filter(
                pk=appeal.pk).first()
            if appeal is None:
                raise NotFound()
            if appeal.status not in OPEN_STATUSES:
                raise IllegalTransition(_("诉求已%(s)s,不能再添加材料") % {
                    "s": appeal.get_status_display()})
            if not may_add(actor, appeal):
                raise Forbidden(_("只有诉求所在地、登记组织或承办单位的工作人员可以添加材料"))
            if appeal.documents.count() + len(checked) > DOCUMENTS_MAX:
                message = _("每件诉求最多 %(n)d 份材料") % {"n": DOCUMENTS_MAX}
                raise Invalid(message, details={"files": [message]})
            added = []
            for item in checked:
                relative, sha256 = write(item.upload)
                written.append(Path(settings.DATA_DIR) / relative)
                added.append(AppealDocument.objects.create(
                    appeal=appeal, original_name=item.name,
                    content_type=item.file_type.content_type, size=item.upload.size,
                    sha256=sha256, stored_path=relative, status=appeal.status,
                    uploaded_by=actor))
            event_add(appeal, actor, AppealAction.NOTE, appeal.status, _("上传材料:%(n)s") % {
                "n": "、".join(d.original_name for d in added)})
    except BaseException:
        for path in written:  # nothing saved, nothing kept
            path.unlink(missing_ok=True)
        raise
    return added


def document_get(*, actor, pk: int) -> AppealDocument:
    """A document exactly as visible as its appeal: missing and not-yours are 404."""
    found = (AppealDocument.objects.filter(pk=pk, appeal__in=appeals_visible(actor).values("pk"))
             .first())
    if found is None:
        raise NotFound()
    return found
