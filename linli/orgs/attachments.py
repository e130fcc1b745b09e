"""Files filed with a 备案: 章程, 成员花名册, photos of the venue (issue 11).

Uploads are untrusted. A file is accepted for what its own bytes are — a PDF, a JPEG, a
PNG or a Word .docx (a zip holding ``word/document.xml``, without macros) — never for its
name or the type the browser claims. The bytes are stored outside the web root, under
``DATA_DIR/attachments/<yyyy>/<random name>``, so no URL reaches them but the download
view, which checks the filing's scope and answers ``Content-Disposition: attachment`` with
the type found here and ``nosniff``: a browser never runs or renders an upload in the
platform's origin. Sizes are capped per file and per filing (settings).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from linli.core.bounds import check_choice
from linli.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from linli.core.uploads import (  # noqa: F401  (the filing pages and tests use them from here)
    DOCX,
    JPEG,
    PDF,
    PNG,
    FileType,
    check_files,
    clean_name,
    human_size,
    sniff,
    storage_root,
    stored_file,
    write,
)
from linli.orgs import selectors, services
from linli.orgs.models import OPEN_FILING_STATUSES, AttachmentKind, Filing, FilingAttachment


def _check_may_attach(actor, filing: Filing) -> None:
    organisation = filing.organisation
    if not services.can_edit(actor, organisation, organisation.region_code):
        raise Forbidden(_("只有能编辑该组织信息的用户可以添加或删除备案材料"))
    if filing.status not in OPEN_FILING_STATUSES:
        raise IllegalTransition(_("备案申请当前为“%(s)s”,材料不能再添加或删除") % {
            "s": filing.get_status_display()})


def _check_filing_total(filing: Filing, adding: int) -> None:
    limit = settings.LINLI_FILING_ATTACHMENTS_MAX_BYTES
    stored = filing.attachments.aggregate(total=Sum("size"))["total"] or 0
    if stored + adding > limit:
        message = _("本次备案申请的材料合计不能超过 %(m)s:已有 %(s)s,本次 %(a)s") % {
            "m": human_size(limit), "s": human_size(stored), "a": human_size(adding)}
        raise Invalid(message, details={"files": [message]})


def attachments_add(*, actor, filing: Filing, kind: str,
                    files: list[UploadedFile]) -> list[FilingAttachment]:
    """Add files of one kind to an open filing. All or none: a bad file refuses the lot."""
    _check_may_attach(actor, filing)
    check_choice(kind, AttachmentKind, field="kind", label=_("材料类型"))
    checked = check_files(files)
    written: list[Path] = []
    try:
        with transaction.atomic():
            # the filing row locked: two uploads at once cannot both pass the total
            filing = Filing.objects.select_for_update().select_related("organisation").get(
                pk=filing.pk)
            _check_may_attach(actor, filing)
            _check_filing_total(filing, sum(c.upload.size for c in checked))
            added = []
            for item in checked:
                relative, sha256 = write(item.upload)
                written.append(Path(settings.DATA_DIR) / relative)
                added.append(FilingAttachment.objects.create(
                    filing=filing, kind=kind, original_name=item.name,
                    content_type=item.file_type.content_type, size=item.upload.size,
                    sha256=sha256, stored_path=relative, uploaded_by=actor))
    except BaseException:
        for path in written:  # nothing saved, nothing kept
            path.unlink(missing_ok=True)
        raise
    return added


def attachment_get(*, actor, pk: int) -> FilingAttachment:
    """An attachment exactly as visible as its filing: missing and not-yours are 404."""
    attachment = (FilingAttachment.objects
                  .filter(pk=pk, filing__in=selectors.filing_list(actor=actor).values("pk"))
                  .select_related("filing__organisation", "uploaded_by").first())
    if attachment is None:
        raise NotFound()
    return attachment


def attachment_remove(*, actor, attachment: FilingAttachment) -> None:
    """Before the decision only. The row goes (its history stays, with who removed it);
    the file is deleted once the removal is committed."""
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("organisation").get(
            pk=attachment.filing_id)
        _check_may_attach(actor, filing)
        path = stored_file(attachment)
        attachment._history_user = actor
        attachment.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


def attachments_of(filing: Filing):
    return filing.attachments.select_related("uploaded_by")
