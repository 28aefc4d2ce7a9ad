"""Every change to trip plans, planned visits and visit records (rules.md §5.2, §6.1): the
only writers.

Split by concept: `plans` (drafting, routes, handover), `approvals` (the state machine) and
`records` (visits, manager corrections, locked weeks). Callers use `visits.services.<name>`.
"""

from visits.services.approvals import (
    complete_trip_plan,
    decide_trip_plan,
    decision_transition,
    needs_director,
    submit_trip_plan,
)
from visits.services.plans import (
    COST_FIELDS,
    MAX_TRIP_DAYS,
    OPEN_PLAN_STATUSES,
    add_planned_visit,
    check_territory_line,
    create_trip_plan,
    day_route,
    hand_over_open_plans,
    order_day_route,
    remove_planned_visit,
    update_trip_plan,
)
from visits.services.records import (
    COMPETITOR_FIELDS,
    OBSERVATION_FIELDS,
    VISIT_FIELDS,
    change_visit,
    is_week_locked,
    lock_week,
    record_visit,
    week_start,
)

__all__ = [
    "COMPETITOR_FIELDS",
    "COST_FIELDS",
    "MAX_TRIP_DAYS",
    "OBSERVATION_FIELDS",
    "OPEN_PLAN_STATUSES",
    "VISIT_FIELDS",
    "add_planned_visit",
    "change_visit",
    "check_territory_line",
    "complete_trip_plan",
    "create_trip_plan",
    "day_route",
    "decide_trip_plan",
    "decision_transition",
    "hand_over_open_plans",
    "is_week_locked",
    "lock_week",
    "needs_director",
    "order_day_route",
    "record_visit",
    "remove_planned_visit",
    "submit_trip_plan",
    "update_trip_plan",
    "week_start",
]
