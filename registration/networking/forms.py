"""A delegate's networking fields, as a part of ``registration.forms.DelegateForm``.

Opting in to the directory, interests among the conference's topics and a
short note: on the RSVP page and API, and on the delegate's page. When the
conference has networking switched off the fields are left out (and a
profile is left as it was).
"""

from django import forms
from django.core.exceptions import ValidationError

from .models import NOTE_LIMIT, NetworkingSettings, Topic, validate_note_text

NETWORKING_FIELDS = ("directory_opt_in", "interests", "networking_note")


class TopicChoices(forms.ModelMultipleChoiceField):
    def clean(self, value):
        if value not in self.empty_values and not isinstance(value, list | tuple):
            raise ValidationError("Give the interests as a list of topic ids.", code="invalid_list")
        return super().clean(value)


class NoteField(forms.CharField):
    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, str):
            raise ValidationError("Give this as text.", code="not_text")
        return super().to_python(value)


class NetworkingFields(forms.Form):
    """The fields; :meth:`init_networking` gives them the conference's topics (or removes them)."""

    directory_opt_in = forms.BooleanField(
        required=False,
        label="List me in the delegate directory",
        help_text="Other delegates who are listed see your name, job title, organisation, interests and note "
        "(never your e-mail) and can ask you for a meeting. You can change your mind on your page.",
    )
    interests = TopicChoices(
        queryset=Topic.objects.none(),
        required=False,
        label="My interests",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "%(value)s is not a topic of this conference.",
            "invalid_pk_value": "%(pk)s is not a topic of this conference.",
        },
    )
    networking_note = NoteField(
        required=False,
        max_length=NOTE_LIMIT,
        label="A note for other delegates",
        help_text="For example: looking for a university partner for a KTP.",
        validators=[validate_note_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note to %(limit_value)d characters."},
    )

    def init_networking(self, conference):
        if conference is None or not NetworkingSettings.of(conference).enabled:
            for name in NETWORKING_FIELDS:
                self.fields.pop(name, None)
            return
        if "interests" in self.fields:  # a form may leave the fields out (the admin's)
            self.fields["interests"].queryset = Topic.objects.filter(conference=conference).order_by("position", "name")

    def networking_fields(self):
        """The bound networking fields, for the pages (none when networking is off)."""
        return [self[name] for name in NETWORKING_FIELDS if name in self.fields]


def networking_initial(registration):
    """A delegate's saved networking fields, as a form's starting values."""
    return {
        "directory_opt_in": registration.directory_opt_in,
        "interests": [t.pk for t in registration.interests.all()],
        "networking_note": registration.networking_note,
    }
