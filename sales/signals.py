"""Signals of the sales app: it asks, the apps above answer, so it never imports them."""

from django.dispatch import Signal

# Sent by the scoring job with first_month and last_month (first days of months). A receiver
# returns a queryset of rows (salesperson id, month, travel cost), which the job reads or, on
# PostgreSQL, runs inside its own statement: the expenses app answers with the approved claims'
# items, which rules.md §7.11's travel efficiency divides by gross profit.
travel_costs_wanted = Signal()

# Sent inside the writer's transaction when sales, quotas or approved travel costs of some
# months changed, with first_month and last_month (first days of months) and, when the writer
# knows them, the ids of the `salespeople` whose figures changed and of the `customers` whose
# lines changed: the scoring job recomputes those months on (of those people only, when named)
# once the transaction commits (sales.receivers), and the region rollup recounts the months'
# cells (of those customers only, when named: rollups.receivers).
months_changed = Signal()

# Sent by the scoring job inside its transaction once the scores of the months first_month to
# last_month were written: the rollup places the new quotas, targets and travel costs on
# territories after it commits (rollups.receivers).
scores_changed = Signal()
