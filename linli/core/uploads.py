"""Uploaded files, untrusted (filing attachments, appeal documents).

A file is accepted for what its own bytes are — a PDF, a JPEG, a PNG or a Word .docx (a
zip holding ``word/document.xml``, without macros) — never for its name or the type the
browser claims. The bytes are stored outside the web root, under
``DATA_DIR/attachments/<yyyy>/<random name>``, so no URL reaches them but a download view
that checks the scope and answers ``Content-Disposition: attachment`` with the type found
here and ``nosniff`` (``download``): a browser never runs or renders an upload in the
platform's origin.
"""

import hashlib
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import Invalid, NotFound

FOLDER = "attachments"
NAME_MAX = 100  # characters of a cleaned file name, extension included


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]  # the first is the one a misnamed file is given


PDF = FileType("application/pdf", (".pdf",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("image/png", (".png",))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
MACRO_PARTS = ("word/vbaproject.bin", "word/vbadata.xml")


def human_size(size: int) -> str:
    """10 MB, 10.5 MB, 300 KB: a size said to a person."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _is_docx(upload: UploadedFile) -> bool | None:
    """True for a Word document, False for a macro-enabled one, None for anything else."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload.file) as archive:  # reads the directory, unpacks nothing
            names = {name.lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" not in names or "[content_types].xml" not in names:
        return None
    return not any(part in names for part in MACRO_PARTS)


def sniff(upload: UploadedFile) -> FileType | None:
    """What the file's first bytes say it is (magic numbers), or None when not allowed."""
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and _is_docx(upload):
        return DOCX
    return None


UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def clean_name(name: str, file_type: FileType) -> str:
    """The name a person gave, safe to store and to send back: no folders, no control or
    reserved characters, no leading dots, at most NAME_MAX characters, and an extension
    that says what the bytes are (a PNG called 章程.pdf is kept as 章程.png)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = " ".join(UNSAFE.sub(" ", name).split()).lstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if f".{extension.lower()}" not in file_type.extensions:
        stem = name  # a wrong or missing extension stays part of the name
        extension = file_type.extensions[0][1:]
    stem = stem.strip() or _("附件")
    return f"{stem[:NAME_MAX - len(extension) - 1]}.{extension.lower()}"


@dataclass
class Checked:
    upload: UploadedFile
    file_type: FileType
    name: str


def problem(upload: UploadedFile, limit: int) -> str | Checked:
    label = (upload.name or "")[:NAME_MAX]
    if not upload.size:
        return _("“%(n)s”是空文件") % {"n": label}
    if upload.size > limit:
        return _("“%(n)s”有 %(s)s,超过每个文件 %(m)s 的上限") % {
            "n": label, "s": human_size(upload.size), "m": human_size(limit)}
    file_type = sniff(upload)
    if file_type is None:
        return _("“%(n)s”不是 PDF、JPG、PNG 或 Word(.docx)文件(按文件内容判断,"
                 "不看扩展名;含宏的文档也不接受)") % {"n": label}
    return Checked(upload, file_type, clean_name(upload.name, file_type))


def check_files(uploads: list[UploadedFile]) -> list[Checked]:
    """Every file checked; every problem of every file said at once (Invalid on "files")."""
    if not uploads:
        raise Invalid(_("请选择要上传的文件"), details={"files": [_("请选择要上传的文件")]})
    results = [problem(upload, settings.LINLI_ATTACHMENT_MAX_BYTES) for upload in uploads]
    problems = [r for r in results if isinstance(r, str)]
    if problems:
        raise Invalid(";".join(problems), details={"files": problems})
    return results


def storage_root() -> Path:
    return Path(settings.DATA_DIR) / FOLDER


def stored_file(attachment) -> Path:
    """The file on disk; a stored path that points outside the folder is refused."""
    root = storage_root().resolve()
    path = (Path(settings.DATA_DIR) / attachment.stored_path).resolve()
    if root not in path.parents:
        raise NotFound()
    return path


def write(upload: UploadedFile) -> tuple[str, str]:
    """Copy the upload to a new random name; answers (stored path, sha256)."""
    relative = f"{FOLDER}/{timezone.localdate():%Y}/{secrets.token_hex(16)}"
    path = Path(settings.DATA_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    upload.seek(0)
    with open(path, "xb") as out:  # "x": never over another file
        path.chmod(0o600)
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return relative, digest.hexdigest()


def download(attachment) -> FileResponse:
    """The stored file as a download (never shown inline, never sniffed by the browser).
    ``attachment`` has ``stored_path``, ``content_type``, ``size`` and ``original_name``."""
    from linli.core.views import content_disposition

    path = stored_file(attachment)
    if not path.is_file():
        raise NotFound()
    response = FileResponse(path.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
