import pytest

from conftest import OUR_VILLAGE
from linli.appeals import services
from linli.people.tests.conftest import OLD_MAN, register


@pytest.fixture
def elder(personas):
    return register(personas.village, name="马福寿", id_number=OLD_MAN,
                    groups=[{"code": "elderly_alone"}])


def raise_appeal(actor, person=None, **fields):
    values = {"channel": "office", "category": "temporary", "description": "家中失火,急需生活救助",
              "urgency": "normal"}
    if person is None:
        values.update(requester_name="李大姐", requester_phone="13800001111",
                      region_code=OUR_VILLAGE)
    else:
        values["person_id"] = person.pk
    values.update(fields)
    return services.appeal_create(actor=actor, **values)


def step(actor, appeal, action, **fields):
    return services.appeal_transition(actor=actor, appeal=appeal, action=action, **fields)
