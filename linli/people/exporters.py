from django.utils.translation import gettext as _

from linli.core.excel import write_xlsx
from linli.people import identity

HEADERS = [_("姓名"), _("公民身份号码"), _("性别"), _("出生日期"), _("民族"), _("联系电话"),
           _("村(社区)"), _("住址"), _("对象类别"), _("居住状况"), _("风险等级"), _("责任社会组织"),
           _("状态")]


def people_xlsx(people, *, reveal: bool) -> tuple[bytes, int]:
    """The list as xlsx; identity numbers masked unless the exporter may and chose to reveal."""
    count = 0

    def rows():
        nonlocal count
        for p in people.iterator(chunk_size=2000):
            count += 1
            number = identity.decrypt(p.id_encrypted) if reveal and p.id_encrypted else \
                p.id_masked
            yield [p.name, number or _("无"), p.get_sex_display(), p.birth_date, p.ethnicity,
                   p.phone, p.region.path, p.address,
                   "、".join(m.group.name for m in getattr(p, "current_groups", [])),
                   p.get_living_display(), p.get_risk_display(),
                   p.organisation.name if p.organisation_id else "", p.get_status_display()]

    content = write_xlsx([str(h) for h in HEADERS], rows(), title=_("关爱对象名单"))
    return content, count
