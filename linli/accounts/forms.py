from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Bureau, Role
from linli.accounts.validators import password_problems
from linli.core.bounds import BoundedDateField
from linli.core.forms import BootstrapMixin
from linli.core.pickers import PickerField, PickerForm


class LoginForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True,
                                                             "autocomplete": "username"}))
    password = forms.CharField(label=_("密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))


class TokenForm(BootstrapMixin, forms.Form):
    token = forms.CharField(label=_("动态口令"), max_length=8, min_length=6,
                            widget=forms.TextInput(attrs={"autofocus": True,
                                                          "inputmode": "numeric",
                                                          "autocomplete": "one-time-code"}))


class MembershipForm(PickerForm, BootstrapMixin, forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = PickerField("regions", label=_("辖区"), required=False,
                              help_text=_("输入区划名称或拼音首字母检索,例如“城东区”或 cdq"))
    organisation_id = PickerField("organisations", label=_("所属社会组织(仅社会组织人员、志愿者)"),
                                  required=False, help_text=_("输入组织名称或拼音首字母检索后选择"))
    bureau = forms.ChoiceField(label=_("处室(仅省厅)"),
                               choices=[("", "—"), *Bureau.choices], required=False)


class UserCreateForm(MembershipForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    password = forms.CharField(label=_("初始密码"), strip=False, widget=forms.PasswordInput)

    field_order = ["username", "full_name", "phone", "password", "role", "region_code",
                   "bureau", "organisation_id"]


class PasswordResetForm(BootstrapMixin, forms.Form):
    password = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput)


class ApiTokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("用途"), max_length=64)
    expires_at = BoundedDateField(label=_("到期日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))


class PasswordChangeForm(BootstrapMixin, DjangoPasswordChangeForm):
    def validate_password_for_user(self, user, password_field_name="new_password2"):  # noqa: S107
        """Django's check, with its messages said in the user's language (see
        validators.password_problems)."""
        password = self.cleaned_data.get(password_field_name)
        if password:
            for problem in password_problems(password, user):
                self.add_error(password_field_name, problem)
