"""The orgs app's figures per region (core.indicators): measure 八's 社工站 coverage and
民发〔2017〕191号's organisations per community."""

from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Domain
from linli.core.dashboard import Topic
from linli.core.indicators import RATIO, Indicator, Value, percent, ratio, register
from linli.orgs import selectors


def _sees_organisations(access) -> bool:
    return access.sees_domain(Domain.ORGANIZATIONS)


def station_coverage(actor, region, period) -> list[Value]:
    return [Value(c.region, percent(c.stations, c.townships), (c.stations, c.townships))
            for c in selectors.station_coverage(actor=actor, region=region)]


def per_urban_community(actor, region, period) -> list[Value]:
    return [Value(d.region, ratio(d.urban_orgs, d.urban_communities),
                  (d.urban_orgs, d.urban_communities))
            for d in selectors.organisation_density(actor=actor, region=region)]


def per_rural_community(actor, region, period) -> list[Value]:
    return [Value(d.region, ratio(d.rural_orgs, d.rural_communities),
                  (d.rural_orgs, d.rural_communities))
            for d in selectors.organisation_density(actor=actor, region=region)]


register(Indicator(
    "station_coverage", _("乡镇(街道)社工站覆盖率"), Topic.SOCIAL_WORK, station_coverage,
    available=_sees_organisations, parts=(_("已建成社工站"), _("乡镇(街道)")),
    measure=8, order=40,
    note=_("已建成社工站的乡镇(街道)占全部乡镇(街道)的比例。")))
register(Indicator(
    "orgs_per_urban", _("每个城镇社区的社区社会组织"), Topic.ORGANISATIONS, per_urban_community,
    available=_sees_organisations, kind=RATIO, parts=(_("社区社会组织"), _("城镇社区")),
    measure=1, unit=_("个"), order=50,
    note=_("在册社区社会组织数除以城镇社区数。")))
register(Indicator(
    "orgs_per_rural", _("每个农村社区的社区社会组织"), Topic.ORGANISATIONS, per_rural_community,
    available=_sees_organisations, kind=RATIO, parts=(_("社区社会组织"), _("农村社区")),
    measure=1, unit=_("个"), order=60,
    note=_("在册社区社会组织数除以农村社区数。")))
