"""Registration questions: the rules (registration.questions), the API, the RSVP page and /my/."""

import pytest

from registration import questions, services
from registration.models import Question, Registration
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    QuestionFactory,
    RegistrationFactory,
    delegate_data,
)

pytestmark = pytest.mark.django_db

DIETS = ["none", "vegetarian", "vegan", "halal", "kosher", "gluten-free", "other"]


@pytest.fixture
def diet(conference):
    return QuestionFactory(conference=conference, label="Dietary needs", kind="choice", choices=DIETS, required=True)


@pytest.fixture
def allergy(conference, diet):
    """Asked only of those who chose "other"."""
    return QuestionFactory(
        conference=conference,
        label="Which diet?",
        kind="text",
        required=True,
        depends_on={"question": diet.pk, "answer": "other"},
        show_at_door=True,
    )


# --- The rules -----------------------------------------------------------------------


def test_required_choice_must_be_answered_with_a_choice_offered(conference, diet):
    assert questions.clean_answers(conference, "company", {}) == ({}, {str(diet.pk): ["Choose an answer."]})
    cleaned, errors = questions.clean_answers(conference, "company", {str(diet.pk): "pescatarian"})
    assert cleaned == {} and errors[str(diet.pk)][0].startswith("Choose one of: none, vegetarian")
    assert questions.clean_answers(conference, "company", {str(diet.pk): "vegan"}) == ({str(diet.pk): "vegan"}, {})


def test_a_conditional_question_is_required_only_when_asked(conference, diet, allergy):
    cleaned, errors = questions.clean_answers(conference, "company", {str(diet.pk): "vegan", str(allergy.pk): "x"})
    assert (cleaned, errors) == ({str(diet.pk): "vegan"}, {}), "an answer to a question not asked is dropped"
    cleaned, errors = questions.clean_answers(conference, "company", {str(diet.pk): "other"})
    assert errors == {str(allergy.pk): ["Answer this question."]}
    cleaned, errors = questions.clean_answers(conference, "company", {str(diet.pk): "other", str(allergy.pk): " nuts "})
    assert (cleaned, errors) == ({str(diet.pk): "other", str(allergy.pk): "nuts"}, {})


def test_a_question_for_some_categories_is_not_asked_of_others(conference):
    press = QuestionFactory(conference=conference, kind="yes_no", required=True, categories=["press"])
    assert questions.clean_answers(conference, "company", {str(press.pk): True}) == ({}, {})
    assert questions.clean_answers(conference, "press", {})[1] == {str(press.pk): ["Answer this question."]}
    assert questions.clean_answers(conference, "press", {str(press.pk): "no"}) == ({str(press.pk): False}, {})


@pytest.mark.parametrize(
    ("kind", "given", "cleaned"),
    [
        ("number", "2.5", 2.5),
        ("number", 3, 3),
        ("number", "12", 12),
        ("date", "2027-05-20", "2027-05-20"),
        ("yes_no", True, True),
        ("yes_no", "yes", True),
        ("text", "  step-free access ", "step-free access"),
    ],
)
def test_answers_of_each_kind_are_cleaned(conference, kind, given, cleaned):
    question = QuestionFactory(conference=conference, kind=kind)
    assert questions.clean_answers(conference, "company", {str(question.pk): given}) == (
        {str(question.pk): cleaned},
        {},
    )


@pytest.mark.parametrize(
    ("kind", "given", "message"),
    [
        ("number", "many", "Give a number"),
        ("number", True, "Give a number"),
        ("number", "nan", "Give a number"),
        ("date", "20/05/2027", "Give a date as YYYY-MM-DD"),
        ("date", 20270520, "Give a date as YYYY-MM-DD"),
        ("yes_no", "perhaps", "Answer yes or no"),
        ("text", ["a"], "Give this as text"),
        ("text", "x" * 501, "Keep this to 500 characters"),
    ],
)
def test_answers_of_the_wrong_type_are_refused(conference, kind, given, message):
    question = QuestionFactory(conference=conference, kind=kind)
    cleaned, errors = questions.clean_answers(conference, "company", {str(question.pk): given})
    assert cleaned == {} and errors[str(question.pk)][0].startswith(message)


