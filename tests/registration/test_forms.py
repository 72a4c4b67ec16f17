"""DelegateForm: the one home of a delegate's fields, limits and messages."""

import pytest

from registration.forms import CONSENT_MESSAGE, DelegateForm, delegate_formset
from tests.factories import ConferenceFactory, RegistrationFactory, WorkshopFactory, delegate_data

pytestmark = pytest.mark.django_db


def test_delegate_form_labels_hints_autocomplete_limits_and_required():
    form = DelegateForm(conference=ConferenceFactory())
    labels = {name: str(field.label) for name, field in form.fields.items()}
    assert labels == {
        "first_name": "First name",
        "last_name": "Last name",
        "email": "E-mail",
        "badge_name": "Badge name",
        "job_title": "Job title",
        "dietary": "Dietary needs",
        "accessibility": "Accessibility needs",
        "workshops": "Workshops",
        "consent": "I agree to the privacy notice: these details are used only to run this conference.",
        # Networking (registration.networking), optional.
        "directory_opt_in": "List me in the delegate directory",
        "interests": "My interests",
        "networking_note": "A note for other delegates",
    }
    required = {name for name, field in form.fields.items() if field.required}
    assert required == {"first_name", "last_name", "email", "consent"}
    limits = {name: form.fields[name].max_length for name in ("first_name", "email", "job_title", "dietary")}
    assert limits == {"first_name": 100, "email": 254, "job_title": 200, "dietary": 300}
    assert form.fields["first_name"].widget.attrs["autocomplete"] == "given-name"
    assert form.fields["email"].widget.input_type == "email"
    assert "badge" in form.fields["badge_name"].help_text


def test_delegate_form_messages():
    conference = ConferenceFactory()
    foreign = WorkshopFactory()
    form = DelegateForm(
        {"first_name": " ", "email": "nope", "dietary": "x" * 301, "workshops": [foreign.pk]}, conference=conference
    )
    assert not form.is_valid()
    assert form.error_dict() == {
        "first_name": ["Give the delegate's first name."],
        "last_name": ["Give the delegate's last name."],
        "email": ["Give a valid e-mail address, such as name@example.org."],
        "dietary": ["Keep this to 300 characters."],
        "consent": [CONSENT_MESSAGE],
        "workshops": [f"{foreign.pk} is not a workshop of {conference.name}."],
    }


def test_delegate_form_refuses_two_workshops_at_the_same_time():
    conference = ConferenceFactory()
    a = WorkshopFactory(conference=conference, title="Cloud security clinic")
    b = WorkshopFactory(conference=conference, title="Data ethics lab", starts_at=a.starts_at, ends_at=a.ends_at)
    later = WorkshopFactory(conference=conference, starts_at=a.ends_at, ends_at=a.ends_at + (a.ends_at - a.starts_at))
    form = DelegateForm(delegate_data(workshops=[a.pk, b.pk]), conference=conference)
    assert not form.is_valid()
    assert form.errors["workshops"] == [
        "“Cloud security clinic” and “Data ethics lab” are at the same time; choose one."
    ]
    form = DelegateForm(delegate_data(workshops=[later.pk, a.pk]), conference=conference)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["workshops"] == [a, later]


def test_manage_form_starts_from_the_saved_details_without_consent():
    registration = RegistrationFactory(first_name="Ngozi")
    workshop = WorkshopFactory(conference=registration.conference)
    registration.workshops.add(workshop)
    form = DelegateForm.for_registration(registration)
    assert "consent" not in form.fields
    assert form["first_name"].value() == "Ngozi"
    assert form.chosen_workshop_ids() == {str(workshop.pk)}


def test_formset_keeps_between_one_row_and_the_seats_left():
    conference = ConferenceFactory()
    assert len(delegate_formset(conference=conference, seats_left=3).forms) == 1
    assert len(delegate_formset(conference=conference, seats_left=2, data={"rows": "9"}).forms) == 2
    assert len(delegate_formset(conference=conference, seats_left=2, data={"d-TOTAL_FORMS": "0"}).forms) == 1
    bound = delegate_formset(conference=conference, seats_left=3, data={"rows": "1", "d-0-first_name": "Ada"})
    grown = bound.with_another_row()
    assert [form["first_name"].value() for form in grown.forms] == ["Ada", None]
    assert grown.forms[1].fields["first_name"].widget.attrs.get("autofocus")
    assert [form.prefix for form in grown.forms] == ["d-0", "d-1"]


@pytest.mark.parametrize(
    ("value", "given"),
    [(True, True), ("on", True), ("true", True), (1, True), ("1", True), ("yes", True)]
    + [(False, False), ("false", False), ("0", False), (0, False), ("no", False), ("", False), (None, False)]
    + [([True], False), ({"a": 1}, False), (2, False)],
)
def test_consent_is_a_clear_yes(value, given):
    form = DelegateForm({**delegate_data(), "consent": value}, conference=ConferenceFactory())
    assert form.is_valid() is given
    if not given:
        assert form.errors["consent"] == [CONSENT_MESSAGE]
