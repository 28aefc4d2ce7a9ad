"""django-fsm-2's model mixin, made safe under threads.

`django_fsm.FSMModelMixin.refresh_from_db` switches the *field's* `protected` flag off and on
around the reload. The field belongs to the model class, shared by every thread of a threaded
server, so two requests refreshing plans at once could see the flag in the other's state: one
reload then tried to assign a protected status and answered 500. Here the reload never touches
the shared field: it drops the instance's own copy of the status first (the descriptor refuses
an assignment only when the instance already holds one), then reloads it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from salesops.models import FIRST_LEVEL, SECOND_LEVEL


class StateMachineModel(FSMModelMixin, models.Model):
    class Meta:
        abstract = True

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        protected = [
            name for name in self._get_protected_fsm_fields() if fields is None or name in fields
        ]
        for name in protected:
            self.__dict__.pop(name, None)
        kwargs = {"using": using, "from_queryset": from_queryset}
        models.Model.refresh_from_db(self, fields=fields, **kwargs)
        # With no `fields`, Django reloads what the instance had loaded: the status again too.
        missing = [name for name in protected if name not in self.__dict__]
        if missing:
            models.Model.refresh_from_db(self, fields=missing, **kwargs)


class TransitionLog(models.Model):
    """One move of a record through its states: who, when, and why (rules.md §1.9). A concrete
    log adds the record's foreign key and `source`/`target` with the record's status choices."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class RegionalRequestModel(StateMachineModel):
    """A salesperson's request decided in their region: waiting for the region's manager when
    submitted, for the director when the manager approved and a rule asks for a second level
    (salesops.access.may_decide). The model has `salesperson`, `region` and those statuses."""

    class Meta:
        abstract = True

    @property
    def approval_level(self) -> int | None:
        return {
            self.Status.SUBMITTED: FIRST_LEVEL,
            self.Status.MANAGER_APPROVED: SECOND_LEVEL,
        }.get(self.status)

    @property
    def requester(self):
        return self.salesperson

    @property
    def approval_region(self):
        return self.region
