"""Visits in the field: the record page's cards, the photo (checked by its bytes, stored
outside the web root, shown to those who may see the person), the location, the person's
visit history, the work list's record links and the offline page."""

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from linli.core.errors import Invalid
from linli.people.tests.conftest import CHILD, OLD_MAN, register
from linli.visits import photos, services
from linli.visits.models import Visit
from linli.visits.seeds import ensure_policies
from linli.visits.tests.images import JPEG, data_url, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def photo_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    ensure_policies()
    return tmp_path / "visit-photos"


@pytest.fixture
def elder(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return register(personas.village, name="马福寿", id_number=OLD_MAN,
                        groups=[{"code": "elderly_alone"}], phone="13909710001",
                        address="北关街 12 号", risk="medium")


def _visit(actor, person, **extra):
    fields = {"visit_id": uuid.uuid4(), "person_id": person.pk, "mode": "home",
              "outcome": "normal", "visited_at": timezone.now(), **extra}
    return services.visit_record(actor=actor, **fields)[0]


def _post(client, person, **extra):
    body = {"id": str(uuid.uuid4()), "person_id": person.pk, "mode": "home",
            "outcome": "attention", "visited_at": timezone.now().isoformat(), **extra}
    return client.post("/api/v1/visits/", body, content_type="application/json")


# --- the photo -------------------------------------------------------------------------

def _flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def test_it_stores_a_jpeg_in_the_data_folder_under_the_visits_id(personas, elder, photo_folder):
    visit = _visit(personas.village, elder, photo=JPEG)
    assert re.fullmatch(rf"\d{{4}}/\d{{2}}/{visit.pk}\.jpg", visit.photo)
    stored = photo_folder / visit.photo
    assert stored.read_bytes() == JPEG
    web_roots = [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]
    assert not any(root.resolve() in stored.resolve().parents for root in web_roots)
    assert list(photo_folder.rglob("*.part")) == []


def test_it_takes_a_png_and_names_it_by_its_bytes(personas, elder, photo_folder):
    visit = _visit(personas.village, elder, photo=png())
    assert visit.photo.endswith(".png") and (photo_folder / visit.photo).read_bytes() == png()


def test_it_keeps_one_file_when_the_same_visit_is_sent_again(personas, elder, photo_folder):
    visit_id = uuid.uuid4()
    _visit(personas.village, elder, visit_id=visit_id, photo=JPEG)
    _visit(personas.village, elder, visit_id=visit_id, photo=JPEG)
    assert Visit.objects.count() == 1 and len(list(photo_folder.rglob("*.jpg"))) == 1


@pytest.mark.parametrize("data, message", [
    (b"GIF89a" + b"\x00" * 40, "JPEG 或 PNG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "JPEG 或 PNG"),
    (JPEG[:-2], "JPEG 或 PNG"),  # cut short: no end-of-image marker
    (b"\xff\xd8\xff\xe0" + b"\x00" * 30 + b"\xff\xd9", "JPEG 或 PNG"),  # a header, no frame
    (png()[:-12], "JPEG 或 PNG"),  # no IEND
    (_flipped(png(), png().index(b"IDAT") + 6), "JPEG 或 PNG"),  # IDAT's CRC no longer fits
    (png(20_000, 1), "尺寸"),
])
def test_it_refuses_what_is_not_a_whole_jpeg_or_png(personas, elder, photo_folder, data,
                                                     message):
    with pytest.raises(Invalid) as refused:
        _visit(personas.village, elder, photo=data)
    assert message in refused.value.message and "photo" in refused.value.details
    assert not Visit.objects.exists() and not photo_folder.exists()


def test_it_refuses_a_photo_over_the_size_limit(personas, elder, settings):
    settings.LINLI_VISIT_PHOTO_MAX_BYTES = len(JPEG) - 1
    with pytest.raises(Invalid, match="不能超过"):
        _visit(personas.village, elder, photo=JPEG)
    settings.LINLI_VISIT_PHOTO_MAX_BYTES = len(JPEG)
    assert _visit(personas.village, elder, photo=JPEG).photo


def test_it_takes_the_photo_with_the_visit_over_the_api(personas, as_user, elder, photo_folder):
    response = _post(as_user(personas.village), elder, photo=data_url(JPEG))
    assert response.status_code == 201 and response.json()["has_photo"] is True
    visit = Visit.objects.get()
    assert (photo_folder / visit.photo).read_bytes() == JPEG


@pytest.mark.parametrize("photo", [
    data_url(b"GIF89a" + b"\x00" * 40, "png"), "data:image/jpeg;base64,@@@@",
    "data:image/gif;base64,R0lGODlh", "https://example.com/a.jpg",
])
def test_it_answers_422_to_a_bad_photo_and_records_nothing(personas, as_user, elder,
                                                           photo_folder, photo):
    response = _post(as_user(personas.village), elder, photo=photo)
    assert response.status_code == 422
    assert not Visit.objects.exists() and not photo_folder.exists()


def test_it_shows_the_photo_to_those_who_may_see_the_person(personas, as_user, elder):
    visit = _visit(personas.village, elder, photo=JPEG)
    for user in (personas.village, personas.township, personas.county):
        response = as_user(user).get(f"/visits/photos/{visit.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == JPEG
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_it_hides_the_photo_from_everyone_else(personas, as_user, elder, client):
    visit = _visit(personas.village, elder, photo=JPEG)
    for user in (personas.other_county, personas.outsider, personas.admin):
        assert as_user(user).get(f"/visits/photos/{visit.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/visits/photos/{visit.pk}/").status_code == 302  # to the login page


def test_it_hides_a_childs_photo_from_a_bureau_without_the_childrens_domain(
        personas, as_user):
    child = register(personas.village, name="才让卓玛", id_number=CHILD,
                     groups=[{"code": "left_behind_child"}])
    visit = _visit(personas.village, child, photo=JPEG)
    assert as_user(personas.province_elderly).get(
        f"/visits/photos/{visit.pk}/").status_code == 404
    assert as_user(personas.county).get(f"/visits/photos/{visit.pk}/").status_code == 200


def test_it_answers_404_for_a_visit_without_a_photo_or_a_lost_file(personas, as_user, elder,
                                                                   photo_folder):
    client = as_user(personas.village)
    bare = _visit(personas.village, elder)
    assert client.get(f"/visits/photos/{bare.pk}/").status_code == 404
    lost = _visit(personas.village, elder, photo=JPEG)
    (photo_folder / lost.photo).unlink()
    assert client.get(f"/visits/photos/{lost.pk}/").status_code == 404
    assert client.get(f"/visits/photos/{uuid.uuid4()}/").status_code == 404


def test_it_never_opens_a_stored_name_outside_the_photo_folder():
    with pytest.raises(ValueError):
        photos.path_of("../linli.sqlite3")


# --- the location ----------------------------------------------------------------------

def test_it_keeps_the_location_given_with_consent(personas, as_user, elder):
    response = _post(as_user(personas.village), elder,
                     location={"latitude": 36.623456789, "longitude": 101.778901, "accuracy": 18.4})
    assert response.status_code == 201
    assert response.json()["location"] == {"latitude": 36.623457, "longitude": 101.778901,
                                           "accuracy": 18}
    visit = Visit.objects.get()
    assert (str(visit.latitude), str(visit.longitude), visit.location_accuracy) == (
        "36.623457", "101.778901", 18)


def test_it_needs_no_location(personas, as_user, elder):
    response = _post(as_user(personas.village), elder)
    assert response.status_code == 201 and response.json()["location"] is None
    assert Visit.objects.get().latitude is None


@pytest.mark.parametrize("location", [
    {"latitude": 91, "longitude": 101}, {"latitude": 36, "longitude": -181},
    {"latitude": 36, "longitude": 101, "accuracy": -1}, {"latitude": 36},
    {"latitude": 36, "longitude": 101, "altitude": 3000},
])
def test_it_refuses_a_location_that_is_no_place(personas, as_user, elder, location):
    assert _post(as_user(personas.village), elder, location=location).status_code == 422
    assert not Visit.objects.exists()


def test_the_service_refuses_coordinates_out_of_range(personas, elder):
    with pytest.raises(Invalid) as refused:
        _visit(personas.village, elder, location=services.Location(latitude=float("nan"),
                                                                   longitude=101.0))
    assert "location" in refused.value.details


# --- the record page -------------------------------------------------------------------

def _cards(response) -> dict:
    text = re.search(r'<script id="visit-people" type="application/json">(.*?)</script>',
                     response.content.decode(), re.S).group(1)
    return {card["id"]: card for card in json.loads(text)}


def test_it_ships_what_the_visitor_needs_at_the_door(personas, as_user, elder):
    _visit(personas.village, elder, notes="咳嗽,已劝就医", needs="需要送药上门",
           visited_at=timezone.now() - timedelta(days=3))
    _visit(personas.village, elder, notes="更早的记录", visited_at=timezone.now() - timedelta(days=9))
    response = as_user(personas.village).get("/visits/record/")
    card = _cards(response)[elder.pk]
    assert card["name"] == "马福寿" and card["address"] == "北关街 12 号"
    assert card["phone"] == "13909710001" and card["risk_label"] == "重点"
    assert card["last_visit"] == (timezone.localdate() - timedelta(days=3)).isoformat()
    assert (card["last_notes"], card["last_needs"]) == ("咳嗽,已劝就医", "需要送药上门")
    assert OLD_MAN not in response.content.decode()
    assert OLD_MAN[:6] + "********" + OLD_MAN[-4:] not in response.content.decode()


def test_it_ships_another_countys_people_to_nobody(personas, as_user, elder):
    response = as_user(personas.other_county).get(f"/visits/record/?person={elder.pk}")
    assert _cards(response) == {} and "马福寿" not in response.content.decode()


def test_it_adds_the_person_chosen_from_their_page_even_without_a_schedule(personas, as_user):
    worker = register(personas.village, name="韩麦", groups=[{"code": "migrant_worker"}])
    client = as_user(personas.village)
    assert worker.pk not in _cards(client.get("/visits/record/"))
    assert _cards(client.get(f"/visits/record/?person={worker.pk}"))[worker.pk]["next_due"] is None
    for junk in ("abc", "0", "-1", "٣", "99999999999999999999"):
        assert client.get(f"/visits/record/?person={junk}").status_code == 200


def test_it_lets_only_the_record_page_ask_for_the_position(personas, as_user, elder):
    client = as_user(personas.village)
    record = client.get("/visits/record/")
    assert "geolocation=(self)" in record["Permissions-Policy"]
    assert "camera=()" in record["Permissions-Policy"]
    assert "geolocation=()" in client.get("/visits/")["Permissions-Policy"]


def test_it_names_the_user_of_each_page_the_service_worker_keeps(personas, as_user, elder):
    client = as_user(personas.village)
    for path in ("/visits/", "/visits/record/"):
        assert client.get(path)["X-Linli-User"] == str(personas.village.pk)


# --- the work list, the person's history, the offline page -----------------------------

def test_it_links_each_work_list_row_to_the_record_page(personas, as_user, elder):
    body = as_user(personas.village).get("/visits/?tab=all").content.decode()
    assert f'href="/visits/record/?person={elder.pk}"' in body
    auditor = as_user(personas.auditor).get("/visits/?tab=all").content.decode()
    assert "马福寿" in auditor and "/visits/record/?person=" not in auditor  # no EDIT


def test_it_links_the_person_page_to_the_record_page(personas, as_user, elder):
    link = f'href="/visits/record/?person={elder.pk}"'
    assert link in as_user(personas.village).get(f"/people/{elder.pk}/").content.decode()
    page = as_user(personas.auditor).get(f"/people/{elder.pk}/").content.decode()
    assert "马福寿" in page and link not in page  # no EDIT, nothing to record


def test_it_shows_the_checklist_needs_photo_and_place_on_the_persons_history(
        personas, as_user, elder):
    visit = _visit(personas.village, elder, checklist={"health": "血压偏高", "mood": "情绪稳定"},
                   needs="需要助餐", photo=JPEG,
                   location=services.Location(latitude=36.62345, longitude=101.77891,
                                              accuracy=12))
    body = as_user(personas.county).get(f"/people/{elder.pk}/").content.decode()
    row = re.search(rf'<tr id="visit-{visit.pk}">.*?</tr>', body, re.S).group(0)
    assert "健康:</span>血压偏高" in row and "精神状态:</span>情绪稳定" in row
    assert "需要助餐" in row and f'src="/visits/photos/{visit.pk}/"' in row
    assert "36.62345, 101.77891(±12 米)" in row


def test_it_shows_an_offline_page_without_personal_data(client):
    response = client.get("/visits/offline/")
    assert response.status_code == 200 and "无网络连接" in response.content.decode()
    assert 'href="/visits/record/"' in response.content.decode()


def test_it_keeps_the_pages_and_the_offline_page_in_the_service_worker(client):
    script = client.get("/visits/sw.js").content.decode()
    assert '"/visits/offline/"' in script and '"/visits/record/"' in script
    assert "X-Linli-User" in script and "/static/visits/record.js" in script
