"""People in care at demo and province scale (300,000 across the real villages), with
realistic names for Qinghai's peoples, valid identity numbers and group mixes."""

import random
from datetime import date, timedelta
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from linli.accounts.roles import Domain, domain_mask
from linli.core.names import person_name
from linli.core.pinyin import pinyin_keys
from linli.orgs.models import Kind, Organisation
from linli.people import identity
from linli.people.models import Group, GroupMembership, Living, Person, Risk
from linli.regions.models import Level, Region

SIZES = {"demo": {"counties": ["630102", "630202"], "people": 2_000},
         "province": {"counties": None, "people": 300_000}}
# Where each people mostly lives (prefecture or county code prefix → weights by people).
PEOPLES_BY_AREA = [
    ("630225", {"撒拉族": 60, "回族": 15, "藏族": 15, "汉族": 10}),
    ("630224", {"回族": 50, "藏族": 25, "汉族": 25}),
    ("630222", {"回族": 45, "土族": 20, "汉族": 35}),
    ("630223", {"土族": 35, "汉族": 55, "藏族": 10}),
    ("6326", {"藏族": 90, "汉族": 7, "回族": 3}), ("6327", {"藏族": 95, "汉族": 5}),
    ("6323", {"藏族": 70, "蒙古族": 8, "汉族": 15, "回族": 7}),
    ("6325", {"藏族": 60, "汉族": 30, "回族": 10}),
    ("6328", {"汉族": 60, "蒙古族": 15, "藏族": 15, "回族": 10}),
    ("6322", {"汉族": 40, "回族": 30, "藏族": 25, "蒙古族": 5}),
    ("63", {"汉族": 65, "回族": 20, "藏族": 10, "土族": 5}),
]
# profile: share, age range, group choices (each a list of codes), living choices
PROFILES = [
    (0.62, (60, 98), [["elderly_alone"], ["elderly_empty_nest"], ["elderly_left_behind"],
                      ["elderly_disabled"], ["elderly_advanced_age"],
                      ["elderly_alone", "dibao"], ["elderly_assistance", "tekun"],
                      ["elderly_severe_disability", "disabled"],
                      ["elderly_family_planning"]],
     [Living.ALONE, Living.EMPTY_NEST, Living.LEFT_BEHIND, Living.WITH_SPOUSE]),
    (0.14, (1, 17), [["left_behind_child"], ["left_behind_child"], ["difficulty_poverty",
                                                                     "dibao"],
                     ["difficulty_disability", "disabled"], ["orphan"],
                     ["de_facto_unsupported"], ["difficulty_guardianship"],
                     ["prisoners_child"]],
     [Living.WITH_GUARDIAN, Living.LEFT_BEHIND]),
    (0.10, (18, 59), [["disabled"], ["disabled", "dibao"]], [Living.WITH_CHILDREN,
                                                             Living.WITH_SPOUSE]),
    (0.10, (18, 59), [["dibao"], ["tekun"], ["dibao_edge"], ["poverty_monitoring"],
                      ["women_left_behind"], ["poor_family"], ["unemployed"]],
     [Living.WITH_SPOUSE, Living.WITH_CHILDREN, Living.LEFT_BEHIND]),
    (0.04, (16, 59), [["mental_disorder"], ["community_correction"], ["troubled_youth"],
                      ["migrant_worker"]], [Living.WITH_CHILDREN, Living.OTHER]),
]
CRITERIA = ["服刑在押", "重残", "失联", "重病"]


@lru_cache(maxsize=50_000)
def _keys(name: str) -> tuple[str, str]:
    return pinyin_keys(name)


def _people_weights(code: str) -> dict[str, int]:
    return next(w for prefix, w in PEOPLES_BY_AREA if code.startswith(prefix))


