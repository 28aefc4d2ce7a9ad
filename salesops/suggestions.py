"""What a field typed by name suggests as the user types (`salesops.forms.NamedChoiceField`):
the <option>s of its <datalist>, filled by htmx."""

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import Contains
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from salesops.forms import clean_search_text
from salesops.models import people_named

SUGGESTED_PEOPLE = 10
# The customers' names carry a trigram index (migration customers/0018), and a trigram is three
# characters: from one or two typed, pg_trgm finds none to look up, and PostgreSQL reads the
# whole index (a region's suggestions for two characters 36 → 121 ms at tier L) where walking
# the names in order finds the first ten at once.
TRIGRAM = 3


def name_contains(text: str) -> Q:
    """Records whose name holds `text`, whatever its case: `icontains`, which the trigram
    index serves, from three characters on; below that, the same test on the lower-cased
    name, which the index does not serve, so that PostgreSQL walks the names instead."""
    if len(text) >= TRIGRAM:
        return Q(name__icontains=text)
    return Q(Contains(Lower("name"), text.lower()))


def person_options(request: HttpRequest, people: QuerySet, typed: str) -> HttpResponse:
    """A person field's suggestions (`PersonChoiceField`): the first of `people` whose name
    holds what was typed into the field `typed`, or the first of them all before anything is
    typed."""
    text = clean_search_text(request.GET.get(typed))
    if text:
        people = people_named(people, text)
    first = people.order_by("display_name", "username")[:SUGGESTED_PEOPLE]
    return render(request, "_partials/person_options.html", {"people": first})
