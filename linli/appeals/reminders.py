"""The daily reminders of appeals past their step's due time: the unit that must act (the
place's staff, or the unit a referral went to) is told urgently, and the level above it
is told that its unit is late. A reminder still unread is brought up to date, not
repeated (core.notifications.notify)."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Membership
from linli.accounts.roles import Role, domains_for
from linli.appeals.models import OPEN_STATUSES, Appeal, Referral, ReferralStatus
from linli.appeals.services import appeal_link, place_staff, unit_staff
from linli.core.notifications import notify
from linli.regions.models import CODE_LENGTHS

SUPERVISING = (Role.COUNTY_BUREAU, Role.PREFECTURE_BUREAU, Role.PROVINCE_BUREAU)


def _above(code: str) -> str:
    """The code of the region one level above ``code`` (the province has none)."""
    lengths = sorted(CODE_LENGTHS.values())
    shorter = [n for n in lengths if n < len(code)]
    return code[:shorter[-1]] if shorter else ""


def _supervisors(code: str, domain: str, cache: dict) -> set:
    """The civil-affairs staff of the region ``code`` (a bureau, not a village's clerk)
    whose role or bureau covers the appeal's data domain."""
    if code not in cache:
        cache[code] = list(Membership.objects.filter(
            is_active=True, region_code=code, role__in=SUPERVISING).select_related("user"))
    return {m.user for m in cache[code] if domain in domains_for(m.role, m.bureau)}


def _acting(appeal: Appeal, cache: dict) -> tuple[set, str]:
    """Who must act now, and the region whose bureau answers for them (the staff of one
    unit read once a run: thousands of overdue appeals share a few hundred units)."""
    referral = next(iter(appeal.open_referrals), None)
    domain = appeal.category.domain
    if referral is None:
        # the place takes it in, handles it or calls back: the county answers for its villages
        key = ("place", appeal.region_code, appeal.organisation_id, domain)
        if key not in cache:
            cache[key] = place_staff(appeal)
        return cache[key], appeal.region_code[:6]
    key = ("unit", referral.to_force_id, referral.to_region_code, domain)
    if key not in cache:
        cache[key] = unit_staff(referral)
    above = appeal.region_code[:6] if referral.to_force_id else _above(referral.to_region_code)
    return cache[key], above


def reminders_send(now=None) -> dict[str, int]:
    now = now or timezone.now()
    waiting = Referral.objects.filter(status__in=(ReferralStatus.WAITING, ReferralStatus.TAKEN))
    overdue = (Appeal.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now)
               .select_related("category", "region")
               .prefetch_related(Prefetch("referrals", queryset=waiting.select_related(
                   "to_region", "to_force"), to_attr="open_referrals"))
               .order_by("due_at"))
    sent, cache, staff = {"appeals": 0, "acting": 0, "above": 0}, {}, {}
    for appeal in overdue:
        acting, answering = _acting(appeal, staff)
        hours = int((now - appeal.due_at).total_seconds() // 3600)
        what = {"n": appeal.requester_name, "c": appeal.category.name,
                "s": appeal.get_status_display(), "r": appeal.region.name, "h": hours}
        sent["appeals"] += 1
        body, link = _("%(r)s · 已超时 %(h)d 小时") % what, appeal_link(appeal)
        sent["acting"] += notify(acting, title=_("诉求已超过办理时限:%(n)s(%(c)s,%(s)s)") % what,
                                 body=body, link=link, urgent=True)
        above = (_supervisors(answering, appeal.category.domain, cache) - acting
                 if answering else set())
        sent["above"] += notify(above, title=_("下级诉求逾期未办:%(n)s(%(c)s,%(s)s)") % what,
                                body=body, link=link)
    return sent


