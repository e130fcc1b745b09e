"""Demo data for the measures and the summary reports: hand-entered figures and an open
round in which 城东区 has already reported (idempotent, like every seeder)."""

from datetime import date, timedelta

from django.utils import timezone

from linli.accounts.models import User
from linli.core.indicators import Period
from linli.reports import measures, rounds
from linli.reports.models import ManualIndicator, Report, Round

ROUND_TITLE = "%d年“邻里守望”关爱行动总结"
DEMO_TEXT = {
    "主要做法": "以街道社工站为枢纽,组织社区社会组织和志愿者对独居、空巢老年人开展每月探访,"
               "建立“一人一档”关爱台账。",
    "存在问题": "部分社区社会组织专职人员不足,探访记录录入不及时。",
    "下一步措施": "开展社区社会组织负责人培训,推动探访记录当日录入。",
}


def _manual(county: User, today: date) -> None:
    """The province's three counted targets (entered by their bureaus for the last whole
    quarter) and 城东区's training sessions per quarter."""
    last = Period.quarter_before(today)
    for code, username, value in (("pairings", "sheng_cishan", 12),
                                  ("deliberation_sites", "sheng_jiceng", 8),
                                  ("care_pilots", "sheng_yanglao", 4)):
        bureau = User.objects.filter(username=username).first()
        if bureau is not None:
            measures.manual_value_enter(
                actor=bureau, indicator=ManualIndicator.objects.get(code=code),
                region_code="63", period_start=last.start, period_end=last.end, value=value,
                note="演示数据")
    for month, sessions in ((3, 2), (6, 3), (9, 2)):
        quarter = Period(date(today.year, month - 2, 1), Period.month(today.year, month).end)
        if quarter.end < today:
            measures.manual_value_enter(
                actor=county, indicator=ManualIndicator.objects.get(code="training_sessions"),
                region_code="630102", period_start=quarter.start, period_end=quarter.end,
                value=sessions, note="演示数据")


def seed_reports(*, size: str, stdout) -> None:
    owner = User.objects.filter(username="sheng_shzz").first()
    county = User.objects.filter(username="chengdong").first()
    today = timezone.localdate()
    title = ROUND_TITLE % today.year
    if owner is None or county is None or Round.objects.filter(title=title).exists():
        return
    _manual(county, today)
    # The year to date: the demo's people and volunteers were registered today.
    opened = rounds.round_open(
        actor=owner, title=title, period_start=date(today.year, 1, 1), period_end=today,
        deadline=today + timedelta(days=18), report_counties=True)
    report = rounds.report_prefill(Report.objects.get(round=opened, region_code="630102"))
    written = {s["title"]: s["text"] or DEMO_TEXT.get(s["title"], "(演示)")
               for s in report.sections}
    rounds.report_submit(actor=county, report=report, sections=written)
    stdout.write(f"总结报告:报送任务 1 个,{opened.reports.count()} 个单位,城东区已报送")
