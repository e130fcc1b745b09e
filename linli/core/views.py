from functools import wraps
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.accounts.access import access_for, hidden_domains
from linli.accounts.roles import Perm
from linli.core import dashboard, import_report, importing
from linli.core.errors import Invalid, NotFound
from linli.core.excel import choice_key
from linli.core.forms import BootstrapMixin
from linli.core.models import ImportStatus

PAGE_SIZE = 50


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件(.xlsx 或 .xls)"))


class ImportOptionsForm(ImportForm):
    """For an importer that reads the file's options (``Importer.takes_options``)."""

    region = forms.CharField(
        label=gettext_lazy("默认乡镇(街道)或村(社区)"), required=False, max_length=100,
        help_text=gettext_lazy("表格中没有写明所在地的行,放在这里(可填名称或区划代码)"))
    group = forms.CharField(
        label=gettext_lazy("全部行的对象类别"), required=False, max_length=50,
        help_text=gettext_lazy("整个文件都是同一类对象时填写,如“农村留守老年人”"))


class ImportChoiceForm(BootstrapMixin, forms.Form):
    """The file's options, changed after the check (ImportOptionsForm without the file)."""

    region = ImportOptionsForm.base_fields["region"]
    group = ImportOptionsForm.base_fields["group"]


def _only_options(form, importer):
    """The form without the options the importer does not read (``option_fields``)."""
    for name in [n for n in ("region", "group") if n in form.fields]:
        if name not in importer.option_fields:
            del form.fields[name]
    return form


class RevealForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("查看事由"), max_length=200)


