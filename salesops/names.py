"""Records found by their name, whatever its case, as typed into a search or a field typed by
name (`salesops.forms.NamedChoiceField`, `salesops.suggestions`)."""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.db.models.lookups import Contains

# The customers' names carry a trigram index (migration customers/0019), and a trigram is three
# characters: from one or two typed, pg_trgm finds none to look up, and PostgreSQL reads the
# whole index (a region's suggestions for two characters 36 → 121 ms at tier L) where walking
# the names in order finds the first ten at once.
TRIGRAM = 3


def name_contains(model, text: str) -> Q:
    """Records of `model` whose name holds `text`, whatever its case: through the model's names
    kept apart with their trigram index (`names_apart`) from three characters on; below that,
    the test on the lower-cased name, which no index serves, so that PostgreSQL walks the
    names instead."""
    if len(text) < TRIGRAM:
        return Q(Contains(Lower("name"), text.lower()))
    pattern = f"%{connection.ops.prep_for_like_query(text)}%"
    return names_apart(model, "LIKE", pattern) or Q(name__icontains=text)


def name_is(model, text: str) -> Q:
    """Records of `model` named `text`, whatever its case (through its names kept apart)."""
    return names_apart(model, "=", text) or Q(name__iexact=text)


def names_apart(model, operator: str, value: str) -> Q | None:
    """The records whose upper-cased name compares to the upper-cased `value` by `operator`,
    read from the table of names the model keeps apart with their trigram index (`NAMES_APART`,
    keyed by the model's name and `_id`; PostgreSQL only): its rows are rewritten often, and
    every new version of a row would add its name's trigrams to an index on the rows
    themselves. None without such a table."""
    table = getattr(model, "NAMES_APART", None)
    if table is None or connection.vendor != "postgresql":
        return None
    key = f"{model._meta.model_name}_id"
    named = f"SELECT {key} FROM {table} WHERE UPPER(name) {operator} UPPER(%s)"  # noqa: S608
    return Q(pk__in=RawSQL(named, [value]))  # noqa: S611
