"""Factories for the foundation's models.

Each later app keeps its own in tests/<app>/factories.py.
"""

import factory
from factory.django import DjangoModelFactory

from salesops.models import Role, User
from territories.models import Region, Territory

PASSWORD = "a-long-test-password"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.SALESPERSON
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.add(*extracted)
        if create:
            self.save()


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"region-{n}")
    name_zh = factory.Sequence(lambda n: f"大区{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")


def make_territory(
    code: str,
    name_zh: str,
    name_en: str,
    *,
    parent: Territory | None = None,
    region: Region | None = None,
    lat: str = "30.0",
    lng: str = "120.0",
) -> Territory:
    """A territory with its path and level derived from its parent."""
    if parent is None:
        level = Territory.Level.PROVINCE
    elif parent.level == Territory.Level.PROVINCE:
        level = Territory.Level.CITY
    else:
        level = Territory.Level.COUNTY
    territory, _ = Territory.objects.get_or_create(
        code=code,
        defaults={
            "name_zh": name_zh,
            "name_en": name_en,
            "parent": parent,
            "level": level,
            "path": f"{parent.path if parent else ''}{code}/",
            "region": region or (parent and parent.region),
            "latitude": lat,
            "longitude": lng,
        },
    )
    return territory


def give_authenticator(user: User):
    """A confirmed authenticator (TOTP device) for `user`, as after setting one up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="SalesOps", confirmed=True)


def sign_in(client, user: User) -> None:
    """Sign the test client in as `user`, with the second factor where the role needs one:
    the session remembers the verifying device, as entering a code does (django_otp.login).
    Tests of the code pages themselves sign in with the password only."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from salesops import access

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if access.needs_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = give_authenticator(user).persistent_id
        session.save()
