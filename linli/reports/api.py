"""The reports app's API: measures and indicator values (``api_measures``), rounds and
reports (``api_rounds``), on one router."""

from ninja import Router

router = Router(tags=["措施、指标与报告"])

from linli.reports import api_measures, api_rounds  # noqa: E402,F401  (they add to the router)
