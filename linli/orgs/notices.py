"""Who hears of a filing's step, and what they read: the filing body when a filing arrives
or comes back corrected, the filer when the body returns or refuses it; and, each day, the
body of every filing past its review deadline."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.models import Membership, User
from linli.accounts.roles import Role
from linli.core.notifications import notify, settle
from linli.orgs.models import Filing, FilingStatus

REVIEWER_ROLES = (Role.TOWNSHIP_ASSISTANT, Role.VILLAGE_STAFF)  # as services.is_filing_body


def filers(filing: Filing) -> set[User]:
    """Whoever submitted it, and the organisation's own staff (they correct it too)."""
    staff = Membership.objects.filter(is_active=True, role=Role.ORG_STAFF,
                                      organisation_id=filing.organisation_id)
    return {filing.submitted_by, *(m.user for m in staff.select_related("user"))}


def filing_body(filing: Filing) -> set[User]:
    members = Membership.objects.filter(is_active=True, role__in=REVIEWER_ROLES,
                                        region_code=filing.filing_region_code)
    return {m.user for m in members.select_related("user")}


def _message(filing: Filing, action: str) -> tuple[str, str, set[User]] | None:
    names = {"o": filing.organisation.name, "k": filing.get_kind_display(),
             "b": filing.filing_region.name, "c": filing.decision_comment}
    if action == "return":
        return (_("备案被退回补正:%(o)s") % names,
                _("%(b)s退回了“%(o)s”的%(k)s,理由:%(c)s。请补正后重新提交。") % names,
                filers(filing))
    if action == "reject":
        return (_("不予备案:%(o)s") % names,
                _("%(b)s对“%(o)s”的%(k)s决定不予备案,理由:%(c)s。") % names, filers(filing))
    if action == "submit":
        return (_("新的备案申请,待审核:%(o)s") % names,
                _("“%(o)s”提交了%(k)s,请在审核期限内审核。") % names, filing_body(filing))
    if action == "resubmit":
        return (_("备案已重新提交,待审核:%(o)s") % names,
                _("“%(o)s”补正后重新提交了%(k)s,请审核。") % names, filing_body(filing))
    return None


def filing_transitioned(*, actor, filing: Filing, action: str) -> None:
    """Tell those whose action the filing now waits for (never the actor themselves); what
    it asked of anyone else before is done."""
    link = reverse("orgs:filing_detail", args=[filing.pk])
    message = _message(filing, action)
    me = access_for(actor).user_id
    users = [u for u in message[2] if u.pk != me] if message else []
    settle(link, waiting=users)
    if message:
        title, body, _users = message
        notify(users, title=title, body=body, link=link, urgent=action == "return")


def overdue_reviews_send(*, today: date | None = None) -> int:
    """The daily job: the filing body of each filing still waiting past its due date hears
    of it, urgently (one notification per filing, brought up to date while unread)."""
    today = today or timezone.localdate()
    overdue = (Filing.objects.filter(status=FilingStatus.SUBMITTED, due_on__lt=today)
               .select_related("organisation", "filing_region"))
    sent = 0
    for filing in overdue.iterator(chunk_size=500):
        days = (today - filing.due_on).days
        names = {"o": filing.organisation.name, "k": filing.get_kind_display(), "d": days,
                 "due": filing.due_on.isoformat()}
        users = filing_body(filing)
        notify(users, title=_("备案审核已逾期 %(d)d 天:%(o)s") % names,
               body=_("“%(o)s”的%(k)s审核期限为 %(due)s,已逾期 %(d)d 天,请尽快审核。") % names,
               link=reverse("orgs:filing_detail", args=[filing.pk]), urgent=True)
        sent += bool(users)
    return sent
