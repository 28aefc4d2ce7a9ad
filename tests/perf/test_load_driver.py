"""The load stage's driver (P8) signs in through the real code page, so its codes must be the
ones django-otp accepts."""

from django_otp.oath import TOTP

from tests.perf.load import totp_code

KEY = bytes.fromhex("3132333435363738393031323334353637383930")  # RFC 6238's test key


def test_the_drivers_code_is_the_one_django_otp_expects():
    for moment in (59, 1_111_111_109, 1_234_567_890, 2_000_000_000):
        expected = TOTP(KEY)
        expected.time = moment

        assert totp_code(KEY, moment) == f"{expected.token():06d}"


def test_the_rfc_test_vector_is_met():
    # RFC 6238, appendix B: 94287082 at 59 s, of which a six-digit code keeps the last six.
    assert totp_code(KEY, 59) == "287082"


def test_the_code_changes_every_thirty_seconds():
    assert totp_code(KEY, 60) == totp_code(KEY, 89)
    assert totp_code(KEY, 89) != totp_code(KEY, 90)