def test_multiple_choice_keeps_the_offered_order_and_refuses_others(conference):
    question = QuestionFactory(conference=conference, kind="multiple_choice", choices=["AI", "Cloud", "Security"])
    key = str(question.pk)
    assert questions.clean_answers(conference, "company", {key: ["Security", "AI"]}) == ({key: ["AI", "Security"]}, {})
    assert key in questions.clean_answers(conference, "company", {key: ["AI", "Quantum"]})[1]
    assert key in questions.clean_answers(conference, "company", {key: "AI"})[1]


def test_unknown_questions_and_answers_not_an_object_are_refused(conference, diet):
    other = QuestionFactory(conference=ConferenceFactory())
    _, errors = questions.clean_answers(conference, "company", {str(diet.pk): "vegan", str(other.pk): "x"})
    assert list(errors) == [str(other.pk)]
    assert questions.clean_answers(conference, "company", ["vegan"])[1] == {
        "answers": ['Give the answers as an object: {"<question id>": answer}.']
    }


def test_question_definitions_are_checked(conference, diet):
    def errors(**values):
        return questions.question_errors(conference=conference, values={"label": "Q", "kind": "text", **values})

    assert errors() == {}
    assert set(errors(kind="essay")) == {"kind"}
    assert set(errors(kind="choice", choices=["only one"])) == {"choices"}
    assert set(errors(kind="choice", choices=["a", "A"])) == {"choices"}
    assert set(errors(choices=["a", "b"])) == {"choices"}
    assert set(errors(categories=["royalty"])) == {"categories"}
    assert set(errors(depends_on={"question": diet.pk, "answer": "pescatarian"})) == {"depends_on"}
    assert set(errors(depends_on={"question": 999999, "answer": "vegan"})) == {"depends_on"}
    assert errors(depends_on={"question": diet.pk, "answer": "vegan"}) == {}


def test_a_question_cannot_depend_on_itself_through_another(conference, diet, allergy):
    with pytest.raises(questions.QuestionInvalid) as exc:
        questions.save_question(
            conference=conference,
            instance=diet,
            values={"depends_on": {"question": allergy.pk, "answer": "nuts"}},
        )
    assert "depends_on" in exc.value.errors
    diet.refresh_from_db()
    assert diet.depends_on is None


def test_a_question_another_depends_on_is_not_deleted(conference, diet, allergy):
    with pytest.raises(questions.QuestionInUse):
        questions.delete_question(question=diet)
    questions.delete_question(question=allergy)
    questions.delete_question(question=diet)
    assert not Question.objects.filter(conference=conference).exists()


def test_door_notes_and_badge_answers(conference, diet, allergy):
    diet.on_badge = True
    diet.save()
    registration = RegistrationFactory(
        invitation=InvitationFactory(conference=conference), answers={str(diet.pk): "other", str(allergy.pk): "nuts"}
    )
    assert questions.door_notes(registration) == ["Which diet?: nuts"]
    assert questions.badge_answers(registration) == [("Dietary needs", "other")]
    assert questions.door_notes(RegistrationFactory(invitation=registration.invitation)) == []


# --- The API ---------------------------------------------------------------------------


def url(conference, rest=""):
    return f"/api/conferences/{conference.slug}/questions/{rest}"


