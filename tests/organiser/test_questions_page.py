"""The organiser's questions page (/organiser/<slug>/questions/) and the "Copy to next year" action."""

import datetime as dt

import pytest
from django.urls import reverse

from conference.models import Conference
from registration.models import Invitation, Question
from tests.factories import ConferenceFactory, InvitationFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def page(conference):
    return reverse("organiser-questions", args=[conference.slug])


def test_the_page_is_for_organisers(client, door_staff, conference):
    assert client.get(page(conference)).status_code == 302
    client.force_login(door_staff)
    assert client.get(page(conference)).status_code == 403


def test_add_a_question_then_a_conditional_one(organiser_client, conference):
    response = organiser_client.post(
        page(conference),
        {"label": "Dietary needs", "kind": "choice", "choices": "none\nvegan\nother\n", "required": "on"},
    )
    assert response.status_code == 302
    diet = Question.objects.get(conference=conference)
    assert (diet.choices, diet.required, diet.categories) == (["none", "vegan", "other"], True, [])
    response = organiser_client.post(
        page(conference),
        {
            "label": "Which diet?",
            "kind": "text",
            "categories": ["partner", "company"],
            "depends_on_question": str(diet.pk),
            "depends_on_answer": "other",
            "show_at_door": "on",
        },
    )
    assert response.status_code == 302
    which = Question.objects.get(label="Which diet?")
    assert which.depends_on == {"question": diet.pk, "answer": "other"}
    assert which.categories == ["partner", "company"] and which.show_at_door and which.position > diet.position
    html = organiser_client.get(page(conference)).content.decode()
    assert "Asked only when “Dietary needs” is answered “other”" in html
    assert f'data-condition-name="preview-q{diet.pk}" data-condition-value="other"' in html


def test_errors_are_shown_beside_the_field_and_nothing_is_saved(organiser_client, conference):
    diet = QuestionFactory(conference=conference, label="Diet", kind="choice", choices=["a", "b"])
    response = organiser_client.post(
        page(conference),
        {"label": "Follow-up", "kind": "text", "depends_on_question": str(diet.pk), "depends_on_answer": "c"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_depends_on_question-error"' in html and "depend on one of them" in html
    response = organiser_client.post(page(conference), {"label": "Diet 2", "kind": "choice", "choices": "only"})
    assert "Offer at least two answers" in response.content.decode()
    assert Question.objects.filter(conference=conference).count() == 1


def test_edit_move_and_delete(organiser_client, conference):
    first = QuestionFactory(conference=conference, label="First", position=0)
    second = QuestionFactory(conference=conference, label="Second", position=1)
    html = organiser_client.get(page(conference) + f"?edit={first.pk}").content.decode()
    assert 'value="First"' in html and "Edit “First”" in html
    organiser_client.post(page(conference), {"id": first.pk, "label": "First, renamed", "kind": "yes_no"})
    first.refresh_from_db()
    assert (first.label, first.kind) == ("First, renamed", "yes_no")
    action = "organiser-question-action"
    organiser_client.post(reverse(action, args=[conference.slug, second.pk, "up"]))
    assert list(Question.objects.filter(conference=conference).values_list("label", flat=True)) == [
        "Second",
        "First, renamed",
    ]
    organiser_client.post(reverse(action, args=[conference.slug, first.pk, "delete"]))
    assert list(Question.objects.filter(conference=conference)) == [second]
    other = QuestionFactory(conference=ConferenceFactory())
    assert organiser_client.post(reverse(action, args=[conference.slug, other.pk, "delete"])).status_code == 404


def test_copy_to_next_year_from_the_overview(organiser_client):
    conference = ConferenceFactory(name="COG 2027", slug="cog-2027", starts_on=dt.date(2027, 5, 20))
    InvitationFactory(conference=conference)
    html = organiser_client.get(reverse("organiser-conference", args=[conference.slug])).content.decode()
    assert 'value="COG 2028"' in html and 'value="cog-2028"' in html and 'value="2028-05-18"' in html
    copy = reverse("organiser-copy", args=[conference.slug])
    response = organiser_client.post(copy, {"name": "COG 2028", "slug": "cog-2028", "starts_on": "2028-05-18"})
    assert response.status_code == 302 and response["Location"] == reverse("organiser-conference", args=["cog-2028"])
    new = Conference.objects.get(slug="cog-2028")
    assert Invitation.objects.get(conference=new).status == "draft"
    again = organiser_client.post(copy, {"name": "COG 2028", "slug": "cog-2028", "starts_on": "2028-05-18"})
    assert again.status_code == 400 and 'id="copy-slug-error"' in again.content.decode()


def test_the_preview_shows_the_question_as_typed_and_saves_nothing(organiser_client, conference):
    diet = QuestionFactory(conference=conference, label="Diet", kind="choice", choices=["a", "b"])
    url = reverse("organiser-questions-preview", args=[conference.slug])
    html = organiser_client.post(url, {"label": "Shirt", "kind": "choice", "choices": "S\nM"}).content.decode()
    assert "Diet" in html and '<option value="M">M</option>' in html
    html = organiser_client.post(url, {"id": diet.pk, "label": "Diet, renamed", "kind": "text"}).content.decode()
    assert "Diet, renamed" in html and '<option value="a">' not in html
    html = organiser_client.post(url, {"label": "Shirt", "kind": "choice", "choices": "S"}).content.decode()
    assert "cannot be asked yet: Offer at least two answers" in html
    assert list(Question.objects.filter(conference=conference)) == [diet]
    diet.refresh_from_db()
    assert diet.label == "Diet"
