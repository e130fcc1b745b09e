"""Who hears of a filing's step, and what they read: the filer when the filing body returns
or refuses it, the filing body when it comes back corrected."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.models import Membership, User
from linli.accounts.roles import Role
from linli.core.notifications import notify
from linli.orgs.models import Filing

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
    if action == "resubmit":
        return (_("备案已重新提交,待审核:%(o)s") % names,
                _("“%(o)s”补正后重新提交了%(k)s,请审核。") % names, filing_body(filing))
    return None


def filing_transitioned(*, actor, filing: Filing, action: str) -> None:
    """Tell those whose action the filing now waits for (never the actor themselves)."""
    message = _message(filing, action)
    if message is None:
        return
    title, body, users = message
    me = access_for(actor).user_id
    notify([u for u in users if u.pk != me], title=title, body=body,
           link=reverse("orgs:filing_detail", args=[filing.pk]), urgent=action == "return")
