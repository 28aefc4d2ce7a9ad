import factory
from factory.django import DjangoModelFactory

from customers.models import Channel, Customer


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"杭州胶粘材料有限公司{n}")
    channel = Channel.TERMINAL_MEDIUM
