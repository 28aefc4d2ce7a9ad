"""What the visits app does when other apps tell it something happened."""

from django.dispatch import receiver

from customers.signals import customers_handed_over
from visits import services


@receiver(customers_handed_over)
def move_open_plans_with_the_customers(sender, *, handover, from_person, to_person, **kwargs):
    services.hand_over_open_plans(
        from_person=from_person,
        to_person=to_person,
        region=handover.region,
        by=handover.recorded_by,
    )