def paginate(request, queryset, per_page: int = PAGE_SIZE, count: int | None = None) -> Page:
    """`count`: the total when the page already knows it (no second COUNT query)."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))


def add_form_errors(form, error: Invalid) -> None:
    """Put a service's Invalid on the form: on its fields where named, else on top."""
    details = error.details if isinstance(error.details, dict) else {}
    placed = False
    for field, problems in details.items():
        if field in form.fields:
            for problem in problems:
                form.add_error(field, problem)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def require_perm(permission: str):
    """Sign-in required, and the permission — otherwise 404, so nothing is disclosed."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not access_for(request.user).can(permission):
                raise NotFound()
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@login_required
def home(request):
    access = access_for(request.user)
    cards = dashboard.cards_for(access) if access.can(Perm.VIEW) else []
    return render(request, "core/home.html", {
        "todos": dashboard.todos_for(access),
        "cards": [c for c in cards if c.chart is None],
        "charts": [c for c in cards if c.chart is not None],
        "memberships": access.memberships, "domains": hidden_domains(access),
    })


# --- the one import flow (each app registers its Importer) -------------------------------

SHOWN = 100  # error and warning rows on the page (the report has the others)


@login_required
def import_upload(request, kind: str):
    importer = importing.importer_for(actor=request.user, kind=kind)
    form_class = ImportOptionsForm if importer.takes_options() else ImportForm
    form = _only_options(form_class(request.POST or None, request.FILES or None), importer)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        try:
            job = importing.import_preview(actor=request.user, kind=kind, filename=upload.name,
                                           content=upload.read(), options=options)
        except Invalid as error:
            if isinstance(error.details, dict) and set(error.details) & set(options):
                add_form_errors(form, error)
            else:
                form.add_error("file", error.message)
        else:
            return redirect("core:import_job", pk=job.pk)
    recent = importing.import_jobs_recent(actor=request.user, kind=kind)
    return render(request, "core/import_upload.html", {
        "form": form, "importer": importer, "recent": recent})


@login_required
def import_job(request, pk: int):
    job = importing.import_job_get(actor=request.user, pk=pk)
    importer = importing.importer_for(actor=request.user, kind=job.kind)
    shown = importer.shown_columns()
    options_form = None
    if job.status == ImportStatus.PREVIEWED and importer.takes_options():
        options_form = _only_options(ImportChoiceForm(initial={
            k: job.options.get(k, "") for k in ("region", "group")}), importer)
    return render(request, "core/import_job.html", {
        "job": job, "importer": importer, "headers": importer.preview_headers(),
        "sheets_read": _sheets_read(job) if job.status == ImportStatus.PREVIEWED else [],
        "fields": [(c.key, c.label) for c in importer.columns],
        "questions": _questions(job, importer) if job.status == ImportStatus.PREVIEWED
        else [], "options_form": options_form, "AUTO": AUTO, "PENDING": PENDING,
        "named_by": [importer.columns[i].label for i in shown],
        "errors": _named(job.errors[:SHOWN], shown),
        "warnings": _named(job.warnings[:SHOWN], shown), "shown": SHOWN,
        "may_reveal": bool(importer.sensitive_columns) and job.has_file
        and access_for(request.user).can(Perm.REVEAL_ID),
        "kept": importing.KEPT, "report_task": import_report.needs_task(job),
        "error_counts": _by_count(job.error_counts),
        "warning_counts": _by_count(job.warning_counts)})


AUTO, PENDING = "__auto__", "__pending__"
QUESTION_TITLES = {
    "group_values": gettext_lazy("无法识别的类别:请为每个写法选择对应的类别,或不导入该类别"),
    "places": gettext_lazy("同名的地点:请选择所指的地点,同一写法的各行都按此登记"),
}


def _headings(job) -> list[dict]:
    """Each header of the file once (the first sheet's reading of it), for the choice
    of its column: [{text, key, …, choice: the chosen column key, "" or AUTO}]."""
    return [h for sheet in _sheets_read(job) for h in sheet["headings"] if "index" in h]


def _sheets_read(job) -> list[dict]:
    """How each sheet's headers were read, the first reading of each header numbered for
    its choice on the page."""
    chosen = importing.chosen_columns(job)
    seen: set[str] = set()
    sheets = []
    for sheet in job.columns:
        headings = []
        for heading in sheet["headings"]:
            key = choice_key(heading["text"])
            heading = {**heading, "choice": chosen.get(key, AUTO)}
            if key not in seen:
                seen.add(key)
                heading["index"], heading["first"] = len(seen) - 1, True
            headings.append(heading)
        sheets.append({**sheet, "headings": headings})
    return sheets


def _questions(job, importer) -> list[dict]:
    """What the importer could not decide, with the answers each item offers."""
    asked = []
    for name, items in (job.questions or {}).items():
        given = job.options.get(name) or {}
        offered = importer.choices_for(name)
        asked.append({"name": name, "title": QUESTION_TITLES.get(name, name), "items": [
            {**item, "choices": [(c["code"], c["label"]) for c in item["candidates"]]
             if item.get("candidates") else offered, "answer": given.get(item["value"], PENDING)}
            for item in items]})
    return asked


def _named(rows: list[dict], shown: list[int]) -> list[dict]:
    """Stored rows with the values that name them (the name, the masked number)."""
    return [{**row, "named": [row["values"][i] if i < len(row["values"]) else ""
                              for i in shown]} for row in rows]


def _by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: -item[1])


@login_required
@require_POST
def import_commit(request, pk: int):
    job = importing.import_job_get(actor=request.user, pk=pk)
    job = importing.import_commit(actor=request.user, job=job)
    if job.status == ImportStatus.COMMITTED:
        messages.success(request, _("导入完成:新增 %(c)d,更新 %(u)d,无变化 %(n)d,错误 %(e)d") % {
            "c": job.created_count, "u": job.updated_count, "n": job.unchanged_count,
            "e": job.error_rows})
    return redirect("core:import_job", pk=job.pk)


@login_required
@require_POST
def import_rechoose(request, pk: int):
    """The choices made on a checked file (each column's field, the answers to its
    questions, the file's default region and group), and the file checked again."""
    job = importing.import_job_get(actor=request.user, pk=pk)
    importer = importing.importer_for(actor=request.user, kind=job.kind)
    post = request.POST
    columns = {}
    for index, heading in enumerate(_headings(job)):
        choice = post.get(f"column-{index}", AUTO)
        if choice != AUTO:
            columns[heading["text"]] = choice
    answers: dict[str, dict[str, str]] = {}
    for question in _questions(job, importer):
        for index, item in enumerate(question["items"]):
            answer = post.get(f"answer-{question['name']}-{index}", PENDING)
            allowed = {code for code, _label in item["choices"]} | {""}
            if answer != PENDING and answer in allowed:
                answers.setdefault(question["name"], {})[item["value"]] = answer
    options = None
    if importer.takes_options():
        form = _only_options(ImportChoiceForm(post), importer)
        options = form.cleaned_data if form.is_valid() else None
        if options is None:
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
            return redirect("core:import_job", pk=job.pk)
    try:
        importing.import_rechoose(actor=request.user, job=job, columns=columns,
                                  answers=answers, options=options)
    except Invalid as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已按您的选择重新检查"))
    return redirect("core:import_job", pk=job.pk)


@login_required
@require_POST
def import_abandon(request, pk: int):
    job = importing.import_job_get(actor=request.user, pk=pk)
    try:
        importing.import_abandon(actor=request.user, job=job)
    except Invalid as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已放弃该文件,上传的文件已删除"))
    return redirect("core:import_job", pk=job.pk)


def _xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f"attachment; filename={name}"
    return response


@login_required
def import_errors(request, pk: int):
    job = importing.import_job_get(actor=request.user, pk=pk)
    try:
        content = import_report.error_report(job=job)
    except Invalid as error:
        messages.error(request, error.message)
        return redirect("core:import_job", pk=job.pk)
    return _xlsx_response(content, f"import-errors-{job.pk}.xlsx")


@require_perm(Perm.REVEAL_ID)
def import_errors_reveal(request, pk: int):
    """The report with full identity numbers: a reason asked for, the reveal logged."""
    job = importing.import_job_get(actor=request.user, pk=pk)
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            content = import_report.error_report_reveal(
                actor=request.user, job=job, reason=form.cleaned_data["reason"],
                request=request)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            return _xlsx_response(content, f"import-errors-{job.pk}-full.xlsx")
    return render(request, "core/import_reveal.html", {"job": job, "form": form})


@login_required
@require_POST
def import_report_build(request, pk: int):
    job = importing.import_job_get(actor=request.user, pk=pk)
    import_report.error_report_start(actor=request.user, job=job)
    return redirect("core:import_job", pk=job.pk)


def content_disposition(name: str) -> str:
    """attachment, with the name for every browser: an ASCII fallback and RFC 5987's
    filename* in UTF-8 (the name itself was cleaned on upload)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
