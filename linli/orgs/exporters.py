"""Organisations out: the Excel list and the Open Referral HSDS 3.0 directory."""

import uuid

from django.utils.translation import gettext as _

from linli.core.excel import write_xlsx
from linli.orgs.models import Organisation, Status

# Stable ids: the same organisation keeps the same HSDS uuid across exports.
HSDS_NAMESPACE = uuid.UUID("6f2b8a36-3c55-4b8e-9d0e-6c1f3a6b0a63")

EXPORT_HEADERS = [_("组织名称"), _("组织类型"), _("类别"), _("统一社会信用代码"), _("活动地域"),
                  _("备案/登记机关"), _("负责人"), _("负责人电话"), _("活动场所"), _("成员人数"),
                  _("业务范围"), _("服务对象"), _("成立日期"), _("状态"), _("备案编号"),
                  _("备案日期")]


def organisations_xlsx(organisations) -> bytes:
    def rows():
        for org in organisations.prefetch_related("target_groups").iterator(chunk_size=2000):
            yield [org.name, org.get_kind_display(), org.get_category_display(),
                   org.credit_code, org.region.path, org.authority_region.name, org.leader_name,
                   org.leader_phone, org.address, org.members_count, org.business_scope,
                   "、".join(g.name for g in org.target_groups.all()), org.founded_on,
                   org.get_status_display(), org.filing_number, org.filed_on]

    return write_xlsx([str(h) for h in EXPORT_HEADERS], rows(), title=_("社会组织名录"))


def _hsds_id(kind: str, pk: int) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, f"{kind}:{pk}"))


_SERVICE_STATUS = {Status.ACTIVE: "active", Status.SUSPENDED: "temporarily closed",
                   Status.PENDING: "inactive", Status.DEREGISTERED: "defunct"}


def hsds_organization(org: Organisation) -> dict:
    """One HSDS 3.0 organization with its service and location. No personal data: the
    负责人 and their phone stay out; only the organisation's public facts go in."""
    org_id = _hsds_id("organization", org.pk)
    groups = [g.name for g in org.target_groups.all()]
    description = org.business_scope or _("%(kind)s,%(cat)s") % {
        "kind": org.get_kind_display(), "cat": org.get_category_display()}
    record = {
        "id": org_id,
        "name": org.name,
        "description": description,
        "legal_status": org.get_kind_display(),
        "organization_identifiers": [],
        "services": [{
            "id": _hsds_id("service", org.pk),
            "organization_id": org_id,
            "name": org.name,
            "description": description,
            "status": _SERVICE_STATUS[org.status],
            "eligibility_description": "、".join(groups) if groups else None,
            "last_modified": org.updated_at.isoformat(),
        }],
        "locations": [{
            "id": _hsds_id("location", org.pk),
            "organization_id": org_id,
            "location_type": "physical",
            "name": org.region.name,
            "description": org.region.path,
        }],
    }
    if org.founded_on:
        record["year_incorporated"] = org.founded_on.year
    if org.credit_code:
        record["tax_id"] = org.credit_code
        record["organization_identifiers"].append({
            "id": _hsds_id("identifier", org.pk), "organization_id": org_id,
            "identifier_scheme": "CN-USCC", "identifier_type": "统一社会信用代码",
            "identifier": org.credit_code})
    if not record["services"][0]["eligibility_description"]:
        del record["services"][0]["eligibility_description"]
    return record


def hsds_directory(organisations) -> list[dict]:
    rows = organisations.exclude(status__in=[Status.PENDING, Status.DEREGISTERED])
    return [hsds_organization(org) for org in rows.prefetch_related("target_groups")]
