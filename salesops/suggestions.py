"""What a field typed by name suggests as the user types (`salesops.forms.NamedChoiceField`):
the <option>s of its <datalist>, filled by htmx."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from salesops.forms import clean_search_text
from salesops.models import people_named

SUGGESTED_PEOPLE = 10


def person_options(request: HttpRequest, people: QuerySet, typed: str) -> HttpResponse:
    """A person field's suggestions (`PersonChoiceField`): the first of `people` whose name
    holds what was typed into the field `typed`, or the first of them all before anything is
    typed."""
    text = clean_search_text(request.GET.get(typed))
    if text:
        people = people_named(people, text)
    first = people.order_by("display_name", "username")[:SUGGESTED_PEOPLE]
    return render(request, "_partials/person_options.html", {"people": first})
