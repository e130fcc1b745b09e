import pytest

from conftest import OTHER_COUNTY, OTHER_TOWNSHIP, OTHER_VILLAGE, OUR_TOWNSHIP, OUR_VILLAGE
from linli.orgs import services
from linli.orgs.models import Category, FilingKind, Kind

VALID_CODE = "51630000MJY000001W"  # GLOSSARY §6 example (社会团体, 青海)


def community(actor, name="北关社区夕阳红志愿服务队", village=OUR_VILLAGE,
              authority=OUR_TOWNSHIP, **fields):
    values = {"kind": Kind.COMMUNITY, "category": Category.PUBLIC_WELFARE, "leader_name": "马秀兰",
              "members_count": 18, "business_scope": "探访独居老人", "target_groups": ["elderly"]}
    values.update(fields)
    return services.organisation_create(actor=actor, name=name, region_code=village,
                                        authority_region_code=authority, **values)


def filed(actor, reviewer, **kwargs):
    """A community organisation taken through 成立备案 to approval."""
    org = community(actor, **kwargs)
    filing = services.filing_submit(actor=actor, organisation=org, kind=FilingKind.ESTABLISH)
    services.filing_transition(actor=reviewer, filing=filing, action="approve")
    org.refresh_from_db()
    return org


@pytest.fixture
def our_org(personas):
    return community(personas.township)


@pytest.fixture
def their_org(personas):
    return community(personas.other_county, name="朝阳山社区邻里互助会", village=OTHER_VILLAGE,
                     authority=OTHER_TOWNSHIP)


__all__ = ["OTHER_COUNTY", "VALID_CODE", "community", "filed"]
