"""The data the round tests share: a round the province opens with counties, and the
people of a second prefecture (海东市) beside the shared personas."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_PREFECTURE, make_user
from linli.accounts.models import User
from linli.accounts.roles import Role
from linli.reports import rounds
from linli.reports.models import Report, Round

CODES = ["station_coverage", "orgs_per_urban", "people_in_care", "visit_rate",
         "training_sessions"]
OTHER_PREFECTURE = OTHER_COUNTY[:4]  # 海东市


@dataclass
class Opened:
    round: Round
    prefecture: Report  # 西宁市民政局
    county: Report  # 城东区民政局
    other_county: Report  # 乐都区民政局 (海东市)
    bureau: Report  # 养老服务处
    other_prefecture_user: User


def open_round(actor, *, counties: bool = True, deadline: date | None = None,
               **fields) -> Round:
    today = timezone.localdate()
    values = {"title": "2026年“邻里守望”关爱行动总结报告", "period_start": date(today.year, 1, 1),
              "period_end": today, "deadline": deadline or today + timedelta(days=30),
              "indicators": CODES, "report_prefectures": True, "report_bureaus": True,
              "report_counties": counties}
    values.update(fields)
    return rounds.round_open(actor=actor, **values)


def texts(report: Report, **changed: str) -> dict[str, str]:
    """Every section written (a round's drafts are written in the background, which the
    tests' transaction never commits to)."""
    return {s["title"]: changed.get(s["title"], f"{report.unit_name}{s['title']}。")
            for s in report.sections}


def submit(actor, report: Report) -> Report:
    return rounds.report_submit(actor=actor, report=report, sections=texts(report))


def opened_round(personas) -> Opened:
    """A round with counties, opened by 社会组织管理局 (each test file makes it its fixture)."""
    opened_round = open_round(personas.province)
    reports = opened_round.reports.select_related("region", "round")
    return Opened(
        round=opened_round, prefecture=reports.get(region_code=OUR_PREFECTURE, bureau=""),
        county=reports.get(region_code=OUR_COUNTY), other_county=reports.get(
            region_code=OTHER_COUNTY), bureau=reports.get(bureau="elderly_services"),
        other_prefecture_user=make_user("haidong", Role.PREFECTURE_BUREAU, OTHER_PREFECTURE))


def approve_counties(actor, report: Report, *, but: str = "") -> None:
    """Every county report of the prefecture submitted and approved (``but`` one)."""
    for county in Report.objects.filter(round=report.round, bureau="", region__level=3,
                                        region_code__startswith=report.region_code):
        if county.region_code == but:
            continue
        writer = User.objects.filter(memberships__region_code=county.region_code,
                                     memberships__role=Role.COUNTY_BUREAU).first()
        if writer is None:
            writer = make_user(f"c{county.region_code}", Role.COUNTY_BUREAU, county.region_code)
        submit(writer, county)
        rounds.report_approve(actor=actor, report=county)


__all__ = ["CODES", "OTHER_PREFECTURE", "Opened", "approve_counties", "open_round", "opened_round",
           "submit", "texts"]
