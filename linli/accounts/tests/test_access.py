import pytest

from conftest import OTHER_COUNTY, OUR_COUNTY, OUR_VILLAGE, make_user
from linli.accounts.access import access_for, minimal_prefixes
from linli.accounts.models import Membership
from linli.accounts.roles import SENSITIVE_DOMAINS, Domain, Perm, Role
from linli.regions.models import Region

pytestmark = pytest.mark.django_db


def test_it_reduces_codes_to_the_smallest_set_of_prefixes():
    assert minimal_prefixes(["630102", "6301", "630202001", "6301"]) == ("6301", "630202001")


def test_it_scopes_by_region_code_prefix(personas):
    access = access_for(personas.county)
    assert access.region_codes == (OUR_COUNTY,)
    assert access.covers(OUR_VILLAGE) and not access.covers(OTHER_COUNTY)
    codes = set(access.filter(Region.objects.all(), "code").values_list("code", flat=True))
    assert len(codes) == 71 and all(c.startswith(OUR_COUNTY) for c in codes)


def test_it_gives_an_outsider_no_scope_and_no_rights(personas):
    access = access_for(personas.outsider)
    assert access.region_codes == ()
    assert not access.filter(Region.objects.all(), "code").exists()
    assert not access.can(Perm.VIEW)


def test_it_gives_the_elderly_bureau_elderly_data_but_not_childrens_files(personas):
    access = access_for(personas.province_elderly)
    assert access.covers(OTHER_COUNTY) and access.covers(OUR_VILLAGE)
    assert access.sees_domain(Domain.ELDERLY)
    assert not access.domains & SENSITIVE_DOMAINS


def test_it_keeps_the_system_administrator_away_from_personal_data(personas):
    access = access_for(personas.admin)
    assert access.can(Perm.MANAGE_USERS)
    assert access.domains == frozenset()
    assert not access.can(Perm.REVEAL_ID)


def test_it_lets_the_county_see_every_domain_of_its_region(personas):
    assert access_for(personas.county).domains == frozenset(Domain)


def test_it_unions_several_memberships(personas):
    Membership.objects.create(user=personas.county, role=Role.COUNTY_BUREAU,
                              region=Region.objects.get(code=OTHER_COUNTY))
    personas.county.refresh_from_db()
    assert access_for(personas.county).region_codes == (OUR_COUNTY, OTHER_COUNTY)


def test_it_ignores_revoked_memberships(db):
    user = make_user("revoked", Role.COUNTY_BUREAU, OUR_COUNTY)
    user.memberships.update(is_active=False)
    assert access_for(user).region_codes == ()


def test_it_requires_the_second_factor_of_province_and_admin_roles(personas):
    assert access_for(personas.province).needs_second_factor
    assert access_for(personas.admin).needs_second_factor
    assert not access_for(personas.county).needs_second_factor
