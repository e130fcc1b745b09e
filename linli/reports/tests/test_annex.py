"""A report's annex: live while a draft, frozen from submission, cut to the unit."""

from datetime import date

from linli.orgs.models import SocialWorkStation
from linli.regions.models import Region
from linli.reports import annex
from linli.reports.models import Report, Round

CODES = ["station_coverage", "orgs_per_urban", "people_in_care", "visit_rate",
         "training_sessions"]


def _round(personas) -> Round:
    return Round.objects.create(
        title="2026年总结", period_start=date(2026, 1, 1), period_end=date(2026, 11, 30),
        deadline=date(2026, 12, 31), sections=[], indicators=CODES, opened_by=personas.province)


def test_it_freezes_the_figures_so_later_data_never_alter_them(personas):
    report = Report.objects.create(round=_round(personas), region=Region.objects.get(code="6301"))
    live = annex.live_rows(report)
    assert live[0].own and live[0].region.code == "6301"
    assert {r.region.code for r in live if not r.own} >= {"630102", "630103"}
    assert annex.freeze(report) == len(live)
    township = Region.objects.filter(code__startswith="630102", level=4).first()
    SocialWorkStation.objects.create(region=township, region_code=township.code, established=True,
                                     opened_on=date(2026, 3, 1))
    frozen = annex.rows_for(report)
    assert [(r.indicator, r.region.code, r.shown) for r in frozen] == [
        (r.indicator, r.region.code, r.shown) for r in live]
    assert annex.live_rows(report) != live  # the live figure moved, the frozen one did not


def test_a_bureau_answers_for_its_own_measures_in_its_own_domains(personas):
    report = Report.objects.create(round=_round(personas), region=Region.objects.get(code="63"),
                                   bureau="elderly_services")
    keys = {r.indicator for r in annex.live_rows(report)}
    assert "visit_rate" in keys  # measure 五, 养老服务处's
    assert "station_coverage" not in keys  # measure 八 is not the bureau's


def test_the_province_sums_counts_and_recomputes_percentages_from_parts():
    rows = [annex.AnnexRow("x", "x", "%", "percent", 8, None, 50.0, (1, 2)),
            annex.AnnexRow("x", "x", "%", "percent", 8, None, 100.0, (3, 3))]
    assert annex.combine(rows) == (80.0, (4, 5))
    counts = [annex.AnnexRow("c", "c", "个", "count", 1, None, v) for v in (3.0, None, 4.0)]
    assert annex.combine(counts) == (7.0, ())
