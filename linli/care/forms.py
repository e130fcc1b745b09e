from django import forms
from django.utils.translation import gettext_lazy as _

from linli.care.models import CanteenKind, FacilityLevel, ServiceKind
from linli.core.bounds import SMALL_MAX, BoundedDateField
from linli.core.forms import BootstrapMixin
from linli.core.pickers import MultiPickerField, PickerField, PickerForm
from linli.regions.models import Level

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

VILLAGE = {"level": Level.VILLAGE}


class ServiceForm(PickerForm, BootstrapMixin, forms.Form):
    person_id = PickerField("people", label=_("服务对象"),
                            placeholder=_("输入姓名、拼音首字母、身份证号或电话"))
    kind = forms.ChoiceField(label=_("服务类型"), choices=ServiceKind.choices)
    served_at = forms.DateTimeField(label=_("服务时间"), widget=DATETIME)
    duration_minutes = forms.IntegerField(label=_("时长(分钟)"), min_value=1, max_value=24 * 60,
                                          initial=60)
    volunteer_id = PickerField("volunteers", label=_("服务人员"), required=False,
                               placeholder=_("输入志愿者姓名、拼音首字母或电话"))
    notes = forms.CharField(label=_("服务内容"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class CanteenForm(PickerForm, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=CanteenKind.choices)
    region_code = PickerField("regions", label=_("所在村(社区)"), options=VILLAGE)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6,
                                   required=False)
    seats = forms.IntegerField(label=_("餐位"), min_value=0, max_value=SMALL_MAX, initial=0)
    operator_id = PickerField("organisations", label=_("运营方"), required=False)


class MealsForm(PickerForm, BootstrapMixin, forms.Form):
    served_on = BoundedDateField(label=_("日期"), widget=DATE)
    person_ids = MultiPickerField(
        "people", label=_("就餐对象"), placeholder=_("逐个检索姓名、拼音首字母,或粘贴多个身份证号"),
        help_text=_("可一次选择多人;粘贴的身份证号、姓名用空格或逗号分隔"))


class FacilityForm(PickerForm, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    level = forms.ChoiceField(label=_("层级"), choices=FacilityLevel.choices)
    kind = forms.CharField(label=_("类型"), max_length=32,
                           help_text=_("如:养老院、日间照料中心、互助幸福院"))
    region_code = PickerField("regions", label=_("所在区划"),
                              help_text=_("县级设施选县(区),乡镇级选乡镇(街道),村级选村(社区)"))
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6)
    beds = forms.IntegerField(label=_("床位"), min_value=0, max_value=SMALL_MAX, initial=0)


class LocationForm(PickerForm, BootstrapMixin, forms.Form):
    region_code = PickerField("regions", label=_("村(社区)"), options=VILLAGE)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6)
