"""Every write verb of every API route, as an organiser: never a server error, errors always JSON.

The routes come from the URL resolver (everything under ``/api/``), so a new
endpoint is tested the day it is routed. Each route gets POST, PUT, PATCH and
DELETE (a verb the route does not take must answer 405, in JSON too), each
with three nonsense bodies and then one valid-looking body built from the
route's request schema in the OpenAPI document.
"""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from badges import services as badge_services
from badges.checkin import services as checkin_services
from registration.models import Meeting, Question, Registration, Topic
from tests.factories import (
    InvitationFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    WorkshopFactory,
    at,
)

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def api_routes():
    """Every route under /api/, as its pattern text (regex and path() routes alike)."""
    return sorted({route for route, _ in _walk(get_resolver().url_patterns) if route.startswith("api/")})


ROUTES = api_routes()

# What each URL parameter is filled with; an item id is the object named by the segment before it.
ITEM_SEGMENTS = {
    "rooms": "room",
    "tracks": "track",
    "speakers": "speaker",
    "sessions": "session",
    "invitations": "invitation",
    "registrations": "registration",
    "questions": "question",
    "topics": "topic",
}


def concrete_url(route, world):
    """The route with its parameters filled from ``world``; fails for a parameter nobody taught it."""

    def value(name, before):
        if name == "slug":
            return world["conference"].slug
        if name == "token" and before == "my":
            return world["registration"].token
        if name == "token":
            return world["invitation"].token
        if name == "session" and before == "starred":
            return str(world["session"].pk)
        if name == "format":
            return "json"
        if name == "checkin_id":
            return str(world["checkin"].pk)
        if name == "meeting" and before == "meetings":
            return str(world["meeting"].pk)
        if name == "kind":  # an e-mail template's kind
            return "confirmation"
        if name == "pk" and before in ITEM_SEGMENTS:
            return str(world[ITEM_SEGMENTS[before]].pk)
        raise AssertionError(f"{route}: teach tests/test_api_writes.py what to put in <{name}> after {before}/")

    path = route.replace("^", "").replace("$", "").replace("/?", "/")
    path = re.sub(r"\\\.\(\?P<format>[^)]*\)", ".(?P<format>)", path)
    path = path.replace("<drf_format_suffix:format>", ".(?P<format>)")
    out, position = "", 0
    for match in re.finditer(r"\(\?P<(\w+)>(?:[^()]|\([^)]*\))*\)|<(?:\w+:)?(\w+)>", path):
        out += path[position : match.start()]
        name = match.group(1) or match.group(2)
        out += value(name, out.rstrip("/").rsplit("/", 1)[-1])
        position = match.end()
    out += path[position:]
    return "/" + out.replace("\\", "")


@pytest.fixture
def world(conference, organiser):
    """One of everything the API's routes name: a conference with an agenda, delegates, a badge, a check-in."""
    room = RoomFactory(conference=conference, name="Hall 1")
    track = TrackFactory(conference=conference, name="Skills")
    speaker = SpeakerFactory(conference=conference)
    session = SessionFactory(conference=conference, room=room, track=track, title="Opening")
    session.speakers.set([speaker])
    workshop = WorkshopFactory(
        conference=conference, room=RoomFactory(conference=conference, name="Room 5"), starts_at=at(conference, 14)
    )
    invitation = InvitationFactory(conference=conference, seats=4)
    registration = RegistrationFactory(invitation=invitation)
    checked_in = RegistrationFactory(invitation=invitation)
    badge = badge_services.current_badge(registration)
    checkin_services.check_in_registration(conference=conference, registration_id=checked_in.pk, user=organiser)
    checkin = checked_in.checkins.get()
    question = Question.objects.create(conference=conference, label="Diet", kind="choice", choices=["none", "vegan"])
    assert registration.status == Registration.Status.CONFIRMED
    # Networking: a topic, and a meeting asked of the delegate in a networking slot.
    topic = Topic.objects.create(conference=conference, name="Cyber security")
    slot = SessionFactory(conference=conference, kind="networking", room=None, title="Networking", published_in=1)
    meeting = Meeting.objects.create(conference=conference, requester=checked_in, invitee=registration, slot=slot)
    return {
        "conference": conference,
        "room": room,
        "track": track,
        "speaker": speaker,
        "session": session,
        "workshop": workshop,
        "invitation": invitation,
        "registration": registration,
        "badge": badge,
        "checkin": checkin,
        "question": question,
        "topic": topic,
        "meeting": meeting,
    }


