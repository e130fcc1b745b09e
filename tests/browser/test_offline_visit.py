import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from conftest import OUR_VILLAGE, PASSWORD, make_user, sign_in
from linli.accounts.roles import Role
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits.models import Schedule, Visit
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Waits run in the page as one evaluated function (page.wait_for_function polls with a
# string the CSP refuses to evaluate).
PAGES_KEPT = """async () => {
  for (let i = 0; i < 150; i++) {
    const cache = await caches.open('linli-visits-pages');
    if (await cache.match('/visits/') && await cache.match('/visits/record/')) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}"""


@pytest.fixture
def elder(db):
    staff = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    ensure_policies()
    person = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}],
                      address="北关街 12 号", phone="13909710001")
    schedules_refresh([person.pk])
    return person


def test_a_visit_recorded_without_signal_arrives_once_when_it_returns(page, elder):
    sign_in(page, "cunwei")
    page.goto("/visits/record/")
    page.evaluate("navigator.serviceWorker.ready")  # the page is installed for offline use

    page.context.set_offline(True)
    page.reload()  # served by the service worker without any network
    page.select_option("#person", str(elder.pk))
    page.click("label[for=outcome-attention]")
    page.fill("#notes", "牧区无信号,老人咳嗽")
    page.click("#save-visit")
    page.wait_for_selector("#save-status:text-is('已离线保存,联网后自动上传')")
    assert page.locator("#queue-count").inner_text() == "1"
    page.click("#sync-now")  # a tap while still offline changes nothing
    assert page.locator("#queue-count").inner_text() == "1"
    assert Visit.objects.count() == 0

    # the same visit queued twice (a retry after a lost answer) must still be recorded once
    page.evaluate("""() => { const q = JSON.parse(localStorage.getItem('linli-visit-queue'));
                             q.push(q[0]); localStorage.setItem('linli-visit-queue', JSON.stringify(q)); }""")
    page.context.set_offline(False)
    page.click("#sync-now")
    page.wait_for_selector("#queue-count:text-is('0')")  # a selector wait: no eval under the CSP
    visit = Visit.objects.get()
    assert (visit.person_id, visit.outcome, visit.offline) == (elder.pk, "attention", True)
    assert Schedule.objects.get(person=elder).last_visit_on == timezone.localdate()


def test_the_work_list_and_the_record_page_work_offline_from_the_cache(page, elder):
    sign_in(page, "cunwei")
    page.goto("/visits/")  # any page under /visits/ installs the worker, which keeps both
    assert page.evaluate(PAGES_KEPT)

    page.context.set_offline(True)
    page.goto("/visits/")
    page.wait_for_selector("[data-offline-note]:visible")
    page.click(f"#worklist a[href='/visits/record/?person={elder.pk}']")
    page.wait_for_url(f"**/visits/record/?person={elder.pk}")
    assert page.locator("#person").input_value() == str(elder.pk)  # chosen from the address
    assert page.locator("#card-address").inner_text() == "北关街 12 号"
    page.fill("#notes", "离线记录")
    page.click("#save-visit")
    page.wait_for_selector("#save-status:has-text('已离线保存,联网后自动上传')")
    assert page.locator("#person").input_value() == ""  # ready for the next person
    assert page.locator("#notes").input_value() == ""
    waiting = page.locator("#queue-list li").all_inner_texts()
    assert len(waiting) == 1 and waiting[0].startswith("马福寿 · ")  # name and time

    page.goto("/visits/rate/")  # not kept: our own offline page, not the browser's error
    page.wait_for_selector("#offline-page h1:text-is('无网络连接')")
    assert Visit.objects.count() == 0

    page.context.set_offline(False)
    page.goto("/visits/record/")
    page.wait_for_selector("#queue-count:text-is('0')")
    visit = Visit.objects.get()
    assert (visit.person_id, visit.notes, visit.offline) == (elder.pk, "离线记录", True)


def test_an_expired_session_keeps_the_queue_until_the_user_signs_in(page, elder):
    sign_in(page, "cunwei")
    page.goto(f"/visits/record/?person={elder.pk}")
    Session.objects.all().delete()  # signed out on the server (idle timeout, or elsewhere)

    page.fill("#notes", "会话过期时记录")
    page.click("#save-visit")
    page.wait_for_selector("#session-expired:visible")
    assert "登录已过期,请重新登录;待上传的探访记录已保留" in page.inner_text("#session-expired")
    assert page.locator("#queue-count").inner_text() == "1"
    assert Visit.objects.count() == 0

    page.click("#login-again")
    page.fill("#id_username", "cunwei")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/visits/record/")  # back to the page, which sends the queue
    page.wait_for_selector("#queue-count:text-is('0')")
    assert page.locator("#session-expired").is_hidden()
    assert Visit.objects.get().notes == "会话过期时记录"


def test_signing_out_forgets_the_pages_kept_for_offline_use(page, elder):
    sign_in(page, "cunwei")
    page.goto("/visits/")
    assert page.evaluate(PAGES_KEPT)
    page.click("#user-menu")
    page.click("button:text-is('退出登录')")
    page.wait_for_url("**/accounts/login/")
    assert page.evaluate("caches.has('linli-visits-pages')") is False
