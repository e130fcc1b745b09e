from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.forms import BootstrapMixin
from linli.regions.choropleth import area_label


class ChoroplethForm(BootstrapMixin, forms.Form):
    """The figure and the level (the province by prefecture, or one prefecture by county):
    both short lists of what the actor may see, so plain selects."""

    figure = forms.ChoiceField(label=_("指标"))
    area = forms.ChoiceField(label=_("范围"))

    def __init__(self, *args, indicators, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [(i.key, i.label) for i in indicators]
        self.fields["area"].choices = [(a.code, area_label(a)) for a in areas]
        for name in ("figure", "area"):
            self.fields[name].widget.attrs.update({"data-autosubmit": ""})
