"""A delegate's details as one Django form: the single home of their fields and rules.

Every limit, label, hint, autocomplete attribute, required field and error
message of a delegate is decided here, by :class:`DelegateForm`: the services
validate with it (so the RSVP page, the RSVP API and the manage page get the
same answers), the pages render from it, the API's schema is derived from it
and the admin's change form inherits its fields. Capacity, seats and
duplicates on an invitation need the database's locks and stay in
``services.py``.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BoundField, formset_factory
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, BaseFormSet

from conference.models import Session

from . import questions as asked
from .models import Question, Registration
from .networking.forms import NetworkingFields, networking_initial

TEXT_FIELDS = ("first_name", "last_name", "email", "badge_name", "job_title", "dietary", "accessibility")
CONSENT_MESSAGE = "Tick the box to agree to the privacy notice; we cannot register a delegate without it."
NOT_AN_OBJECT = "Give each delegate as an object of fields."


def workshops_of(conference):
    """The workshops a delegate of ``conference`` may choose among (not cancelled), in time order."""
    return (
        Session.objects.filter(conference=conference, kind=Session.Kind.WORKSHOP, cancelled_at__isnull=True)
        .select_related("room")
        .order_by("starts_at", "title")
    )


class TextOnly:
    """A text field that refuses what is not text (a list or an object sent to the API)."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, str):
            raise ValidationError("Give this as text.", code="not_text")
        return super().to_python(value)


class TextField(TextOnly, forms.CharField):
    pass


class EmailField(TextOnly, forms.EmailField):
    pass


class ConsentInput(forms.CheckboxInput):
    """A checkbox that hands its value on as sent, so that ConsentField decides what counts as a yes."""

    def value_from_datadict(self, data, files, name):
        return data.get(name, False)


class ConsentField(forms.BooleanField):
    """Consent is a clear yes: a ticked box ("on"), or true, 1, "true", "1", "yes" from the API; nothing else."""

    widget = ConsentInput
    YES = ("on", "true", "1", "yes")

    def to_python(self, value):
        if isinstance(value, str):
            return value.strip().lower() in self.YES
        return value is True or (type(value) is int and value == 1)


