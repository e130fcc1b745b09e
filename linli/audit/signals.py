from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from linli.audit.models import Action
from linli.audit.services import access_log_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    access_log_record(actor=user, action=Action.LOGIN, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        access_log_record(actor=user, action=Action.LOGOUT, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    access_log_record(actor=None, action=Action.LOGIN_FAILED, request=request,
                      outcome="failure", username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    access_log_record(actor=None, action=Action.LOCKED_OUT, request=request,
                      outcome="failure", username=str(username or ""))
