"""The directory export validates against the official HSDS 3.0 schemas (format checks on)."""

import json
import os
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from conftest import OUR_COUNTY
from linli.orgs.tests.conftest import VALID_CODE, community, filed

pytestmark = pytest.mark.django_db
# shared/ lies beside the checkout (as in CI); LINLI_HSDS_SCHEMAS points elsewhere if not.
SCHEMAS = Path(os.environ.get("LINLI_HSDS_SCHEMAS") or Path(__file__).resolve().parents[3].parent
               / "shared" / "standards" / "hsds-3.0" / "compiled")


def _validator(name: str) -> Draft202012Validator:
    if not SCHEMAS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"HSDS schemas not found at {SCHEMAS}")
        pytest.skip("the shared/ HSDS schemas are not beside this checkout")
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    validator_class = Draft202012Validator
    return validator_class(schema, format_checker=FormatChecker())


@pytest.fixture
def directory(personas, as_user):
    filed(personas.township, personas.township)
    community(personas.county, name="城东区慈善协会", kind="social_group", authority=OUR_COUNTY,
              credit_code=VALID_CODE, founded_on="2015-06-01", leader_phone="13897001234")
    community(personas.township, name="北关社区待备案小组")  # pending: not in the directory
    response = as_user(personas.county).get("/api/v1/orgs/hsds/organizations")
    assert response.status_code == 200
    return response.json()


def test_it_exports_valid_hsds_organizations(directory):
    validator = _validator("organization")
    assert len(directory) == 2
    for record in directory:
        errors = sorted(validator.iter_errors(record), key=str)
        assert not errors, [e.message for e in errors]


def test_it_exports_valid_hsds_services(directory):
    validator = _validator("service")
    services = [s for record in directory for s in record["services"]]
    assert services and {s["status"] for s in services} == {"active"}
    for service in services:
        assert not list(validator.iter_errors(service))


def test_it_keeps_personal_data_out(directory):
    text = json.dumps(directory, ensure_ascii=False)
    assert "马秀兰" not in text and "13897001234" not in text
    assert VALID_CODE in text  # a registered organisation's public identifier stays


def test_the_validator_really_checks(directory):
    validator = _validator("organization")
    broken = dict(directory[0], id="not-a-uuid")
    assert list(validator.iter_errors(broken))


def test_it_scopes_the_directory(personas, as_user, directory):
    other = as_user(personas.other_county).get("/api/v1/orgs/hsds/organizations").json()
    assert other == []