def test_every_api_route_is_filled_and_resolves_to_itself(world):
    """The enumeration is real: each filled URL resolves to the route it came from."""
    patterns = dict(_walk(get_resolver().url_patterns))
    assert len(ROUTES) >= 30
    for route in ROUTES:
        url = concrete_url(route, world)
        assert _normalise(resolve(url).route) == _normalise(route), (route, url)
        assert resolve(url).func == patterns[route].callback, (route, url)


def test_every_schema_path_is_enumerated():
    """The OpenAPI document names nothing the enumeration misses."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    enumerated = {_normalise(route) for route in ROUTES}
    for path in schema["paths"]:
        assert _normalise(path.lstrip("/")) in enumerated, path


def _normalise(route):
    route = route.replace("^", "").replace("$", "").replace("/?", "/")
    route = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^)]*\))*\)|<(?:\w+:)?(\w+)>|\{(\w+)\}", "{}", route)
    return route.replace("\\", "")


# --- Bodies -------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operation(openapi, url, method):
    """The schema's operation for a concrete URL and method, or None."""
    for path, operations in openapi["paths"].items():
        pattern = "^" + re.sub(r"\{\w+\}", "[^/]+", re.escape(path).replace(r"\{", "{").replace(r"\}", "}")) + "$"
        if re.match(pattern, url) and method in operations:
            return operations[method]
    return None


def _resolve_ref(openapi, schema):
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema:
        return _resolve_ref(openapi, schema["allOf"][0])
    if "oneOf" in schema:
        return _resolve_ref(openapi, schema["oneOf"][0])
    return schema


