import pytest
from django.utils import timezone

from conftest import OUR_VILLAGE, make_user, sign_in
from linli.accounts.roles import Role
from linli.people.tests.conftest import OLD_MAN, register
from linli.visits.models import Schedule, Visit
from linli.visits.seeds import ensure_policies
from linli.visits.services import schedules_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_recorded_without_signal_arrives_once_when_it_returns(page):
    staff = make_user("cunwei", Role.VILLAGE_STAFF, OUR_VILLAGE)
    ensure_policies()
    elder = register(staff, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    schedules_refresh([elder.pk])

    sign_in(page, "cunwei")
    page.goto("/visits/record/")
    page.evaluate("navigator.serviceWorker.ready")  # the page is installed for offline use

    page.context.set_offline(True)
    page.reload()  # served by the service worker without any network
    page.select_option("#person", str(elder.pk))
    page.click("label[for=outcome-attention]")
    page.fill("#notes", "牧区无信号,老人咳嗽")
    page.click("#save-visit")
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
