"""An accept sent again with the same Idempotency-Key gets the same answer and registers nobody twice."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from registration.models import OutboxMessage, Registration, RsvpAnswer
from tests.factories import InvitationFactory, delegate_data


def post(client, invitation, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/rsvp/{invitation.token}/", body, format="json", **headers)


@pytest.mark.django_db
def test_accept_sent_again_with_the_same_key_gets_the_same_answer(anon_api):
    invitation = InvitationFactory(seats=2)
    body = {"response": "accept", "delegates": [delegate_data(), delegate_data()]}
    first = post(anon_api, invitation, body, key="a1b2c3")
    again = post(anon_api, invitation, body, key="a1b2c3")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Registration.objects.filter(invitation=invitation).count() == 2
    assert OutboxMessage.objects.filter(purpose="confirmation").count() == 2


@pytest.mark.django_db
def test_without_a_key_a_second_accept_is_decided_afresh(anon_api):
    invitation = InvitationFactory(seats=1)
    body = {"response": "accept", "delegates": [delegate_data()]}
    assert post(anon_api, invitation, body).status_code == 201
    second = post(anon_api, invitation, body)
    assert second.status_code == 400 and second.json()["code"] == "too_many_delegates"


@pytest.mark.django_db
def test_another_key_is_another_answer(anon_api):
    invitation = InvitationFactory(seats=1)
    body = {"response": "accept", "delegates": [delegate_data()]}
    assert post(anon_api, invitation, body, key="first").status_code == 201
    assert post(anon_api, invitation, body, key="second").json()["code"] == "too_many_delegates"


@pytest.mark.django_db
def test_an_error_is_not_stored_so_a_retry_is_decided_afresh(anon_api):
    invitation = InvitationFactory(seats=1)
    bad = {"response": "accept", "delegates": [delegate_data(consent=False)]}
    assert post(anon_api, invitation, bad, key="k").status_code == 400
    assert not RsvpAnswer.objects.exists()
    good = post(anon_api, invitation, {"response": "accept", "delegates": [delegate_data()]}, key="k")
    assert good.status_code == 201


@pytest.mark.django_db
def test_a_key_longer_than_255_characters_is_400(anon_api):
    invitation = InvitationFactory(seats=1)
    response = post(anon_api, invitation, {"response": "accept", "delegates": [delegate_data()]}, key="k" * 256)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicates_register_once():
    invitation = InvitationFactory(seats=3)
    body = {"response": "accept", "delegates": [delegate_data(), delegate_data()]}
    connection.close()
    barrier = threading.Barrier(6)
    answers = [None] * 6

    def send(index):
        try:
            barrier.wait()
            answers[index] = post(APIClient(), invitation, body, key="same-key")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [a.status_code for a in answers] == [201] * 6
    assert len({str(a.json()) for a in answers}) == 1
    assert Registration.objects.filter(invitation=invitation).count() == 2
    assert RsvpAnswer.objects.get().key == "same-key"
