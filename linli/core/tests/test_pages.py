import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.accounts.models import Membership, User
from linli.accounts.seeds import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_it_shows_the_dashboard_for_the_users_scope(personas, as_user,
                                                     django_assert_max_num_queries):
    client = as_user(personas.county)
    with django_assert_max_num_queries(28):  # every app adds its cards: keep it bounded
        body = client.get(reverse("core:home")).content.decode()
    assert "辖区村(社区)" in body and ">60</a>" in body  # 城东区 has 60 communities
    assert "县级单位" not in body  # a county has no counties beneath it
    assert "城东区下辖村(社区)分布" in body and "echarts.min.js" in body


def test_it_shows_the_province_everything(personas, as_user):
    body = as_user(personas.province).get(reverse("core:home")).content.decode()
    assert "4,716" in body and "青海省下辖村(社区)分布" in body


def test_it_tells_an_outsider_to_ask_for_a_role(personas, as_user):
    body = as_user(personas.outsider).get(reverse("core:home")).content.decode()
    assert "尚未分配角色和辖区" in body and "辖区村(社区)" not in body


def test_it_lists_only_what_the_user_may_open(personas, as_user):
    county = as_user(personas.county).get(reverse("core:home")).content.decode()
    assert "行政区划" in county and "用户与授权" not in county and "审计日志" not in county
    admin = as_user(personas.admin).get(reverse("core:home")).content.decode()
    assert "用户与授权" in admin and "审计日志" in admin


def test_it_loads_no_asset_from_outside(personas, as_user):
    body = as_user(personas.county).get(reverse("core:home")).content.decode()
    assert "http://" not in body.replace("http://127.0.0.1", "")
    assert "https://" not in body
    assert as_user(personas.county).get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_it_serves_the_api_docs_locally_to_signed_in_users(personas, as_user, client):
    assert client.get("/api/v1/docs").status_code == 302
    body = as_user(personas.county).get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui" in body and "cdn" not in body.lower()
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/regions/" in schema["paths"]


def test_it_speaks_english_when_asked(personas, as_user):
    client = as_user(personas.county)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("core:home")).content.decode()
    assert 'lang="en"' in body
    assert "Villages and communities" in body and "辖区村(社区)" not in body


def test_it_stays_chinese_for_an_english_browser(personas, as_user):
    client = as_user(personas.county)
    body = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert 'lang="zh-hans"' in body.decode() and "辖区村(社区)" in body.decode()


def test_it_seeds_demo_data_idempotently(db):
    call_command("seed", "--size", "demo", "--quiet-accounts")
    call_command("seed", "--size", "demo", "--quiet-accounts")
    names = [a[0] for a in DEMO_ACCOUNTS]
    assert User.objects.filter(username__in=names).count() == len(names)
    assert Membership.objects.filter(user__username__in=names).count() == len(names)


def test_it_seeds_staff_for_every_region_at_province_size(db):
    import io

    from linli.accounts.seeds import seed_accounts

    seed_accounts(size="province", stdout=io.StringIO())  # the other apps' seeders: bench/
    # one account per village and per township, plus the demo persona of each
    assert Membership.objects.filter(role="village_staff").count() == 4716 + 1
    assert Membership.objects.filter(role="township_assistant").count() == 422 + 1
    seed_accounts(size="province", stdout=io.StringIO())
    assert User.objects.count() == len(DEMO_ACCOUNTS) + 8 + 45 + 422 + 4716


def test_a_figure_below_its_target_is_coloured_and_nobody_due_is_a_dash(personas, as_user):
    from linli.people.tests.conftest import OLD_MAN, register
    from linli.visits.seeds import ensure_policies

    body = as_user(personas.county).get("/").content.decode()
    card = body[body.index("本月探访率"):][:600]
    assert ">—<" in card and "text-danger" not in card  # nobody due: no red 0 %
    ensure_policies()
    register(personas.village, name="马福寿", id_number=OLD_MAN, groups=[{"code": "elderly_alone"}])
    from linli.people.models import Person
    from linli.visits.services import schedules_refresh

    schedules_refresh([Person.objects.get().pk])
    body = as_user(personas.county).get("/").content.decode()
    card = body[body.index("本月探访率"):][:600]
    assert "0%" in card and "text-danger" in card  # one due, none visited


def test_the_home_page_says_when_the_users_domains_filter_its_figures(personas, as_user):
    county = as_user(personas.county).get("/").content.decode()
    assert 'id="domain-note"' not in county
    bureau = as_user(personas.province_elderly).get("/").content.decode()
    assert 'id="domain-note"' in bureau and "儿童与未成年人" in bureau.split('id="domain-note"')[1]
