from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.bounds import BoundedDateField
from linli.core.forms import BootstrapMixin
from linli.people.models import Group
from linli.visits.models import Mode, VisitPolicy

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TighteningForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=64,
                             help_text=_("如:寒潮暴雪、春节、藏历新年"))
    starts_on = BoundedDateField(label=_("开始日期"), widget=DATE)
    ends_on = BoundedDateField(label=_("结束日期"), widget=DATE)


def _label(field: str):
    return VisitPolicy._meta.get_field(field).verbose_name


class PolicyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_label("name"), max_length=64)
    groups = forms.ModelMultipleChoiceField(
        label=_label("groups"), queryset=Group.objects.select_related("parent"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("选中上级类别时,请同时选中其下各子类"))
    risk = forms.ChoiceField(label=_label("risk"), required=False,
                             choices=VisitPolicy._meta.get_field("risk").choices)
    interval_days = forms.IntegerField(label=_label("interval_days"), min_value=1,
                                       max_value=366)
    tightened_interval_days = forms.IntegerField(
        label=_label("tightened_interval_days"), min_value=1, max_value=366,
        help_text=VisitPolicy._meta.get_field("tightened_interval_days").help_text)
    modes = forms.MultipleChoiceField(label=_("探访方式"), choices=Mode.choices,
                                      widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_label("is_active"), required=False)

    def __init__(self, *args, policy: VisitPolicy | None = None, **kwargs):
        policy = policy or VisitPolicy()
        kwargs.setdefault("initial", {
            "name": policy.name, "risk": policy.risk, "interval_days": policy.interval_days,
            "tightened_interval_days": policy.tightened_interval_days,
            "modes": policy.modes.split(","), "is_active": policy.is_active,
            "groups": list(policy.groups.all()) if policy.pk else []})
        super().__init__(*args, **kwargs)
        self.fields["groups"].label_from_instance = (
            lambda g: f"{g.parent.name} · {g.name}" if g.parent_id else g.name)
        for name in ("groups", "modes"):  # checkboxes, not a text box
            self.fields[name].widget.attrs["class"] = "form-check-input"
