"""What a row held before the save under way: receivers that keep derived figures (rollup
cells, scores) read it in `pre_save`, so a record moving to another month or place refreshes
the slice it left as well as the one it joined."""

from django.db import models


def stored_values(instance: models.Model, fields: tuple[str, ...], update_fields) -> dict | None:
    """The row's `fields` as stored, when this save may change one of them (None for a new row
    or a save whose `update_fields` leave them alone, so the common save costs no query)."""
    if instance._state.adding or instance.pk is None:
        return None
    names = set(fields) | {field.removesuffix("_id") for field in fields}
    if update_fields is not None and not names & set(update_fields):
        return None
    return type(instance).objects.filter(pk=instance.pk).values(*fields).first()
