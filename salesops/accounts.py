"""Account safety beyond login lockout: a deactivated account's sessions end at once, and
password-reset mail is throttled per address and per client (a reset form that sends on every
request is a free mail cannon)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from salesops.models import PasswordResetRequest, User


def end_sessions_of(user: User) -> int:
    """Delete every live session signed in as `user`; returns how many ended."""
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@receiver(pre_save, sender=User, dispatch_uid="salesops.end_sessions_on_deactivation")
def _end_sessions_on_deactivation(sender, instance: User, **kwargs) -> None:
    # Reactivating an account must not bring its old sessions back: end them as it is switched
    # off (in the same transaction), whoever switches it off (admin, a handover, a script).
    if instance.pk is None or instance.is_active:
        return
    if User.objects.filter(pk=instance.pk, is_active=True).exists():
        end_sessions_of(instance)


def may_send_password_reset(*, email: str, client: str | None) -> bool:
    """Record this request and say whether mail may go out: at most
    PASSWORD_RESET_PER_ADDRESS per address and PASSWORD_RESET_PER_CLIENT per client address in
    PASSWORD_RESET_WINDOW. The answer the user sees is the same either way (no enumeration)."""
    since = timezone.now() - settings.PASSWORD_RESET_WINDOW
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    over = recent.filter(email=email.lower()).count() >= settings.PASSWORD_RESET_PER_ADDRESS or (
        client and recent.filter(client=client).count() >= settings.PASSWORD_RESET_PER_CLIENT
    )
    PasswordResetRequest.objects.create(email=email.lower(), client=client or "")
    PasswordResetRequest.objects.filter(created_at__lt=since - timedelta(days=1)).delete()
    return not over
