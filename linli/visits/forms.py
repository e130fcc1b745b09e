from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.forms import BootstrapMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TighteningForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=64,
                             help_text=_("如:寒潮暴雪、春节、藏历新年"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
