"""Every change to prospects and customers (rules.md §3, §4, §6): the only writers.

Split by concept: `book` (customers, contacts, last contact, duplicates), `handover`
(reassignment and handover), `credit` (dealers' credit) and `competitors` (the registry).
Callers use `customers.services.<name>`.
"""

from customers.services.book import (
    CLASSIFYING_FIELDS,
    CUSTOMER_FIELDS,
    DuplicateCustomer,
    add_contact,
    create_customer,
    duplicates_of,
    record_contact,
    remove_contact,
    update_customer,
)
from customers.services.competitors import (
    record_competitor_observation,
    register_competitor,
)
from customers.services.credit import (
    CreditDecision,
    evaluate_credit,
    record_credit_incident,
)
from customers.services.handover import (
    hand_over,
    reassign_customer,
)

__all__ = [
    "CLASSIFYING_FIELDS",
    "CUSTOMER_FIELDS",
    "CreditDecision",
    "DuplicateCustomer",
    "add_contact",
    "create_customer",
    "duplicates_of",
    "evaluate_credit",
    "hand_over",
    "reassign_customer",
    "record_competitor_observation",
    "record_contact",
    "record_credit_incident",
    "register_competitor",
    "remove_contact",
    "update_customer",
]
