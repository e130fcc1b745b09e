"""Asking once before an action that cannot simply be taken back (issue 11).

A destructive button is rendered by ``core/_confirm_button.html``: a submit button with
``name="confirm" value="ask"`` and the question in ``data-confirm``. With JavaScript,
``linli/confirm.js`` opens a native <dialog> with the question; 确认 sends the form
*without* ``confirm=ask``, so the view acts; 取消 or Esc sends nothing. Without
JavaScript the button's POST carries ``confirm=ask`` and the view answers this module's
confirmation page instead of acting: the question, what will happen, the fields the action
needs, the other posted values carried along, and one POST button. A GET of the action's
URL answers the same page, so a link, a prefetch or a bookmark never acts.

The words are written once, as a ``Question`` built in the app's view module, and given
both to the page that shows the button and to the confirmation page.
"""

from dataclasses import dataclass

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from linli.core.forms import BootstrapMixin

ASK = "ask"
UNCARRIED = frozenset({"csrfmiddlewaretoken", "confirm"})


@dataclass(frozen=True)
class Question:
    question: str  # names the record: 「为马福寿销册?」
    consequence: str  # what will happen, and what is kept: 「销册后不再安排探访……」
    action: str  # the words of the button that does it: 「确认销册」


class ReasonForm(BootstrapMixin, forms.Form):
    """The one field some actions need (暂停活动, 注销备案), shown on the confirmation page."""

    reason = forms.CharField(label=gettext_lazy("原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label: str | None = None, max_length: int | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]  # rebuilt, keeping its widget, for the label and limit
        self.fields["reason"] = forms.CharField(label=label or field.label,
                                                max_length=max_length, widget=field.widget)


def asked(request) -> bool:
    """Show the question rather than act: a GET, or the POST of the no-JS button."""
    return request.method != "POST" or request.POST.get("confirm") == ASK


def confirmation(request, question: Question, *, cancel_url: str, form=None,
                 hidden: dict | None = None, status: int = 200) -> HttpResponse:
    """The confirmation page, which posts back to the same URL.

    ``form``: the fields the action needs, shown with their errors (the reason of a 销册);
    ``hidden``: values the action needs that the question's page fixes (the status a
    暂停活动 sets). Any other posted value (a comment typed before the no-JS button) is
    carried along unchanged."""
    hidden = dict(hidden or {})
    shown = {form.add_prefix(name) for name in form.fields} if form is not None else set()
    carried = list(hidden.items()) + [
        (name, value) for name, values in request.POST.lists()
        if name not in UNCARRIED | shown | set(hidden) for value in values]
    return render(request, "core/_confirm.html", {
        "q": question, "form": form, "carried": carried, "action_url": request.path,
        "cancel_url": cancel_url}, status=status)
