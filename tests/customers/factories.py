import factory
from factory.django import DjangoModelFactory

from customers.models import Channel, Competitor, Contact, Customer
from customers.normalize import normalize_name, try_normalize_phone


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"杭州胶粘材料有限公司{n}")
    channel = Channel.TERMINAL_MEDIUM
    phone = ""
    normalized_name = factory.LazyAttribute(lambda o: normalize_name(o.name))
    normalized_phone = factory.LazyAttribute(lambda o: try_normalize_phone(o.phone))


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"王经理{n}")
    position = "采购经理"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    normalized_phone = factory.LazyAttribute(lambda o: try_normalize_phone(o.phone))


class CompetitorFactory(DjangoModelFactory):
    class Meta:
        model = Competitor
        django_get_or_create = ["normalized_name"]

    name = factory.Sequence(lambda n: f"汉高{n}")
    normalized_name = factory.LazyAttribute(lambda o: normalize_name(o.name))
