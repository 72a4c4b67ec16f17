"""The door's search: case and accents ignored, no e-mail addresses shown, at most 20 results."""

import pytest

from badges.checkin.folding import fold
from tests.factories import InvitationFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NAMES = [
    ("Zoë", "Carter"),
    ("Łukasz", "Nowak"),
    ("Ayşe", "Öztürk"),
    ("José", "García"),
    ("François", "Lefèvre"),
    ("Siobhán", "Ní Bhriain"),
]


@pytest.fixture
def delegates(conference):
    invitation = InvitationFactory(
        conference=conference, seats=10, organisation=OrganisationFactory(name="Société Générale")
    )
    return {
        first: RegistrationFactory(invitation=invitation, first_name=first, last_name=last, email=f"{i}@secret.example")
        for i, (first, last) in enumerate(NAMES)
    }


def search(api, conference, q):
    response = api.get(f"/api/conferences/{conference.slug}/checkin/search/", {"q": q})
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("zoe", "Zoë"),
        ("ZOE carter", "Zoë"),
        ("lukasz", "Łukasz"),
        ("ozturk", "Ayşe"),
        ("ayse", "Ayşe"),
        ("jose", "José"),
        ("garcia", "José"),
        ("francois", "François"),
        ("lefevre", "François"),
        ("siobhan", "Siobhán"),
        ("Siobhán", "Siobhán"),
    ],
)
def test_search_ignores_case_and_accents(door_api, conference, delegates, q, first):
    results = search(door_api, conference, q).json()["results"]
    assert [row["id"] for row in results] == [delegates[first].pk]


def test_search_finds_an_organisation_without_its_accents(door_api, conference, delegates):
    assert search(door_api, conference, "societe generale").json()["count"] == len(NAMES)


def test_search_never_shows_an_email_and_matches_one_only_typed_whole(door_api, conference, delegates):
    response = search(door_api, conference, "zoe")
    assert "@" not in response.content.decode()
    assert search(door_api, conference, "secret.example").json()["count"] == 0
    assert search(door_api, conference, "0@secret").json()["count"] == 0
    whole = search(door_api, conference, "0@SECRET.example")
    assert [row["id"] for row in whole.json()["results"]] == [delegates["Zoë"].pk]
    assert "secret.example" not in whole.content.decode()


def test_search_gives_at_most_twenty_results(door_api, conference):
    invitation = InvitationFactory(conference=conference, seats=30)
    for i in range(25):
        RegistrationFactory(invitation=invitation, last_name=f"Müller {i}")
    body = search(door_api, conference, "muller").json()
    assert body["count"] == 25 and len(body["results"]) == 20


def test_fold_is_what_the_database_compares():
    assert fold("Zoë Łukasz ÖZTÜRK José François Siobhán Straße Ærø") == (
        "zoe lukasz ozturk jose francois siobhan strasse aero"
    )
