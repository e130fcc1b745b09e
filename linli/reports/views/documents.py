"""Pages: a report's Word, PDF and Excel downloads, the province's compilation (started,
followed while it is made, downloaded) and the province's own Word templates.

Every download is written to the access log like the other exports. A report's downloads
are as visible as the report (``report_get``: 404 outside); a compilation is its round's
owner bureau's (and the province auditors'); templates are managed by the collecting
bureau and the system administrator.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.accounts.roles import Perm
from linli.audit.models import Action
from linli.audit.services import access_log_record
from linli.core import confirm
from linli.core.errors import Invalid, NotFound
from linli.core.forms import BootstrapMixin
from linli.core.views import add_form_errors, content_disposition, require_perm
from linli.reports import document_templates, documents, selectors
from linli.reports.models import CompilationStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, name: str, mime: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file_name(*words: str) -> str:
    return "-".join(w.replace("/", " ").strip() for w in words if w)[:120]


# --- a report's documents -------------------------------------------------------------

FORMATS = {
    "docx": (documents.report_docx, DOCX, gettext_lazy("下载总结报告(Word)")),
    "pdf": (documents.report_pdf, PDF, gettext_lazy("下载总结报告(PDF)")),
    "xlsx": (documents.report_xlsx, XLSX, gettext_lazy("下载总结报告附表(Excel)")),
}


def _report_download(request, pk: int, extension: str) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    make, mime, reason = FORMATS[extension]
    content = make(report)
    access_log_record(actor=request.user, action=Action.EXPORT, obj=report, request=request,
                      reason=str(reason))
    suffix = _("附表") if extension == "xlsx" else ""
    name = _file_name(report.unit_name, report.round.title, suffix)
    return _attachment(content, f"{name}.{extension}", mime)


@require_perm(Perm.VIEW)
def report_docx(request, pk: int):
    return _report_download(request, pk, "docx")


@require_perm(Perm.VIEW)
def report_pdf(request, pk: int):
    return _report_download(request, pk, "pdf")


@require_perm(Perm.VIEW)
def report_xlsx(request, pk: int):
    return _report_download(request, pk, "xlsx")


# --- the province's compilation -----------------------------------------------------------

@require_perm(Perm.EDIT)
@require_POST
def compilation_start(request, pk: int):
    round = selectors.round_get(actor=request.user, pk=pk)
    compilation = documents.compilation_start(actor=request.user, round=round)
    return redirect("reports:compilation", pk=compilation.pk)


@login_required
def compilation(request, pk: int):
    found = documents.compilation_get(actor=request.user, pk=pk)
    return render(request, "reports/documents/compilation.html", {
        "compilation": found, "round": found.round,
        "running": found.status in (CompilationStatus.QUEUED, CompilationStatus.RUNNING),
        "earlier": documents.compilations_of(actor=request.user, round=found.round)
        .exclude(pk=found.pk)[:10],
        "may_start": documents.is_round_owner(request.user, found.round)})


def _compilation_file(request, pk: int, field: str, extension: str, mime: str, reason: str):
    found = documents.compilation_get(actor=request.user, pk=pk)
    if found.status != CompilationStatus.DONE:
        raise NotFound()
    file_path = documents.stored_file(getattr(found, field))
    access_log_record(actor=request.user, action=Action.EXPORT, obj=found, request=request,
                      reason=reason, object_repr=str(found.round))
    stamp = timezone.localtime(found.finished_at).strftime("%Y%m%d%H%M")
    name = _file_name(found.round.title, _("汇编") if extension == "docx" else _("汇总附表"),
                      stamp)
    response = FileResponse(file_path.open("rb"), content_type=mime)
    response["Content-Disposition"] = content_disposition(f"{name}.{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def compilation_download(request, pk: int):
    return _compilation_file(request, pk, "stored_path", "docx", DOCX, _("下载全省汇编(Word)"))


@login_required
def compilation_annex(request, pk: int):
    return _compilation_file(request, pk, "annex_path", "xlsx", XLSX, _("下载全省汇总附表(Excel)"))


# --- the province's own templates -------------------------------------------------------

class TemplateForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("模板"),
                             choices=list(document_templates.KIND_LABELS.items()))
    file = forms.FileField(label=gettext_lazy("Word 模板(.docx)"), widget=forms.ClearableFileInput(
        attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument"
                         ".wordprocessingml.document"}))


def _restore_question(info) -> confirm.Question:
    return confirm.Question(
        question=_("恢复“%(k)s”的默认模板?") % {"k": info.label},
        consequence=_("上传的模板“%(n)s”将被删除,此后的文档按系统默认的 GB/T 9704 格式生成;"
                      "需要时可重新上传。") % {"n": info.name or info.label},
        action=_("恢复默认"))


def _may_manage(request) -> None:
    if not document_templates.may_manage_templates(request.user):
        raise NotFound()


def _templates_page(request, form, *, status: int = 200):
    infos = [document_templates.template_info(kind) for kind in documents.KINDS]
    return render(request, "reports/documents/templates.html", {
        "form": form, "infos": [(info, _restore_question(info)) for info in infos],
        "tags": [(document_templates.KIND_LABELS[k], document_templates.TAGS[k])
                 for k in documents.KINDS], "tags_help": document_templates.TAGS_HELP},
        status=status)


@login_required
def templates(request):
    _may_manage(request)
    if request.method != "POST":
        return _templates_page(request, TemplateForm())
    form = TemplateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _templates_page(request, form, status=422)
    try:
        info = document_templates.template_upload(actor=request.user,
                                                  kind=form.cleaned_data["kind"],
                                                  upload=form.cleaned_data["file"])
    except Invalid as error:
        add_form_errors(form, error)
        return _templates_page(request, form, status=422)
    messages.success(request, _("已启用新的“%(k)s”模板,此后生成的文档都按它排版") % {
        "k": info.label})
    return redirect("reports:templates")


@login_required
def template_download(request, kind: str):
    _may_manage(request)
    file_path = documents.template_path(document_templates.check_kind(kind))
    response = FileResponse(file_path.open("rb"), content_type=DOCX)
    label = document_templates.KIND_LABELS[kind]
    response["Content-Disposition"] = content_disposition(_("%(k)s模板.docx") % {"k": label})
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def template_restore(request, kind: str):
    _may_manage(request)
    info = document_templates.template_info(document_templates.check_kind(kind))
    if confirm.asked(request):
        return confirm.confirmation(request, _restore_question(info),
                                    cancel_url=reverse("reports:templates"))
    document_templates.template_restore(actor=request.user, kind=kind)
    messages.success(request, _("“%(k)s”已恢复为默认模板") % {"k": info.label})
    return redirect("reports:templates")


urlpatterns = [
    path("documents/report/<int:pk>.docx", report_docx, name="report_docx"),
    path("documents/report/<int:pk>.pdf", report_pdf, name="report_pdf"),
    path("documents/report/<int:pk>-annex.xlsx", report_xlsx, name="report_xlsx"),
    path("documents/rounds/<int:pk>/compile/", compilation_start, name="compilation_start"),
    path("documents/compilations/<int:pk>/", compilation, name="compilation"),
    path("documents/compilations/<int:pk>/compilation.docx", compilation_download,
         name="compilation_download"),
    path("documents/compilations/<int:pk>/annex.xlsx", compilation_annex,
         name="compilation_annex"),
    path("documents/templates/", templates, name="templates"),
    path("documents/templates/<slug:kind>.docx", template_download, name="template_download"),
    path("documents/templates/<slug:kind>/restore/", template_restore, name="template_restore"),
]
