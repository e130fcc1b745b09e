from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from linli.core.bounds import COUNT_MAX, INT_MAX, SMALL_MAX, BoundedDateField
from linli.core.forms import BootstrapMixin
from linli.core.pickers import PickerField, PickerForm
from linli.orgs.attachments import human_size
from linli.orgs.models import (
    AttachmentKind,
    Category,
    Certification,
    FilingKind,
    IncubationService,
    Kind,
    Sex,
    Status,
    TargetGroup,
    TaxQualificationKind,
    VolunteerRole,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _organisation(label, **kwargs) -> PickerField:
    return PickerField("organisations", label=label,
                       placeholder=_("输入组织名称、拼音首字母或信用代码"), **kwargs)


class OrganisationForm(PickerForm, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("组织类型"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=24, required=False,
                                  help_text=_("登记的社会组织必填;备案的社区社会组织不填"))
    region_code = PickerField("regions", label=_("活动地域"),
                              help_text=_("输入村(社区)或乡镇名称检索"))
    authority_region_code = PickerField(
        "regions", label=_("备案/登记机关"), options={"above": True},
        help_text=_("社区社会组织:街道(乡镇)或村(居)委会;登记的社会组织:县级以上民政部门"))
    leader_name = forms.CharField(label=_("负责人"), max_length=32)
    leader_phone = forms.CharField(label=_("负责人电话"), max_length=32, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=32, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    address = forms.CharField(label=_("活动场所"), max_length=200, required=False)
    members_count = forms.IntegerField(label=_("成员人数"), min_value=0, max_value=COUNT_MAX,
                                       initial=0)
    business_scope = forms.CharField(label=_("业务范围"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    target_groups = forms.MultipleChoiceField(label=_("服务对象"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    focus_special_groups = forms.BooleanField(label=_("关爱特殊群体"), required=False)
    focus_public_concerns = forms.BooleanField(label=_("回应群众关切"), required=False)
    focus_safe_community = forms.BooleanField(label=_("推进平安社区"), required=False)
    focus_rural_revitalisation = forms.BooleanField(label=_("实施乡村振兴"), required=False)
    founded_on = BoundedDateField(label=_("成立日期"), required=False, widget=DATE)
    led_by_local_talent = forms.BooleanField(label=_("优秀人才领办"), required=False)
    has_party_branch = forms.BooleanField(label=_("建立党组织"), required=False)
    is_charity = forms.BooleanField(label=_("慈善组织"), required=False)
    is_social_work_agency = forms.BooleanField(label=_("社会工作服务机构"), required=False)
    is_hub = forms.BooleanField(label=_("枢纽型社会组织"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                                 max_value=INT_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].choices = [(g.code, g.name)
                                                for g in TargetGroup.objects.all()]
        self.fields["target_groups"].widget.attrs["class"] = ""

    def clean(self):
        # The hidden field's own error is never shown next to it: say it on top.
        if "version" in self.errors:
            self.add_error(None, _("页面已过期,请刷新后重新编辑"))
        return super().clean()


class FilterForm(PickerForm, BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("名称/拼音/首字母/信用代码"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False,
                             choices=[("", _("全部类型")), *Kind.choices])
    category = forms.ChoiceField(label=_("类别"), required=False,
                                 choices=[("", _("全部类别")), *Category.choices])
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *Status.choices])
    target_group = forms.ChoiceField(label=_("服务对象"), required=False)
    region = PickerField("regions", label=_("区划"), required=False,
                         placeholder=_("区划名称,如 东关大街街道"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].choices = [("", _("全部服务对象"))] + [
            (g.code, g.name) for g in TargetGroup.objects.all()]


class FilingForm(PickerForm, BootstrapMixin, forms.Form):
    """变更 or 注销: the new values of the filed content, or the reason."""

    kind = forms.ChoiceField(label=_("备案事项"), choices=FilingKind.choices,
                             widget=forms.HiddenInput)
    name = forms.CharField(label=_("新名称"), max_length=100, required=False)
    leader_name = forms.CharField(label=_("新负责人"), max_length=32, required=False)
    address = forms.CharField(label=_("新活动场所"), max_length=200, required=False)
    members_count = forms.IntegerField(label=_("新成员人数"), min_value=0, max_value=COUNT_MAX,
                                       required=False)
    business_scope = forms.CharField(label=_("新业务范围"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    region_code = PickerField("regions", label=_("新活动地域"), required=False)
    reason = forms.CharField(label=_("申请说明"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    CHANGE_FIELDS = ("name", "leader_name", "address", "members_count", "business_scope",
                     "region_code")


class DecisionForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("意见"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: cleans to a list (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class AttachmentForm(BootstrapMixin, forms.Form):
    """备案材料: one kind, one or more files; their bytes are checked by orgs.attachments."""

    kind = forms.ChoiceField(label=_("材料类型"), choices=AttachmentKind.choices)
    files = MultipleFileField(
        label=_("文件"), widget=MultipleFileInput(attrs={
            "accept": ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "PDF、JPG、PNG 或 Word(.docx),可一次选择多个;每个不超过 %(each)s,"
            "本次申请的材料合计不超过 %(total)s") % {
            "each": human_size(settings.LINLI_ATTACHMENT_MAX_BYTES),
            "total": human_size(settings.LINLI_FILING_ATTACHMENTS_MAX_BYTES)}


class StationForm(PickerForm, BootstrapMixin, forms.Form):
    established = forms.BooleanField(label=_("已建成"), required=False)
    operator_id = _organisation(_("运营机构"), required=False)
    staff_count = forms.IntegerField(label=_("驻站社工人数"), min_value=0, max_value=SMALL_MAX,
                                     initial=0)
    opened_on = BoundedDateField(label=_("建成日期"), required=False, widget=DATE)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)


class TaxQualificationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("资格类型"), choices=TaxQualificationKind.choices)
    document_number = forms.CharField(label=_("认定文号"), max_length=64, required=False)
    valid_from = BoundedDateField(label=_("有效期起"), widget=DATE)
    valid_until = BoundedDateField(label=_("有效期止"), widget=DATE)


class IncubationBaseForm(PickerForm, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    region_code = PickerField("regions", label=_("所在区划"))
    operator_id = _organisation(_("运营机构"), required=False)
    opened_on = BoundedDateField(label=_("建成日期"), required=False, widget=DATE)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)


class IncubationForm(PickerForm, BootstrapMixin, forms.Form):
    organisation_id = _organisation(_("入孵组织"))
    started_on = BoundedDateField(label=_("入孵日期"), widget=DATE)
    ended_on = BoundedDateField(label=_("出孵日期"), required=False, widget=DATE)
    services = forms.MultipleChoiceField(label=_("提供服务"), choices=IncubationService.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].widget.attrs["class"] = ""


class VolunteerForm(PickerForm, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=32)
    sex = forms.ChoiceField(label=_("性别"), choices=[("", "—"), *Sex.choices], required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    region_code = PickerField("regions", label=_("服务区域"))
    skills = forms.CharField(label=_("技能特长"), max_length=200, required=False)
    is_social_worker = forms.BooleanField(label=_("社会工作者"), required=False)
    certification = forms.ChoiceField(label=_("职业水平"), choices=Certification.choices,
                                      required=False)
    certificate_number = forms.CharField(label=_("证书编号"), max_length=64, required=False)
    organisation_id = _organisation(_("所属组织"), required=False)
    role = forms.ChoiceField(label=_("在组织中的身份"), choices=VolunteerRole.choices,
                             initial=VolunteerRole.VOLUNTEER)


class VolunteerJoinForm(PickerForm, BootstrapMixin, forms.Form):
    organisation_id = _organisation(_("加入组织"))
    role = forms.ChoiceField(label=_("身份"), choices=VolunteerRole.choices,
                             initial=VolunteerRole.VOLUNTEER)
