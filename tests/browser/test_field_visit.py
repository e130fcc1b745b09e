"""The record page in the field: reached from a work-list row with the person's card, a
photo compressed on the phone, the position once with consent, the state at the top."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import OUR_VILLAGE, make_user, sign_in
from linli.accounts.roles import Role
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits import photos
from linli.visits.models import Visit
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh, visit_record
from linli.visits.tests.images import png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(db):
    return make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)


@pytest.fixture
def elder(staff, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    ensure_policies()
    person = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}],
                      address="北关街 12 号", phone="13909710001", risk="high")
    schedules_refresh([person.pk])
    return person


def test_a_work_list_row_opens_the_record_page_with_the_persons_card(page, staff, elder):
    visit_record(actor=staff, visit_id=uuid.uuid4(), person_id=elder.pk, mode="home",
                 outcome="attention", visited_at=timezone.now() - timedelta(days=2),
                 notes="咳嗽,已劝就医", needs="需要送药上门")
    sign_in(page, "cunwei")
    page.goto("/visits/?tab=all")
    page.locator("#worklist tr", has_text="马福寿").get_by_role("link", name="记录探访").click()
    page.wait_for_url(f"**/visits/record/?person={elder.pk}")
    assert page.locator("#person").input_value() == str(elder.pk)
    card = page.locator("#person-card")
    assert card.is_visible()
    assert page.inner_text("#card-address") == "北关街 12 号"
    assert page.get_attribute("#card-phone a", "href") == "tel:13909710001"
    assert page.inner_text("#card-risk") == "高风险"
    assert page.inner_text("#card-last") == (timezone.localdate() - timedelta(days=2)).isoformat()
    assert page.inner_text("#card-notes") == "咳嗽,已劝就医"
    assert page.inner_text("#card-needs") == "需要送药上门"

    page.click("#save-visit")
    status = page.wait_for_selector("#save-status.alert-success")
    assert re.fullmatch(r"已保存:马福寿 \d\d:\d\d", status.inner_text())
    assert page.locator("#person").input_value() == "" and card.is_hidden()
    assert Visit.objects.filter(person=elder).count() == 2


def test_a_photo_arrives_compressed_as_jpeg_with_the_position(page, staff, elder, tmp_path):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 36.6231, "longitude": 101.7789, "accuracy": 25})
    sign_in(page, "cunwei")
    page.goto(f"/people/{elder.pk}/")
    page.click("#record-visit")  # straight from the person's page
    page.wait_for_url(f"**/visits/record/?person={elder.pk}")
    assert page.locator("#person").input_value() == str(elder.pk)
    picture = png(2400, 1800)  # a camera-sized picture, generated here
    page.set_input_files("#photo", files=[{"name": "相机.png", "mimeType": "image/png",
                                           "buffer": picture}])
    page.wait_for_selector("#photo-box:visible")
    assert "1280×960" in page.inner_text("#photo-note")
    assert page.locator("#with-location").is_checked() is False  # off until the visitor says
    page.check("#with-location")
    page.wait_for_selector("#location-note:has-text('36.62310, 101.77890')")
    page.fill("#needs", "屋顶漏雨")
    page.click("#save-visit")
    page.wait_for_selector("#save-status.alert-success")

    visit = Visit.objects.get()
    stored = (tmp_path / "visit-photos" / visit.photo).read_bytes()
    assert visit.photo.endswith(".jpg") and photos.image_kind(stored) == "jpg"
    assert photos._jpeg_size(stored) == (1280, 960) and len(stored) < len(picture)
    assert (float(visit.latitude), float(visit.longitude), visit.location_accuracy) == (
        36.6231, 101.7789, 25)
    assert page.locator("#photo-box").is_hidden()  # the form is ready for the next person
    assert page.locator("#with-location").is_checked() is False

    page.goto(f"/people/{elder.pk}/")
    image = page.locator(f"#visit-{visit.pk} img")
    assert image.evaluate("(img) => img.complete && img.naturalWidth") == 1280
    assert "屋顶漏雨" in page.inner_text(f"#visit-{visit.pk}")


def test_a_photo_waits_in_the_phone_while_offline(page, staff, elder, tmp_path):
    sign_in(page, "cunwei")
    page.goto(f"/visits/record/?person={elder.pk}")
    page.evaluate("navigator.serviceWorker.ready")
    page.context.set_offline(True)
    page.set_input_files("#photo", files=[{"name": "a.png", "mimeType": "image/png",
                                           "buffer": png(64, 48)}])
    page.wait_for_selector("#photo-box:visible")
    page.click("#save-visit")
    page.wait_for_selector("#queue-list li:has-text('含照片')")
    # the queue in localStorage stays small: the photo waits in IndexedDB
    assert "base64" not in page.evaluate("localStorage.getItem('linli-visit-queue')")
    page.context.set_offline(False)
    page.click("#sync-now")
    page.wait_for_selector("#queue-count:text-is('0')")
    visit = Visit.objects.get()
    assert photos._jpeg_size((tmp_path / "visit-photos" / visit.photo).read_bytes()) == (64, 48)


def test_another_accounts_waiting_visits_are_kept_for_them_not_sent(page, staff, elder):
    sign_in(page, "cunwei")
    page.goto("/visits/record/")
    # a colleague recorded this on the same phone, offline, and signed out before it went
    page.evaluate("""(id) => localStorage.setItem('linli-visit-queue', JSON.stringify([{
        id: '6f1c2d9e-0000-4000-8000-000000000001', person_id: id, user: '999999',
        visited_at: new Date().toISOString(), mode: 'home', outcome: 'normal',
        label: '马福寿'}]))""", elder.pk)
    page.reload()
    page.wait_for_selector("#queue-others:visible")
    assert page.inner_text("#queue-others-count") == "1"
    assert page.inner_text("#queue-count") == "0"
    page.click("#sync-now")
    page.fill("#notes", "本人的记录")
    page.select_option("#person", str(elder.pk))
    page.click("#save-visit")
    page.wait_for_selector("#save-status.alert-success")
    assert list(Visit.objects.values_list("visitor__username", "notes")) == [("cunwei", "本人的记录")]
    assert "999999" in page.evaluate("localStorage.getItem('linli-visit-queue')")