class DelegateBoundField(BoundField):
    """Points ``aria-describedby`` at the page's ``<id>-hint`` and ``<id>-error`` (see ``_field.html``).

    In a formset Django leaves out the ``required`` attribute (a blank extra
    row is allowed); ``aria-required`` still tells a screen reader which
    fields a delegate needs.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.field.required and "required" not in attrs:
            attrs["aria-required"] = "true"
        return attrs

    @property
    def aria_describedby(self):
        if not self.auto_id or self.is_hidden:
            return ""
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}-hint")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)


class AnswerField(forms.Field):
    """One question's answer as typed: handed on as it came, for ``questions.clean_answers`` to decide.

    Its widget follows the question's kind; it validates nothing itself (an
    answer's rules depend on the other answers, so they are decided together).
    """

    def __init__(self, question, **kwargs):
        self.question = question
        Kind = Question.Kind
        options = [(c, c) for c in question.choices]
        widgets = {
            Kind.TEXT: forms.TextInput(attrs={"maxlength": asked.MAX_TEXT}),
            Kind.CHOICE: forms.Select(choices=[("", "Choose…"), *options]),
            Kind.MULTIPLE_CHOICE: forms.CheckboxSelectMultiple(choices=options),
            Kind.YES_NO: forms.RadioSelect(choices=[("yes", "Yes"), ("no", "No")]),
            Kind.NUMBER: forms.TextInput(attrs={"inputmode": "decimal"}),
            Kind.DATE: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        super().__init__(required=False, label=question.label, widget=widgets[question.kind], **kwargs)

    def to_python(self, value):
        return value

    def prepare_value(self, value):
        if self.question.kind == Question.Kind.YES_NO and isinstance(value, bool):
            return "yes" if value else "no"
        return value

    def has_changed(self, initial, data):
        empty = (None, "", [])
        if initial in empty and data in empty:
            return False
        return self.prepare_value(initial) != data

    @property
    def is_group(self):
        """Radio buttons and checkboxes: a fieldset with a legend, not a label."""
        return self.question.kind in (Question.Kind.MULTIPLE_CHOICE, Question.Kind.YES_NO)

    @property
    def condition_value(self):
        """The parent's answer this question waits for, as the page's inputs write it (for the page's script)."""
        answer = (self.question.depends_on or {}).get("answer")
        if isinstance(answer, bool):
            return "yes" if answer else "no"
        return "" if answer is None else str(answer)


def answer_field_name(question):
    return f"q{question.pk}"


def _text_errors(required=None):
    messages = {"max_length": "Keep this to %(limit_value)d characters."}
    if required:
        messages["required"] = required
    return messages


class DelegateForm(NetworkingFields, forms.ModelForm):
    """One delegate: names, e-mail, badge name, job title, needs, workshops, and consent to the privacy notice.

    ``conference`` (or the instance's) decides the workshops on offer;
    ``require_consent=False`` leaves the consent box out (the manage page and
    the admin: consent was given when the delegate was named).
    """

    bound_field_class = DelegateBoundField

    consent = ConsentField(
        label="I agree to the privacy notice: these details are used only to run this conference.",
        error_messages={"required": CONSENT_MESSAGE},
    )

    class Meta:
        model = Registration
        fields = [*TEXT_FIELDS, "workshops"]
        field_classes = dict.fromkeys(TEXT_FIELDS, TextField) | {"email": EmailField}
        labels = {
            "first_name": "First name",
            "last_name": "Last name",
            "email": "E-mail",
            "badge_name": "Badge name",
            "job_title": "Job title",
            "dietary": "Dietary needs",
            "accessibility": "Accessibility needs",
            "workshops": "Workshops",
        }
        help_texts = {
            "email": "The confirmation and the personal link go here.",
            "badge_name": "Printed large on the badge; the first name if empty.",
            "dietary": "For example vegetarian, halal, nut allergy.",
            "accessibility": "For example step-free access, a hearing loop.",
            "workshops": "",
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "badge_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "dietary": forms.TextInput(attrs={"autocomplete": "off"}),
            "accessibility": forms.TextInput(attrs={"autocomplete": "off"}),
            "workshops": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "first_name": _text_errors("Give the delegate's first name."),
            "last_name": _text_errors("Give the delegate's last name."),
            "email": {
                **_text_errors("Give the delegate's e-mail address."),
                "invalid": "Give a valid e-mail address, such as name@example.org.",
            },
            "badge_name": _text_errors(),
            "job_title": _text_errors(),
            "dietary": _text_errors(),
            "accessibility": _text_errors(),
        }

    def __init__(self, *args, conference=None, category=None, require_consent=True, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if conference is None and self.instance.conference_id:
            conference = self.instance.conference
        if category is None and self.instance.invitation_id:
            category = self.instance.invitation.category
        self.conference = conference
        self.category = category
        if not require_consent:
            self.fields.pop("consent", None)
        self._add_questions(questions)
        self.init_networking(conference)  # registration.networking: opt in, interests, note
        if "workshops" in self.fields:
            field = self.fields["workshops"]
            field.queryset = workshops_of(conference) if conference else Session.objects.none()
            name = (conference.name if conference else "this conference").replace("%", "%%")
            field.error_messages.update(
                invalid_list="Give the workshops as a list of session ids.",
                invalid_choice=f"%(value)s is not a workshop of {name}.",
                invalid_pk_value=f"%(pk)s is not a workshop of {name}.",
            )

    def _add_questions(self, questions):
        """One field per question of the conference that the delegate's category may be asked (``q<id>``)."""
        if questions is None:
            questions = asked.questions_of(self.conference) if self.conference else []
        self.questions = questions
        self.answer_errors = {}
        for question in questions:
            if self.category is None or asked.applies_to(question, self.category):
                self.fields[answer_field_name(question)] = AnswerField(question)

    def question_fields(self):
        """The bound answer fields, in the order they are asked."""
        return [self[name] for name in self.fields if isinstance(self.fields[name], AnswerField)]

    def question_rows(self):
        """What the page renders for each question: the bound field, and the condition the page's script reads.

        ``condition_name`` is the input that decides whether the question is
        asked (``""``: always), ``condition_value`` the answer it waits for.
        Hiding is only a convenience: ``questions.clean_answers`` decides.
        """
        rows = []
        for bound in self.question_fields():
            depends_on = bound.field.question.depends_on or {}
            parent = depends_on.get("question")
            rows.append(
                {
                    "field": bound,
                    "question": bound.field.question,
                    "condition_name": self.add_prefix(f"q{parent}") if parent else "",
                    "condition_value": bound.field.condition_value,
                }
            )
        return rows

    def _raw_answers(self):
        """The answers as sent: the API's ``answers`` object, or the page's ``q<id>`` fields."""
        if hasattr(self.data, "getlist"):  # a page's POST
            answers = {}
            for field in self.question_fields():
                value = field.field.widget.value_from_datadict(self.data, self.files, field.html_name)
                if value not in (None, "", []):
                    answers[str(field.field.question.pk)] = value
            return answers
        return self.data.get("answers")

    def clean(self):
        cleaned_data = super().clean()
        if self.conference is None:
            return cleaned_data
        answers, errors = asked.clean_answers(self.conference, self.category, self._raw_answers(), self.questions)
        cleaned_data["answers"] = answers
        self.answer_errors = errors
        for key, messages in errors.items():
            name = f"q{key}"
            if name in self.fields:
                self.add_error(name, messages)
            else:
                self.add_error(None, [ValidationError(m, code="answers") for m in messages])
        return cleaned_data

    @classmethod
    def for_registration(cls, registration, data=None, **kwargs):
        """The manage page's form: a delegate's saved details as its starting values (no consent box).

        The registration is not the form's instance, so validating never
        changes the object the page shows; ``services.update_registration`` saves.
        """
        initial = {name: getattr(registration, name) for name in TEXT_FIELDS}
        initial["workshops"] = [w.pk for w in registration.workshops.all()]
        initial.update({f"q{key}": value for key, value in (registration.answers or {}).items()})
        initial |= networking_initial(registration)
        return cls(
            data,
            initial=initial,
            conference=registration.conference,
            category=registration.invitation.category,
            require_consent=False,
            **kwargs,
        )

    def text_fields(self):
        """The bound text fields, in the page's order."""
        return [self[name] for name in TEXT_FIELDS if name in self.fields]

    def chosen_workshop_ids(self):
        """The workshop ids ticked (as typed, or as saved), as strings, for the page's checkboxes."""
        if "workshops" not in self.fields:
            return set()
        return {str(value) for value in self["workshops"].value() or []}

    def clean_workshops(self):
        chosen = sorted(self.cleaned_data.get("workshops") or [], key=lambda s: (s.starts_at, s.title, s.pk))
        for i, first in enumerate(chosen):
            for second in chosen[i + 1 :]:
                if first.starts_at < second.ends_at and second.starts_at < first.ends_at:
                    raise ValidationError(
                        f"“{first.title}” and “{second.title}” are at the same time; choose one.", code="clash"
                    )
        return chosen

    def error_dict(self):
        """The errors as the API answers them: ``{field: [message, ...]}``, ``non_field_errors`` for the form's own.

        The answers' errors are under ``answers``, by question id: ``{"answers": {"12": [message]}}``.
        """
        errors = {}
        for field, data in self.errors.as_data().items():
            messages = [m for e in data if e.code != "answers" for m in e.messages]
            if field == NON_FIELD_ERRORS:
                if messages:
                    errors["non_field_errors"] = messages
            elif not isinstance(self.fields.get(field), AnswerField):
                errors[field] = messages
        if self.answer_errors:
            errors["answers"] = self.answer_errors
        return errors


class DelegateFormSet(BaseFormSet):
    """The RSVP page's new delegates: rows ``d-0-first_name``, ``d-1-first_name`` ..., at most the seats left.

    Every row is a new delegate (no initial forms), and a row left blank is
    skipped, so only the rows filled in are validated (by the service).
    """

    @classmethod
    def get_default_prefix(cls):
        return "d"

    def initial_form_count(self):
        return 0

    def filled_forms(self):
        """The rows filled in; the first row when all are blank (so that its errors show)."""
        return [form for form in self.forms if form.has_changed()] or self.forms[:1]

    def with_another_row(self):
        """The same rows, unbound with what was typed, and one more empty row (if a seat is left) with the focus."""
        typed = [{name: form[name].data for name in form.fields} for form in self.forms]
        more = len(typed) < self.max_num
        formset = delegate_formset(
            conference=self.form_kwargs["conference"],
            category=self.form_kwargs["category"],
            seats_left=self.max_num,
            initial=typed + [{}] * more,
        )
        if more:
            formset.forms[-1].fields["first_name"].widget.attrs["autofocus"] = True
        return formset


def delegate_formset(*, conference, seats_left, category=None, data=None, initial=None):
    """The RSVP page's formset: bound to ``data`` (a POST), or showing ``initial`` rows (one empty row by default).

    The number of rows is kept between 1 and the seats left. A POST without
    the management form (a page rendered before it had one) gives its row
    count in the hidden ``rows`` field.
    """
    most = max(seats_left, 1)
    rows = len(initial) if initial else 1
    if data is not None:
        total = data.get(f"d-{TOTAL_FORM_COUNT}", data.get("rows", 1))
        try:
            rows = int(total)
        except (TypeError, ValueError):
            rows = 1
        rows = max(1, min(rows, most))
        data = data.copy()
        data[f"d-{TOTAL_FORM_COUNT}"] = str(rows)
        data[f"d-{INITIAL_FORM_COUNT}"] = "0"
    formset_class = formset_factory(
        DelegateForm, formset=DelegateFormSet, extra=min(rows, most), max_num=most, absolute_max=most
    )
    kwargs = {"conference": conference, "category": category, "questions": asked.questions_of(conference)}
    return formset_class(data=data, initial=initial, auto_id="%s", form_kwargs=kwargs)
