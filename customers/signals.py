"""Signals other apps listen to, so the customers app never imports them."""

from django.dispatch import Signal

# Sent inside the handover's transaction with handover, from_person, to_person: the visits app
# moves the leaver's open trip plans and follow-ups to the successor (rules.md §3.7).
customers_handed_over = Signal()

# Sent inside the classification's transaction with changed (how many) and changed_at when
# customers changed class (rules.md §4.5): the rollup recounts the classes of that month on.
classes_changed = Signal()