def test_organisers_create_list_change_and_delete_questions(organiser_api, conference):
    response = organiser_api.post(
        url(conference),
        {"label": "Dietary needs", "kind": "choice", "choices": DIETS, "required": True, "show_at_door": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert set(created) == {
        "id",
        "label",
        "kind",
        "choices",
        "required",
        "categories",
        "depends_on",
        "show_at_door",
        "on_badge",
        "position",
    }
    follow = organiser_api.post(
        url(conference),
        {"label": "Which?", "kind": "text", "depends_on": {"question": created["id"], "answer": "other"}},
        format="json",
    )
    assert follow.status_code == 201, follow.json()
    assert follow.json()["position"] == created["position"] + 1
    listed = organiser_api.get(url(conference)).json()["results"]
    assert [q["label"] for q in listed] == ["Dietary needs", "Which?"]
    changed = organiser_api.patch(url(conference, f"{follow.json()['id']}/"), {"on_badge": True}, format="json")
    assert changed.json()["on_badge"] is True
    refused = organiser_api.delete(url(conference, f"{created['id']}/"))
    assert refused.status_code == 409 and refused.json()["code"] == "question_in_use"
    reordered = organiser_api.post(
        url(conference, "reorder/"), {"ids": [follow.json()["id"], created["id"]]}, format="json"
    )
    assert [q["label"] for q in reordered.json()] == ["Which?", "Dietary needs"]
    assert organiser_api.delete(url(conference, f"{follow.json()['id']}/")).status_code == 204


def test_a_bad_question_is_a_field_error(organiser_api, conference):
    response = organiser_api.post(url(conference), {"label": "Diet", "kind": "choice", "choices": []}, format="json")
    assert response.status_code == 400
    assert "choices" in response.json()
    assert not Question.objects.exists()


def test_questions_are_for_organisers_only(anon_api, door_api, conference):
    assert anon_api.get(url(conference)).status_code in (401, 403)
    assert door_api.post(url(conference), {"label": "Q", "kind": "text"}, format="json").status_code == 403


def rsvp(invitation):
    return f"/api/rsvp/{invitation.token}/"


def test_rsvp_api_lists_the_questions_and_takes_answers(anon_api, conference, diet, allergy):
    press_only = QuestionFactory(conference=conference, label="Press pass", kind="yes_no", categories=["press"])
    invitation = InvitationFactory(conference=conference, category="company")
    body = anon_api.get(rsvp(invitation)).json()
    assert [q["id"] for q in body["questions"]] == [diet.pk, allergy.pk]
    assert body["questions"][1]["depends_on"] == {"question": diet.pk, "answer": "other"}
    assert press_only.pk not in [q["id"] for q in body["questions"]]
    answers = {str(diet.pk): "other", str(allergy.pk): "nut allergy"}
    response = anon_api.post(
        rsvp(invitation), {"response": "accept", "delegates": [delegate_data(answers=answers)]}, format="json"
    )
    assert response.status_code == 201, response.json()
    registration = Registration.objects.get(pk=response.json()["registrations"][0]["id"])
    assert registration.answers == answers
    assert anon_api.get(rsvp(invitation)).json()["delegates"][0]["answers"] == answers


@pytest.mark.parametrize(
    ("answers", "error_key"),
    [
        ({}, "diet"),
        ({"diet": "pescatarian"}, "diet"),
        ({"diet": "other"}, "allergy"),
        ({"diet": "vegan", "unknown": "x"}, "unknown"),
    ],
)
def test_rsvp_api_refuses_bad_answers_under_answers(anon_api, conference, diet, allergy, answers, error_key):
    ids = {"diet": str(diet.pk), "allergy": str(allergy.pk), "unknown": "999999"}
    invitation = InvitationFactory(conference=conference)
    sent = {ids[k]: v for k, v in answers.items()}
    response = anon_api.post(
        rsvp(invitation), {"response": "accept", "delegates": [delegate_data(answers=sent)]}, format="json"
    )
    assert response.status_code == 400, response.json()
    errors = response.json()["delegates"][0]
    assert list(errors) == ["answers"]
    assert list(errors["answers"]) == [ids[error_key]]
    assert not Registration.objects.filter(invitation=invitation).exists()


def test_rsvp_api_answers_not_an_object_are_a_400(anon_api, conference, diet):
    invitation = InvitationFactory(conference=conference)
    response = anon_api.post(
        rsvp(invitation), {"response": "accept", "delegates": [delegate_data(answers="vegan")]}, format="json"
    )
    assert response.status_code == 400
    assert "answers" in response.json()["delegates"][0]


# --- The pages ---------------------------------------------------------------------------


def page_delegate(index=0, **answers):
    values = {
        "first_name": "Ngozi",
        "last_name": "Okafor",
        "email": f"ngozi{index}@example.org",
        "consent": "on",
        **answers,
    }
    return {f"d-{index}-{k}": v for k, v in values.items()}


def test_rsvp_page_asks_the_questions_and_shows_errors_beside_them(client, conference, diet, allergy):
    invitation = InvitationFactory(conference=conference, status="sent")
    html = client.get(f"/rsvp/{invitation.token}/").content.decode()
    assert f'<label for="d-0-q{diet.pk}">Dietary needs' in html
    assert f'data-condition-name="d-0-q{diet.pk}" data-condition-value="other"' in html
    data = {"action": "accept", "rows": "1", **page_delegate(**{f"q{diet.pk}": "other"})}
    response = client.post(f"/rsvp/{invitation.token}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="d-0-q{allergy.pk}-error"' in html and "Answer this question." in html
    data[f"d-0-q{allergy.pk}"] = "nut allergy"
    assert client.post(f"/rsvp/{invitation.token}/", data).status_code == 302
    registration = Registration.objects.get(invitation=invitation)
    assert registration.answers == {str(diet.pk): "other", str(allergy.pk): "nut allergy"}


def test_answers_are_editable_on_the_delegates_page(client, conference, diet, allergy):
    registration = RegistrationFactory(
        invitation=InvitationFactory(conference=conference), answers={str(diet.pk): "vegan"}
    )
    html = client.get(f"/my/{registration.token}/").content.decode()
    assert '<option value="vegan" selected>vegan</option>' in html
    data = {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        f"q{diet.pk}": "kosher",
    }
    response = client.post(f"/my/{registration.token}/", data)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.answers == {str(diet.pk): "kosher"}
    data[f"q{diet.pk}"] = "beef"
    response = client.post(f"/my/{registration.token}/", data)
    assert response.status_code == 400 and "Choose one of" in response.content.decode()
    registration.refresh_from_db()
    assert registration.answers == {str(diet.pk): "kosher"}


def test_update_registration_keeps_answers_through_the_service(conference, diet):
    registration = RegistrationFactory(
        invitation=InvitationFactory(conference=conference), answers={str(diet.pk): "vegan"}
    )
    data = {f: getattr(registration, f) for f in services.DELEGATE_FIELDS} | {"workshops": []}
    with pytest.raises(services.DelegatesInvalid) as exc:
        services.update_registration(registration=registration, data={**data, "answers": {}})
    assert exc.value.errors == [{"answers": {str(diet.pk): ["Choose an answer."]}}]
    services.update_registration(registration=registration, data={**data, "answers": {str(diet.pk): "halal"}})
    registration.refresh_from_db()
    assert registration.answers == {str(diet.pk): "halal"}


def test_a_condition_reads_its_question_wherever_it_stands_in_the_order(conference, diet, allergy):
    allergy.position, diet.position = 0, 10
    allergy.save()
    diet.save()
    cleaned, errors = questions.clean_answers(conference, "company", {str(diet.pk): "other"})
    assert errors == {str(allergy.pk): ["Answer this question."]}
    answers = {str(diet.pk): "other", str(allergy.pk): "nuts"}
    assert questions.clean_answers(conference, "company", answers) == (answers, {})


def test_a_wrong_answer_to_a_question_not_asked_is_ignored(conference, diet, allergy):
    number = QuestionFactory(conference=conference, kind="number", depends_on={"question": diet.pk, "answer": "vegan"})
    cleaned, errors = questions.clean_answers(conference, "company", {str(diet.pk): "none", str(number.pk): "lots"})
    assert (cleaned, errors) == ({str(diet.pk): "none"}, {})


def test_organisers_read_the_answers_in_the_registrations_api(organiser_api, conference, diet):
    RegistrationFactory(invitation=InvitationFactory(conference=conference), answers={str(diet.pk): "vegan"})
    body = organiser_api.get(f"/api/conferences/{conference.slug}/registrations/").json()
    assert body["results"][0]["answers"] == {str(diet.pk): "vegan"}
