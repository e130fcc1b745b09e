from django import forms
from django.utils.translation import gettext_lazy as _

from linli.care.models import CanteenKind, FacilityLevel, ServiceKind
from linli.core.bounds import ID_MAX, SMALL_MAX, BoundedDateField
from linli.core.forms import BootstrapMixin

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _id_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=ID_MAX, **kwargs)


def _picker(url: str, target: str) -> forms.TextInput:
    return forms.TextInput(attrs={"list": target, "autocomplete": "off", "hx-get": url,
                                  "hx-trigger": "keyup changed delay:300ms",
                                  "hx-target": f"#{target}"})


class ServiceForm(BootstrapMixin, forms.Form):
    person_id = _id_field(_("服务对象"), widget=_picker("/people/options/", "people-options"))
    kind = forms.ChoiceField(label=_("服务类型"), choices=ServiceKind.choices)
    served_at = forms.DateTimeField(label=_("服务时间"), widget=DATETIME)
    duration_minutes = forms.IntegerField(label=_("时长(分钟)"), min_value=1, max_value=24 * 60,
                                          initial=60)
    volunteer_id = _id_field(_("服务人员(志愿者编号)"), required=False)
    notes = forms.CharField(label=_("服务内容"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class CanteenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=CanteenKind.choices)
    region_code = forms.CharField(label=_("所在村(社区)"), max_length=12,
                                  widget=_picker("/regions/options/", "region-options"))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6,
                                   required=False)
    seats = forms.IntegerField(label=_("餐位"), min_value=0, max_value=SMALL_MAX, initial=0)
    operator_id = _id_field(_("运营方(组织编号)"), required=False)


class MealsForm(BootstrapMixin, forms.Form):
    served_on = BoundedDateField(label=_("日期"), widget=DATE)
    person_ids = forms.CharField(label=_("就餐对象编号(空格分隔)"))


class FacilityForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    level = forms.ChoiceField(label=_("层级"), choices=FacilityLevel.choices)
    kind = forms.CharField(label=_("类型"), max_length=32,
                           help_text=_("如:养老院、日间照料中心、互助幸福院"))
    region_code = forms.CharField(label=_("所在区划"), max_length=12,
                                  widget=_picker("/regions/options/", "region-options"))
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6)
    beds = forms.IntegerField(label=_("床位"), min_value=0, max_value=SMALL_MAX, initial=0)


class LocationForm(BootstrapMixin, forms.Form):
    region_code = forms.CharField(label=_("村(社区)"), max_length=12,
                                  widget=_picker("/regions/options/", "region-options"))
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6)