class _Numbers:
    """Valid, unique identity numbers (address code at issue = the county)."""

    def __init__(self):
        self.used: set[str] = set(Person.objects.exclude(id_hash="").values_list("id_hash",
                                                                                flat=True))
        self.taken: set[str] = set()

    def make(self, rng, county: str, birth: date, sex: str) -> str:
        while True:
            seq = rng.randint(0, 99) * 10 + (rng.choice((1, 3, 5, 7, 9)) if sex == "M"
                                             else rng.choice((0, 2, 4, 6, 8)))
            body = f"{county}{birth:%Y%m%d}{seq:03d}"
            number = body + identity.CHECK[sum(int(d) * w for d, w in zip(
                body, identity.WEIGHTS, strict=True)) % 11]
            if number not in self.taken and identity.lookup_hash(number) not in self.used:
                self.taken.add(number)
                return number


def _person(rng, numbers, village: Region, profile, groups, orgs_by_village, today):
    _share, (low, high), choices, living = profile
    weights = _people_weights(village.code)
    people = rng.choices(list(weights), list(weights.values()))[0]
    name, _ = person_name(rng, people)
    birth = today - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 300))
    sex = rng.choice("MF")
    codes = rng.choice(choices)
    person = Person(name=name, region_id=village.pk, region_code=village.code,
                    ethnicity=people, sex=sex, birth_date=birth, living=rng.choice(living),
                    risk=rng.choices([Risk.LOW, Risk.MEDIUM, Risk.HIGH], [70, 24, 6])[0],
                    address=f"{village.name}{rng.randint(1, 200)}号",
                    domain_mask=domain_mask({groups[c].domain for c in codes}
                                            or {Domain.GENERAL}))
    person.name_pinyin, person.name_initials = _keys(name)
    if rng.random() < 0.97:  # a few have no number yet (未落户, 证件遗失)
        number = numbers.make(rng, village.code[:6], birth, sex)
        person.id_encrypted = identity.encrypt(number)
        person.id_hash, person.id_masked = identity.lookup_hash(number), identity.mask(number)
    else:
        person.no_id_reason = rng.choice(["未落户", "证件遗失待补办"])
    candidates = orgs_by_village.get(village.code)
    if candidates and rng.random() < 0.6:
        person.organisation_id = rng.choice(candidates)
    return person, codes


def seed_people(*, size: str, stdout) -> None:
    plan = SIZES[size]
    if Person.objects.count() >= plan["people"] * 0.9:
        stdout.write("关爱对象:已存在,跳过")
        return
    rng = random.Random(f"linli-people-{size}")
    villages = Region.objects.filter(level=Level.VILLAGE)
    if plan["counties"]:
        villages = villages.filter(parent__parent__code__in=plan["counties"])
    villages = list(villages.order_by("code"))
    groups = {g.code: g for g in Group.objects.all()}
    orgs_by_village: dict[str, list[int]] = {}
    for pk, code in Organisation.objects.filter(kind=Kind.COMMUNITY).values_list(
            "pk", "region_code"):
        orgs_by_village.setdefault(code, []).append(pk)
    numbers, today = _Numbers(), timezone.localdate()
    shares = [p[0] for p in PROFILES]
    for start in range(0, plan["people"], 20_000):
        batch, links = [], []
        for _ in range(min(20_000, plan["people"] - start)):
            profile = rng.choices(PROFILES, shares)[0]
            person, codes = _person(rng, numbers, rng.choice(villages), profile, groups,
                                    orgs_by_village, today)
            batch.append(person)
            links.append(codes)
        with transaction.atomic():
            Person.objects.bulk_create(batch, batch_size=5000)
            GroupMembership.objects.bulk_create([
                GroupMembership(person=p, group=groups[c], source="演示数据",
                                started_on=today - timedelta(days=rng.randint(30, 1500)),
                                criterion=rng.choice(CRITERIA) if groups[c].needs_criterion
                                else "")
                for p, codes in zip(batch, links, strict=True) for c in codes], batch_size=5000)
    stdout.write(f"关爱对象:{plan['people']:,} 人")
