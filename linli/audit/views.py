from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Perm
from linli.audit.models import Action
from linli.audit.selectors import access_log_list
from linli.core.forms import BootstrapMixin
from linli.core.views import paginate, require_perm


class LogFilter(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), required=False)
    action = forms.ChoiceField(label=_("事件"), required=False,
                               choices=[("", _("全部")), *Action.choices])
    record = forms.CharField(label=_("记录"), required=False)
    since = forms.DateField(label=_("起始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))


@require_perm(Perm.VIEW_AUDIT)
def log_view(request):
    form = LogFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    logs = access_log_list(actor=request.user, **filters).select_related("user")
    page = paginate(request, logs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page,
                                              "query": query.urlencode()})
