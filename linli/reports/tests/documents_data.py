"""Reports for the document tests, made with the models and ``annex.freeze`` directly (the
workflow's services are tested on their own): a round of 2026 with three prefectures and
two bureaus, 西宁市's county 城东区 having entered 4,321 training sessions."""

import io
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from conftest import make_user
from linli.accounts.models import User
from linli.accounts.roles import Role
from linli.regions.models import Region
from linli.reports import annex
from linli.reports.models import ManualIndicator, ManualValue, Report, ReportStatus, Round

CODES = ["station_coverage", "orgs_per_urban", "people_in_care", "visit_rate",
         "training_sessions"]
SECTIONS = [
    {"title": "成效", "text": "本期新增备案社区社会组织3个,社工站覆盖率稳步提升。\n"
                            "(一)强化组织领导。成立工作专班,定期调度。\n"
                            "1.建立台账。逐村摸排留守老年人。"},
    {"title": "主要做法", "text": "开展定期探访。"},
    {"title": "存在问题", "text": ""},
]


@dataclass
class Units:
    round: Round
    xining: Report  # 西宁市民政局, approved
    haidong: Report  # 海东市民政局, approved
    hainan: Report  # 海南州民政局, submitted only: missing from the compilation
    elderly: Report  # 养老服务处, approved
    children: Report  # 儿童福利处, draft: missing
    haidong_user: User


def make_report(round: Round, code: str, *, bureau: str = "", status: str = ReportStatus.DRAFT,
                actor=None) -> Report:
    report = Report.objects.create(round=round, region=Region.objects.get(code=code),
                                   bureau=bureau, sections=SECTIONS)
    if status != ReportStatus.DRAFT:
        annex.freeze(report)
        report.status = status
        report.submitted_at = timezone.make_aware(datetime(2026, 10, 28, 10))
        report.submitted_by = actor
        report.save()
    return report


def make_round(actor) -> Round:
    return Round.objects.create(
        title="2026年邻里守望关爱行动总结", period_start=date(2026, 1, 1),
        period_end=date(2026, 10, 31), deadline=date(2026, 11, 10),
        sections=[s["title"] for s in SECTIONS], indicators=CODES, opened_by=actor)


def make_units(personas) -> Units:
    ManualValue.objects.create(
        indicator=ManualIndicator.objects.get(code="training_sessions"),
        region=Region.objects.get(code="630102"), period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31), value=4321, entered_by=personas.county)
    made = make_round(personas.province)
    approved = ReportStatus.APPROVED
    return Units(
        round=made, xining=make_report(made, "6301", status=approved, actor=personas.prefecture),
        haidong=make_report(made, "6302", status=approved, actor=personas.prefecture),
        hainan=make_report(made, "6325", status=ReportStatus.SUBMITTED),
        elderly=make_report(made, "63", bureau="elderly_services", status=approved,
                            actor=personas.province_elderly),
        children=make_report(made, "63", bureau="child_welfare"),
        haidong_user=make_user("haidong", Role.PREFECTURE_BUREAU, "6302"))


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


__all__ = ["CODES", "SECTIONS", "Units", "docx_text", "make_report", "make_round", "make_units"]
