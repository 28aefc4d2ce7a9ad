"""django-fsm-2's model mixin, made safe under threads.

`django_fsm.FSMModelMixin.refresh_from_db` switches the *field's* `protected` flag off and on
around the reload. The field belongs to the model class, shared by every thread of a threaded
server, so two requests refreshing plans at once could see the flag in the other's state: one
reload then tried to assign a protected status and answered 500. Here the reload never touches
the shared field: it drops the instance's own copy of the status first (the descriptor refuses
an assignment only when the instance already holds one), then reloads it.
"""

from django.db import models
from django_fsm import FSMModelMixin


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
