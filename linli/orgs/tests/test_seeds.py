"""Seed data follows the services' rules: a seed must never create what a clerk cannot."""

import io

import pytest

from linli.orgs import services, support_services
from linli.orgs.models import Incubation, IncubationBase, Organisation, SocialWorkStation
from linli.orgs.seeds import seed_orgs

pytestmark = pytest.mark.django_db


def test_it_seeds_only_what_the_services_accept(personas):
    seed_orgs(size="demo", stdout=io.StringIO())
    county_user = {"630102": personas.county, "630202": personas.other_county}
    stations = SocialWorkStation.objects.select_related("region", "operator")
    assert stations.filter(operator__isnull=False).count() > 10
    for station in stations:
        if station.operator is not None:
            services.check_serves(station.operator, station.region, field="operator_id",
                                  label="运营机构")
        # the county's own clerk can save the station exactly as seeded
        support_services.station_save(
            actor=county_user[station.region_code[:6]], region_code=station.region_code,
            established=station.established, operator_id=station.operator_id,
            staff_count=station.staff_count, opened_on=station.opened_on)
    for base in IncubationBase.objects.select_related("region", "operator"):
        services.check_serves(base.operator, base.region, field="operator_id", label="运营机构")
    for row in Incubation.objects.select_related("base__region", "organisation"):
        services.check_serves(row.organisation, row.base.region, field="organisation_id",
                              label="入孵组织")
    for org in Organisation.objects.select_related("region", "authority_region"):
        services.check_placement(org.kind, org.region, org.authority_region)
