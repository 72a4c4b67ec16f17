"""The badge code scheme: what the QR holds, and which codes the lookup accepts."""

import re
import threading

import pytest

from badges import codes, services
from badges.models import Badge
from registration.models import Registration
from tests.factories import BadgeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

QR_ALPHANUMERIC = re.compile(r"^[0-9A-Z $%*+\-./:]+$")


def test_new_badge_code_is_short_qr_alphanumeric_and_128_bits():
    code = codes.new_badge_code()
    assert len(code) == codes.CODE_LENGTH == 26 <= 60
    assert QR_ALPHANUMERIC.match(code)
    assert codes.is_well_formed(code)
    assert codes.CODE_BYTES * 8 >= 96


def test_new_badge_codes_do_not_repeat():
    assert len({codes.new_badge_code() for _ in range(10_000)}) == 10_000


def test_normalise_code_drops_whitespace_and_case():
    assert codes.normalise_code("  abcd efgh\t\n") == "ABCDEFGH"
    assert codes.normalise_code(None) == ""


def test_code_digest_is_sha256_hex_and_not_the_code():
    code = codes.new_badge_code()
    digest = codes.code_digest(code)
    assert len(digest) == 64 and code not in digest


def test_current_badge_is_issued_once():
    registration = RegistrationFactory()
    first = services.current_badge(registration)
    assert services.current_badge(registration) == first
    assert Badge.objects.filter(registration=registration).count() == 1


def test_find_badge_returns_the_badge_of_a_valid_code():
    badge = BadgeFactory()
    assert services.find_badge(badge.code) == badge
    assert services.find_valid_badge(badge.code) == badge


def test_find_badge_accepts_what_a_scanner_typed():
    badge = BadgeFactory()
    assert services.find_badge(f"  {badge.code.lower()}\n") == badge


def test_find_badge_rejects_a_forged_code():
    BadgeFactory()
    forged = codes.new_badge_code()  # well formed, but never issued
    assert services.find_badge(forged) is None
    assert services.find_valid_badge(forged) is None


@pytest.mark.parametrize("cut", [1, 5, 25])
def test_find_badge_rejects_a_truncated_code_without_a_query(cut, django_assert_num_queries):
    badge = BadgeFactory()
    with django_assert_num_queries(0):
        assert services.find_badge(badge.code[:-cut]) is None


@pytest.mark.parametrize("position", [0, 12, 25])
def test_find_badge_rejects_an_altered_code(position):
    badge = BadgeFactory()
    replacement = "A" if badge.code[position] != "A" else "B"
    altered = badge.code[:position] + replacement + badge.code[position + 1 :]
    assert services.find_badge(altered) is None


@pytest.mark.parametrize(
    "garbage",
    ["", "   ", "0" * 26, "1" * 26, "Ä" * 26, "A" * 27, "https://example.org/" + "A" * 26, "' OR 1=1 --", "A" * 10_000],
)
def test_find_badge_rejects_ill_formed_input_without_a_query(garbage, django_assert_num_queries):
    BadgeFactory()
    with django_assert_num_queries(0):
        assert services.find_badge(garbage) is None


def test_reissue_revokes_the_old_code_and_keeps_the_history():
    registration = RegistrationFactory()
    old = services.current_badge(registration)
    new = services.reissue_badge(registration, reason="Name corrected")
    old.refresh_from_db()
    assert new.code != old.code
    assert old.revoked_at is not None and old.revoked_reason == "Name corrected"
    assert new.revoked_at is None
    assert services.current_badge(registration) == new
    assert list(Badge.objects.filter(registration=registration).order_by("issued_at", "pk")) == [old, new]


def test_revoked_code_is_rejected_as_valid_but_found_as_revoked():
    registration = RegistrationFactory()
    old = services.current_badge(registration)
    services.reissue_badge(registration, reason="Lost")
    found = services.find_badge(old.code)
    assert found == old and found.revoked_at is not None
    assert services.find_valid_badge(old.code) is None


def test_find_valid_badge_rejects_a_cancelled_delegates_code():
    badge = BadgeFactory(registration__status=Registration.Status.CANCELLED)
    assert services.find_badge(badge.code) == badge
    assert services.find_valid_badge(badge.code) is None


def test_reissue_twice_leaves_one_current_badge():
    registration = RegistrationFactory()
    services.current_badge(registration)
    services.reissue_badge(registration)
    services.reissue_badge(registration)
    assert Badge.objects.filter(registration=registration, revoked_at__isnull=True).count() == 1
    assert Badge.objects.filter(registration=registration).count() == 3


def test_reissue_without_a_badge_issues_the_first():
    registration = RegistrationFactory()
    badge = services.reissue_badge(registration)
    assert services.current_badge(registration) == badge


def test_database_refuses_two_current_badges():
    from django.db import IntegrityError, transaction

    badge = BadgeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Badge.objects.create(registration=badge.registration)


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_issue_gives_one_badge():
    """Four threads issue the first badge at once (real concurrent writers on PostgreSQL; serialised on SQLite)."""
    registration = RegistrationFactory()
    results, errors = [], []
    barrier = threading.Barrier(4)

    def issue():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(services.current_badge(registration).pk)
        except Exception as exc:  # recorded and asserted below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Badge.objects.filter(registration=registration).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reissues_each_succeed_and_leave_one_current_badge():
    """Two desks reissue the same badge at once: both get a code, one stays current, history is kept."""
    registration = RegistrationFactory()
    first = services.current_badge(registration)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def reissue():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(services.reissue_badge(registration, reason="Lost").code)
        except Exception as exc:  # recorded and asserted below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=reissue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 2
    current = Badge.objects.get(registration=registration, revoked_at__isnull=True)
    assert current.code in results
    assert Badge.objects.filter(registration=registration).count() == 3
    assert services.find_valid_badge(first.code) is None


@pytest.mark.parametrize("status", ["waitlisted", "cancelled"])
def test_reissue_refuses_a_delegate_who_is_not_confirmed_whoever_asks(status):
    registration = RegistrationFactory(status=status)
    with pytest.raises(services.BadgeError) as refused:
        services.reissue_badge(registration, reason="Lost")
    assert refused.value.code == "not_confirmed" and "only confirmed delegates have a badge" in refused.value.message
    assert not registration.badges.exists()
