"""Demo facilities, canteens, community positions and services (demo size only): the
positions are invented around each county's seat, not surveyed ones."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from linli.care.models import (
    Canteen,
    CommunityLocation,
    Facility,
    FacilityLevel,
    ServiceKind,
    ServiceRecord,
)
from linli.people.models import Person
from linli.regions.models import Level, Region

# county seat (lat, lon) for the demo counties
SEATS = {"630102": (36.618, 101.800), "630202": (36.481, 102.402)}


def seed_care(*, size: str, stdout) -> None:
    if size != "demo" or Facility.objects.exists():
        return
    rng = random.Random("linli-care")
    locations, facilities, canteens = [], [], []
    for county, (lat, lon) in SEATS.items():
        villages = Region.objects.filter(level=Level.VILLAGE, code__startswith=county)
        for village in villages:
            point = (lat + rng.uniform(-0.08, 0.08), lon + rng.uniform(-0.1, 0.1))
            locations.append(CommunityLocation(region=village, region_code=village.code,
                                               latitude=Decimal(f"{point[0]:.6f}"),
                                               longitude=Decimal(f"{point[1]:.6f}")))
            if rng.random() < 0.35:
                facilities.append(Facility(
                    name=f"{village.name.replace('居民委员会', '').replace('村民委员会', '村')}"
                         f"{rng.choice(['日间照料中心', '互助幸福院'])}",
                    level=FacilityLevel.VILLAGE, kind="日间照料中心", region=village,
                    region_code=village.code, beds=rng.randint(0, 20),
                    latitude=Decimal(f"{point[0] + rng.uniform(-0.004, 0.004):.6f}"),
                    longitude=Decimal(f"{point[1] + rng.uniform(-0.004, 0.004):.6f}")))
            if rng.random() < 0.05:
                canteens.append(Canteen(name=f"{village.name[:4]}老年幸福食堂", kind="happy",
                                        region=village, region_code=village.code,
                                        seats=rng.randint(10, 60)))
    CommunityLocation.objects.bulk_create(locations, batch_size=2000)
    Facility.objects.bulk_create(facilities, batch_size=2000)
    Canteen.objects.bulk_create(canteens, batch_size=2000)
    from linli.accounts.models import User

    recorder = User.objects.filter(username="chengdong").first()
    if recorder:
        now = timezone.now()
        people = list(Person.objects.filter(region_code__startswith="630102").values_list(
            "pk", "region_code", "organisation_id")[:600])
        ServiceRecord.objects.bulk_create([
            ServiceRecord(person_id=pk, region_code=code, organisation_id=org,
                          kind=rng.choice(ServiceKind.values[:12]), recorded_by=recorder,
                          served_at=now - timedelta(days=rng.randint(0, 60)),
                          duration_minutes=rng.choice([30, 60, 90, 120]))
            for pk, code, org in people], batch_size=2000)
    stdout.write(f"服务与助餐:设施 {len(facilities)},助餐点 {len(canteens)},"
                 f"村(社区)位置 {len(locations)}")
