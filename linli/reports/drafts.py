"""The draft a report starts with: one sentence or two per section, written from the unit's
own figures (its annex, computed once), for the unit to correct and complete.

The section is recognised by a word of its title, so a round's own titles still get a
draft where one fits (「存在问题及措施」 is a section of problems); a title with none of
these words starts empty.
"""

from datetime import date

from django.utils.translation import gettext as _

from linli.core import indicators as registry
from linli.core.indicators import PERCENT
from linli.reports.annex import AnnexRow
from linli.reports.models import Measure, Report

NAMED = 8  # the regions or figures named in one sentence; the others are counted
FIGURES = 12  # the figures a draft's 成效 states


def day(value: date) -> str:
    """2026年3月1日: dates in Arabic numerals (GB/T 9704)."""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


def _figure(row: AnnexRow) -> str:
    unit = "" if row.kind == PERCENT else row.unit
    return f"{row.shown}{unit}"


def _item(row: AnnexRow) -> str:
    notes = []
    if row.previous is not None:
        notes.append(_("上期 %(v)s") % {"v": f"{row.previous_shown}"})
    if row.target is not None:
        notes.append(_("目标 %(t)s") % {"t": row.target_shown})
    extra = _("(%(n)s)") % {"n": ";".join(notes)} if notes else ""
    return f"{row.label} {_figure(row)}{extra}"


def _names(items: list[str]) -> str:
    """「A、B、C」, or the first NAMED of them 「等 N 项」."""
    shown = "、".join(items[:NAMED])
    return shown + (_("等 %(n)d 项") % {"n": len(items)} if len(items) > NAMED else "")


def _achievements(report: Report, own: list[AnnexRow]) -> str:
    """The unit's figures, those with a target first, at most FIGURES of them (the annex
    has the others)."""
    flows = {i.key for i in registry.registered() if i.flow}
    known = sorted((r for r in own if r.value is not None), key=lambda r: r.target is None)
    more = len(known) - FIGURES
    known = known[:FIGURES]
    added = [_item(r) for r in known if r.indicator in flows]
    stocks = [_item(r) for r in known if r.indicator not in flows]
    period = report.round
    parts = [_("%(s)s至%(e)s,%(u)s围绕“邻里守望”关爱行动十条措施推进各项工作。") % {
        "s": day(period.period_start), "e": day(period.period_end), "u": report.unit_name}]
    if added:
        parts.append(_("本期新增:%(l)s。") % {"l": "、".join(added)})
    if stocks:
        parts.append(_("截至%(e)s,%(l)s。") % {"e": day(period.period_end),
                                             "l": "、".join(stocks)})
    if more > 0:
        parts.append(_("其余 %(n)d 项指标详见附表。") % {"n": more})
    return "".join(parts)


def _practices(own: list[AnnexRow]) -> str:
    numbers = sorted({r.measure for r in own if r.measure})
    titles = [f"“{m.title}”" for m in Measure.objects.filter(number__in=numbers).order_by("order")]
    if not titles:
        return _("(请填写本单位的主要做法和典型案例。)")
    return _("围绕%(m)s等措施,(请填写本单位的主要做法和典型案例。)") % {"m": "、".join(titles)}


def _below(rows: list[AnnexRow]) -> str:
    names = [f"{r.region.name} {_figure(r)}" for r in rows[:NAMED]]
    more = _("等 %(n)d 个地区") % {"n": len(rows)} if len(rows) > NAMED else ""
    return "、".join(names) + more


def _problems(own: list[AnnexRow], below: list[AnnexRow]) -> str:
    parts = []
    for row in own:
        under = [r for r in below if r.indicator == row.indicator]
        children = [r for r in under if r.short]
        if row.short:
            words = _("高于") if row.direction == "at_most" else _("低于")
            parts.append(_("%(l)s为 %(v)s,%(w)s目标(%(t)s)。") % {
                "l": row.label, "v": _figure(row), "w": words, "t": row.target_shown})
        if children and len(children) == len(under) > 1:
            parts.append(_("%(l)s下辖 %(n)d 个地区均未达目标。") % {
                "l": row.label, "n": len(under)})
        elif children:
            parts.append(_("%(l)s未达目标的下辖地区:%(r)s。") % {
                "l": row.label, "r": _below(children)})
    if not parts and any(r.target is not None for r in own):
        parts.append(_("对照目标,附表所列有目标的指标均已达到。"))
    missing = [r.label for r in own if r.value is None]
    if missing:
        parts.append(_("以下指标本期暂无数据:%(l)s。") % {"l": _names(missing)})
    return "".join(parts)


def _next_steps(own: list[AnnexRow]) -> str:
    short = [r.label for r in own if r.short]
    if not short:
        return _("(请填写下一步工作措施。)")
    return _("针对%(l)s未达目标的情况,(请填写下一步工作措施。)") % {"l": _names(short)}


def draft_sections(report: Report, rows: list[AnnexRow]) -> list[dict]:
    """The round's sections, each with its draft from ``rows`` (the unit's live annex)."""
    own = [r for r in rows if r.own]
    below = [r for r in rows if not r.own]
    writers = [("成效", lambda: _achievements(report, own)), ("做法", lambda: _practices(own)),
               ("问题", lambda: _problems(own, below)), ("措施", lambda: _next_steps(own))]
    sections = []
    for title in report.round.sections:
        writer = next((w for word, w in writers if word in title), None)
        sections.append({"title": title, "text": writer() if writer else ""})
    return sections
