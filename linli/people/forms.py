from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Role
from linli.core.bounds import INT_MAX, BoundedDateField
from linli.core.forms import BootstrapMixin
from linli.core.pickers import MultiPickerField, PickerField, PickerForm
from linli.people.groups import DE_FACTO_CRITERIA
from linli.people.models import (
    ETHNICITIES,
    CloseReason,
    DisabilityCategory,
    DisabilityGrade,
    Group,
    Living,
    Risk,
    Sex,
)
from linli.regions.models import Level

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _group_choices():
    return [(g.code, f"{g.parent.name} · {g.name}" if g.parent_id else g.name)
            for g in Group.objects.select_related("parent")]


class PersonForm(PickerForm, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=32)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=24, required=False,
                                help_text=_("18 位;全角数字、空格、小写 x 会自动规范"))
    no_id_reason = forms.CharField(label=_("无身份证号原因"), max_length=100, required=False)
    birth_date = BoundedDateField(label=_("出生日期"), required=False, widget=DATE,
                                 help_text=_("有身份证号时按身份证号确定"))
    sex = forms.ChoiceField(label=_("性别"), choices=[("", "—"), *Sex.choices], required=False)
    ethnicity = forms.ChoiceField(label=_("民族"), required=False,
                                  choices=[("", "—")] + [(e, e) for e in ETHNICITIES])
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    region_code = PickerField("regions", label=_("村(社区)"), options={"level": Level.VILLAGE},
                              placeholder=_("村(社区)名称,如 北关社区"))
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    living = forms.ChoiceField(label=_("居住状况"), choices=[("", "—"), *Living.choices],
                               required=False)
    health = forms.CharField(label=_("健康状况"), max_length=200, required=False)
    disability_category = forms.ChoiceField(label=_("残疾类别"),
                                            choices=DisabilityCategory.choices, required=False)
    disability_grade = forms.TypedChoiceField(label=_("残疾等级"), coerce=int, empty_value=None,
                                              choices=[("", "—"), *DisabilityGrade.choices],
                                              required=False)
    risk = forms.ChoiceField(label=_("风险等级"), choices=Risk.choices, initial=Risk.LOW)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                                 max_value=INT_MAX)

    def clean(self):
        # The hidden field's own error is never shown next to it: say it on top.
        if "version" in self.errors:
            self.add_error(None, _("页面已过期,请刷新后重新编辑"))
        return super().clean()


class GroupForm(BootstrapMixin, forms.Form):
    code = forms.ChoiceField(label=_("类别"))
    started_on = BoundedDateField(label=_("起始日期"), required=False, widget=DATE)
    source = forms.CharField(label=_("来源"), max_length=64, required=False,
                             help_text=_("如:民政系统认定、村委会摸排"))
    criterion = forms.ChoiceField(label=_("认定情形(事实无人抚养儿童)"), required=False,
                                  choices=[("", "—")] + [(c, c) for c in DE_FACTO_CRITERIA])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = _group_choices()


class ContactForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=32)
    relation = forms.CharField(label=_("关系"), max_length=16)
    phone = forms.CharField(label=_("电话"), max_length=32, required=False)
    is_guardian = forms.BooleanField(label=_("监护人"), required=False)


class ConsentForm(BootstrapMixin, forms.Form):
    purpose = forms.CharField(label=_("用途"), max_length=200,
                              initial=_("关爱服务登记、探访与转介"))
    given_by = forms.CharField(label=_("同意人"), max_length=32)
    relation = forms.CharField(label=_("与本人关系"), max_length=16, initial="本人")
    given_on = BoundedDateField(label=_("同意日期"), widget=DATE)


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("销册原因"), choices=CloseReason.choices)
    on = BoundedDateField(label=_("销册日期"), required=False, widget=DATE)


class FilterForm(PickerForm, BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("姓名/拼音/首字母/电话"), required=False)
    group = forms.ChoiceField(label=_("类别"), required=False)
    risk = forms.ChoiceField(label=_("风险"), required=False,
                             choices=[("", _("全部")), *Risk.choices])
    region = PickerField("regions", label=_("区划"), required=False,
                         placeholder=_("区划名称,如 北关社区"))
    status = forms.ChoiceField(label=_("状态"), required=False, initial="active",
                               choices=[("active", _("在册")), ("closed", _("已销册")),
                                        ("", _("全部"))])
    unassigned = forms.BooleanField(label=_("未分配组织"), required=False)
    no_id = forms.BooleanField(label=_("无身份证号"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("全部类别")), *_group_choices()]


class AssignForm(PickerForm, BootstrapMixin, forms.Form):
    """责任分配: the responsible organisation, the paired volunteers, a child's 儿童主任
    (one of the staff of the person's village)."""

    organisation_id = PickerField("organisations", label=_("责任社会组织"), required=False)
    volunteer_ids = MultiPickerField("volunteers", label=_("结对志愿者"), required=False,
                                     placeholder=_("检索志愿者姓名、拼音首字母或电话"))
    children_director_id = PickerField("users", label=_("儿童主任"), required=False)

    def __init__(self, *args, person, **kwargs):
        kwargs.setdefault("auto_id", "assign-%s")  # ids apart from the page's other forms
        kwargs.setdefault("initial", {
            "organisation_id": person.organisation_id,
            "volunteer_ids": list(person.volunteers.all()),
            "children_director_id": person.children_director_id})
        super().__init__(*args, **kwargs)
        self.fields["children_director_id"].options = {"role": Role.VILLAGE_STAFF,
                                                       "region": person.region_code}


class HouseholdForm(PickerForm, BootstrapMixin, forms.Form):
    other = PickerField("people", label=_("同户成员"),
                        placeholder=_("检索同户成员姓名、拼音首字母或身份证号"))
    relation = forms.CharField(label=_("与户主关系"), max_length=16)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "household-%s")  # the contact form has a relation too
        super().__init__(*args, **kwargs)
