"""The one helper every app calls to log a read of sensitive data or a security event."""

from django.db import models

from linli.audit.models import AccessLog, Action


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    reason: str = "",
    request=None,
    outcome: str = "success",
    username: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AccessLog:
    """Write one access-log row: who, when, what record, why."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AccessLog.objects.create(
        user=user,
        username=(user.username if user else username)[:150],
        action=Action(action),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        region_code=getattr(obj, "region_code", "") or "",
        reason=reason[:200],
        outcome=outcome,
        ip=client_ip(request),
    )
