"""The household view (「一户一条救助链」): the members and their groups, the surveys,
appeals and referrals, visits and services of all of them, and the joint notes — with who
is doing what, and where help looks missing (a flag not referred) or duplicated (two open
referrals of one kind) — each part cut to what the actor may see."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch
from django.utils.translation import gettext as _

from linli.appeals.models import CaseNote, ReferralStatus, Survey
from linli.appeals.selectors import appeals_visible
from linli.appeals.surveys import surveys_visible
from linli.people.models import GroupMembership, Person
from linli.people.selectors import person_get, visible, visible_people


@dataclass
class Household:
    person: Person
    members: list[Person]
    surveys: list[Survey]
    appeals: list
    visits: list
    services: list[dict]
    notes: list[CaseNote]
    doing: list[tuple[str, str]] = field(default_factory=list)  # unit, what it does
    warnings: list[str] = field(default_factory=list)


def household_of(*, actor, pk: int) -> Household:
    from linli.care.models import ServiceRecord
    from linli.visits.models import Visit

    person = person_get(actor=actor, pk=pk)
    members = visible_people(actor).filter(pk=person.pk)
    if person.household_id:
        members = visible_people(actor).filter(household_id=person.household_id)
    current = GroupMembership.objects.filter(ended_on__isnull=True).select_related("group")
    members = list(members.prefetch_related(Prefetch("group_memberships", queryset=current))
                   .order_by("birth_date", "pk"))
    ids = [m.pk for m in members]
    surveys = list(surveys_visible(actor).filter(person_id__in=ids)
                   .select_related("surveyor", "appeal").order_by("-surveyed_on")[:10])
    appeals = list(appeals_visible(actor).filter(person_id__in=ids)
                   .select_related("category", "person")
                   .prefetch_related("referrals__to_force", "referrals__to_region",
                                     "referrals__assistance")
                   .order_by("-created_at")[:20])
    visits = list(visible(Visit.objects.filter(person_id__in=ids), actor, "person__")
                  .values("visitor__full_name", "visitor__username")
                  .annotate(n=Count("pk"), last=Max("visited_at"))
                  .order_by("-last"))
    services = list(visible(ServiceRecord.objects.filter(person_id__in=ids), actor, "person__")
                    .values("organisation__name", "kind").annotate(n=Count("pk"),
                                                                   last=Max("served_at"))
                    .order_by("-last")[:20])
    notes = list(visible(CaseNote.objects.filter(person_id__in=ids), actor)
                 .select_related("author")[:30])
    found = Household(person, members, surveys, appeals, visits, services, notes)
    _who_does_what(found)
    return found


def _who_does_what(found: Household) -> None:
    from linli.care.models import ServiceKind

    doing, open_kinds = [], Counter()
    for member in found.members:
        if member.organisation_id:
            doing.append((str(member.organisation), _("责任社会组织(%(n)s)") % {"n": member.name}))
    for appeal in found.appeals:
        for referral in appeal.referrals.all():
            doing.append((referral.unit_name, _("%(k)s · %(s)s") % {
                "k": referral.assistance.name, "s": referral.get_status_display()}))
            if referral.status in (ReferralStatus.WAITING, ReferralStatus.TAKEN):
                open_kinds[referral.assistance.name] += 1
    for row in found.visits:
        visitor = row["visitor__full_name"] or row["visitor__username"]
        doing.append((visitor, _("探访 %(n)d 次(最近 %(d)s)") % {
            "n": row["n"], "d": f"{row['last']:%Y-%m-%d}"}))
    for row in found.services:
        doing.append((row["organisation__name"] or _("村(社区)"), _("%(k)s %(n)d 次") % {
            "k": ServiceKind(row["kind"]).label, "n": row["n"]}))
    for survey in found.surveys:
        doing.append((survey.surveyor.display_name, _("家庭经济状况调查(%(d)s)") % {
            "d": f"{survey.surveyed_on:%Y-%m-%d}"}))
        if survey.flags and survey.appeal_id is None:
            found.warnings.append(_("%(d)s 的调查提示“%(f)s”,尚未转介") % {
                "d": f"{survey.surveyed_on:%Y-%m-%d}", "f": "、".join(survey.flag_labels())})
    for kind, n in open_kinds.items():
        if n > 1:
            found.warnings.append(_("同一户有 %(n)d 个未办结的“%(k)s”转介,请核对是否重复") % {
                "n": n, "k": kind})
    found.doing = doing
