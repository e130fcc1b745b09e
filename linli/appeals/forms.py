from django import forms
from django.utils.translation import gettext_lazy as _

from linli.appeals.models import (
    Category,
    Channel,
    ConsentBasis,
    HardshipCause,
    Satisfaction,
    Urgency,
)
from linli.core.bounds import BoundedDateField
from linli.core.forms import BootstrapMixin
from linli.core.pickers import PickerField, PickerForm

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHANNELS = [c for c in Channel.choices if c[0] != Channel.PUBLIC]


class IntakeForm(PickerForm, BootstrapMixin, forms.Form):
    """登记诉求: a registered person (picked by name), or a resident by name and phone with
    the village picked."""

    channel = forms.ChoiceField(label=_("来源渠道"), choices=CHANNELS, initial=Channel.OFFICE)
    person_id = PickerField("people", label=_("关爱对象"), required=False,
                            placeholder=_("输入姓名、拼音首字母、身份证号或电话"),
                            help_text=_("已登记的关爱对象选这里;否则填写下面的诉求人和所在村(社区)"))
    requester_name = forms.CharField(label=_("诉求人"), max_length=32, required=False)
    requester_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    region_code = PickerField("regions", label=_("所在村(社区)"), required=False)
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.none(),
                                      to_field_name="code")
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices,
                                initial=Urgency.NORMAL)
    description = forms.CharField(label=_("诉求内容"), max_length=2000, widget=TEXTAREA)
    consent_basis = forms.ChoiceField(
        label=_("信息共享依据"), required=False,
        choices=[("", _("尚未取得(转介前须补登)")), *ConsentBasis.choices],
        help_text=_("转介给登记单位以外的单位前,须有本人或监护人同意,或紧急情况、法定职责等依据"))
    consent_note = forms.CharField(label=_("依据说明"), max_length=200, required=False)
    visit_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["category"] = data["category"].code
        data["person_id"] = data["person_id"] or None
        return data


class StepForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(BootstrapMixin, forms.Form):
    assistance = forms.ModelChoiceField(label=_("救助或服务类型"), to_field_name="code",
                                        queryset=Category.objects.none())
    to_region_code = forms.ChoiceField(label=_("转至民政部门"), required=False)
    to_force_id = forms.ModelChoiceField(label=_("或转至参与力量"), required=False,
                                         queryset=Category.objects.none())
    note = forms.CharField(label=_("转介说明"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, offices=(), forces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assistance"].queryset = Category.objects.filter(is_active=True)
        self.fields["to_region_code"].choices = [("", "—"), *offices]
        self.fields["to_force_id"].queryset = forces
        self.fields["to_force_id"].empty_label = "—"

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["assistance"] = data["assistance"].code
        data["to_force_id"] = data["to_force_id"].pk if data["to_force_id"] else None
        return {k: v for k, v in data.items() if v}


class FinishForm(BootstrapMixin, forms.Form):
    result = forms.CharField(label=_("办理结果"), max_length=2000, widget=TEXTAREA)


class FollowUpForm(BootstrapMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    comment = forms.CharField(label=_("回访情况"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("记录"), max_length=2000, widget=TEXTAREA)


class PosterForm(PickerForm, BootstrapMixin, forms.Form):
    """The village whose public page's QR code is printed."""

    village = PickerField("regions", label=_("村(社区)"), options={"level": 5},
                          placeholder=_("输入村(社区)名称或拼音首字母"))


MONEY = {"min_value": None, "max_digits": 12, "decimal_places": 2, "initial": 0}


def _money(label):
    # negative amounts reach the service, which says which one is wrong, in Chinese
    return forms.DecimalField(label=label, help_text=_("元,近 12 个月"), **MONEY)


class SurveyForm(BootstrapMixin, forms.Form):
    """家庭经济状况调查 (MZ/T 073-2024's items)."""

    surveyed_on = BoundedDateField(label=_("调查日期"), widget=DATE)
    members_count = forms.IntegerField(label=_("家庭人口(人)"), min_value=1, max_value=30)
    members_note = forms.CharField(label=_("家庭成员情况"), max_length=2000, required=False,
                                   widget=TEXTAREA,
                                   help_text=_("姓名、关系、年龄、健康和就业情况,一人一行"))
    income_wage = _money(_("工资性收入"))
    income_business = _money(_("经营净收入"))
    income_property = _money(_("财产净收入"))
    income_transfer = _money(_("转移净收入"))
    deposits = forms.DecimalField(label=_("存款及有价证券"), help_text=_("元,调查时"), **MONEY)
    housing_count = forms.IntegerField(label=_("住房(套)"), min_value=0, max_value=99,
                                       initial=1)
    vehicles_count = forms.IntegerField(label=_("机动车辆(辆)"), min_value=0, max_value=99,
                                        initial=0)
    expense_medical = _money(_("大额医疗支出"))
    expense_education = _money(_("大额教育支出"))
    cause = forms.ChoiceField(label=_("致困原因"), choices=HardshipCause.choices)
    cause_note = forms.CharField(label=_("致困情况说明"), max_length=500, required=False)
    no_work_ability = forms.BooleanField(label=_("无劳动能力"), required=False)
    no_supporter = forms.BooleanField(label=_("无法定赡养、抚养、扶养义务人或其无履行能力"),
                                      required=False)
    notes = forms.CharField(label=_("备注"), max_length=2000, required=False, widget=TEXTAREA)


class ReferSurveyForm(BootstrapMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("转介的救助类型"), to_field_name="code",
                                      queryset=Category.objects.filter(is_assistance=True,
                                                                       is_active=True))


class CaseNoteForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("联合个案记录"), max_length=2000, widget=TEXTAREA)
