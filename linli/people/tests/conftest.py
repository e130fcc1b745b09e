import pytest

from conftest import OUR_VILLAGE
from linli.people import services

# Valid numbers (GB 11643 check digits), born 1948, 1980, 2015 and 2019.
OLD_MAN = "632301194801010015"
WOMAN = "632301198001010023"
CHILD = "630102201506010027"
TODDLER = "630102201903040019"


def register(actor, name="张秀英", id_number=WOMAN, village=OUR_VILLAGE, groups=None, **fields):
    return services.person_register(actor=actor, name=name, region_code=village,
                                    id_number=id_number, groups=groups or [], **fields).person


@pytest.fixture
def elder(personas):
    return register(personas.village, name="马福寿", id_number=OLD_MAN,
                    groups=[{"code": "elderly_alone", "source": "村委会摸排"}])


@pytest.fixture
def child(personas):
    return register(personas.village, name="才让卓玛", id_number=CHILD,
                    groups=[{"code": "left_behind_child"}])