def _sample(openapi, schema, name, world):
    """A plausible value for one field: real ids for references, dates inside the conference."""
    conference = world["conference"]
    references = {
        "room": world["room"].pk,
        "track": world["track"].pk,
        "speakers": [world["speaker"].pk],
        "workshops": [world["workshop"].pk],
        "ids": [world["invitation"].pk],
        "registration": world["registration"].pk,
        "code": world["badge"].code,
        "slug": "sample-conference",
        "timezone": "Europe/London",
        "colour": "#123456",
        "starts_at": at(conference, 16).isoformat(),
        "ends_at": at(conference, 17).isoformat(),
    }
    if name in references:
        return references[name]
    schema = _resolve_ref(openapi, schema)
    kind, fmt = schema.get("type"), schema.get("format")
    if "enum" in schema:
        return next(v for v in schema["enum"] if v not in ("", None))
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {
            key: _sample(openapi, value, key, world)
            for key, value in schema.get("properties", {}).items()
            if not _resolve_ref(openapi, value).get("readOnly")
            # An optional upload (a speaker's photo) is left out: JSON cannot carry a file.
            and (key in required or _resolve_ref(openapi, value).get("format") not in ("uri", "binary"))
        }
    if kind == "array":
        return [_sample(openapi, schema.get("items", {}), name, world)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if fmt == "date":
        return conference.starts_on.isoformat()
    if fmt == "date-time":
        return at(conference, 16).isoformat()
    if fmt == "email":
        return "sample@example.org"
    if fmt == "uri":
        return "https://example.org/"
    if fmt == "uuid":
        return "5f0c7a52-1d7e-4b8a-9d7c-3c0f6c2b9e11"
    return f"Sample {name}"[: schema.get("maxLength", 100)]


def valid_looking(openapi, url, method, world):
    """(data, format) for the operation's request body, from its schema; a plain object if it has none."""
    operation = _operation(openapi, url, method)
    content = (operation or {}).get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return _sample(openapi, content["application/json"]["schema"], "", world), "json"
    if "multipart/form-data" in content:
        data = _sample(openapi, content["multipart/form-data"]["schema"], "", world)
        if "file" in data:
            data["file"] = SimpleUploadedFile(
                "invitations.csv",
                b"organisation,organisation_kind,contact_name,email,category,seats\n"
                b"Aston University,university,Ada Lovelace,ada@example.org,partner,2\n",
                content_type="text/csv",
            )
        return data, "multipart"
    return {"note": "sample"}, "json"


# Every field name the API takes, each given a value of the wrong kind or out of range.
WRONG_TYPES = {
    "name": {"x": [1]},
    "slug": "Not A Slug!",
    "starts_on": "yesterday",
    "ends_on": 12,
    "timezone": "Mars/Olympus",
    "capacity": -5,
    "registration_opens_at": "soon",
    "title": ["a"],
    "kind": "lecture",
    "starts_at": "2000-13-45T99:00",
    "ends_at": True,
    "room": "Hall 1",
    "track": 999999999,
    "speakers": "everyone",
    "ids": [None, "x"],
    "remind": "perhaps",
    "file": 123,
    "code": {"code": 1},
    "gate": ["gate"],
    "nonce": "n" * 500,
    "registration": -1,
    "scans": {"not": "a list"},
    "response": "maybe",
    "delegates": [{"consent": "yes", "workshops": "all"}],
    "note": {"long": "n" * 5000},
    "reason": None,
    "email": "not-an-email",
    "seats": 1e300,
    "category": "royalty",
    "organisation": 42,
    "position": "first",
    "colour": "red",
    "retain_until": "never",
    "choices": "none of them",
    "categories": {"partner": True},
    "depends_on": [1, 2],
    "required": "perhaps",
    "show_at_door": [],
    "answers": ["not", "an", "object"],
}

NONSENSE = {
    "malformed json": (b'{"title": "unterminated', "application/json"),
    "not an object": (json.dumps([1, "two", None, {"three": []}]).encode(), "application/json"),
    "wrong types": (json.dumps(WRONG_TYPES).encode(), "application/json"),
}


def assert_answer_is_sound(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code} {response.content[:500]!r}"
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), f"{what}: {response['Content-Type']}"
        body = json.loads(response.content)
        assert body, f"{what}: an empty error"


@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize("route", ROUTES)
def test_write_never_fails_with_a_server_error(organiser_api, world, openapi, route, method):
    url = concrete_url(route, world)
    send = getattr(organiser_api, method)
    for label, (body, content_type) in NONSENSE.items():
        response = send(url, body, content_type=content_type)
        assert_answer_is_sound(response, f"{method.upper()} {url} with {label}")
    data, fmt = valid_looking(openapi, url, method, world)
    response = send(url, data, format=fmt)
    assert_answer_is_sound(response, f"{method.upper()} {url} with {data!r}")


def test_valid_looking_bodies_are_mostly_accepted(organiser_api, world, openapi):
    """The generated bodies are not nonsense in disguise: the agenda's creates succeed with them."""
    slug = world["conference"].slug
    for resource in ("rooms", "tracks", "speakers", "sessions", "invitations"):
        url = f"/api/conferences/{slug}/{resource}/"
        data, fmt = valid_looking(openapi, url, "post", world)
        response = organiser_api.post(url, data, format=fmt)
        assert response.status_code == 201, (url, data, response.json())
    url = f"/api/conferences/{slug}/sessions/{world['session'].pk}/"
    data, fmt = valid_looking(openapi, url, "patch", world)
    # The session created above holds the sample room and speaker at the sample time: move to the free room.
    data["room"], data["speakers"] = world["workshop"].room_id, []
    response = organiser_api.patch(url, data, format=fmt)
    assert response.status_code == 200, response.json()
    assert response.json()["starts_at"] == at(world["conference"], 16).isoformat()
