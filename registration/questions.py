"""A conference's own questions: defining them, asking them, checking the answers, showing them.

The one home of every rule about questions (see docs/architecture.md):

- what a question may be (:func:`question_errors`: kind, choices, categories,
  a condition on an earlier answer without circles), saving, ordering and
  deleting them (:func:`save_question`, :func:`reorder_questions`,
  :func:`delete_question`);
- which questions a delegate is asked (:func:`is_asked`: their category, and
  the answer a condition names);
- what counts as an answer (:func:`clean_answers`: required only when asked,
  a choice that is offered, the right type). ``DelegateForm`` calls it, so the
  RSVP page, the RSVP API and ``/my/<token>/`` answer alike;
- how an answer reads (:func:`display_answer`), at the door
  (:func:`door_notes`), on the badge (:func:`badge_answers`) and in exports;
- which questions' answers a badge prints (each question's ``on_badge``, set
  one at a time by :func:`save_question` or all at once by :func:`set_on_badge`,
  the badge design page's list).

Answers are stored on the registration (``Registration.answers``, keyed by the
question's id as text): a delegate's answers are read with the delegate in
one row (the door's scan and the exports need no join), and they are always
written whole, after :func:`clean_answers`.
"""

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from django.db import transaction

from conference.models import Category, Conference
from conference.plumbing.errors import Conflict, ServiceError

from .models import Question, Registration

Kind = Question.Kind
CHOOSING = (Kind.CHOICE, Kind.MULTIPLE_CHOICE)
MAX_TEXT = 500
MAX_CHOICES = 50
MAX_CHOICE_LENGTH = 100
YES = ("yes", "true", "1", "on")
NO = ("no", "false", "0", "off")


class QuestionInvalid(ServiceError):
    """A question's definition with errors: ``{field: message}``, answered as field errors."""

    code = "invalid"

    def __init__(self, errors):
        super().__init__("The question needs correcting.")
        self.errors = errors

    def as_dict(self):
        return {field: [message] for field, message in self.errors.items()}


class QuestionInUse(Conflict):
    code = "question_in_use"


# --- Defining questions -------------------------------------------------------------


def questions_of(conference):
    """The conference's questions, in the order they are asked."""
    return list(Question.objects.filter(conference=conference).order_by("position", "pk"))


def _parent_chain_has(questions_by_id, start_id, target_id):
    """Whether following ``depends_on`` from ``start_id`` reaches ``target_id`` (a circle)."""
    seen = set()
    current = start_id
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        parent = questions_by_id.get(current)
        current = parent.depends_on.get("question") if parent is not None and parent.depends_on else None
    return False


def question_errors(*, conference, values, instance=None):
    """What is wrong with a question's definition: ``{field: message}``, empty when fine.

    ``values``: label, kind, choices, required, categories, depends_on (the
    others are plain booleans and numbers, checked by their callers' fields).
    """
    errors = {}
    label = values.get("label")
    if not isinstance(label, str) or not label.strip():
        errors["label"] = "Give the question's wording, e.g. “Dietary needs”."
    elif len(label) > 200:
        errors["label"] = "Keep the question to 200 characters."
    kind = values.get("kind")
    if kind not in Kind.values:
        errors["kind"] = f"Choose a kind among {', '.join(Kind.values)}."
    choices = values.get("choices") or []
    if not isinstance(choices, list) or not all(isinstance(c, str) and c.strip() for c in choices):
        errors["choices"] = 'Give the answers offered as a list of texts, e.g. ["vegetarian", "vegan"].'
    elif kind in CHOOSING and len(choices) < 2:
        errors["choices"] = "Offer at least two answers to choose from."
    elif kind not in CHOOSING and choices:
        errors["choices"] = "Only choice and multiple-choice questions offer answers; leave the list empty."
    elif len(choices) > MAX_CHOICES or any(len(c) > MAX_CHOICE_LENGTH for c in choices):
        errors["choices"] = f"Offer at most {MAX_CHOICES} answers of {MAX_CHOICE_LENGTH} characters each."
    elif len({c.strip().casefold() for c in choices}) != len(choices):
        errors["choices"] = "An answer is offered twice."
    categories = values.get("categories") or []
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        errors["categories"] = 'Give a list of categories, e.g. ["partner", "company"]; empty asks everyone.'
    elif unknown := [c for c in categories if c not in Category.values]:
        errors["categories"] = f"Unknown: {', '.join(unknown)}; the categories are {', '.join(Category.values)}."
    depends_on = values.get("depends_on")
    if depends_on is not None:
        message = _depends_on_error(conference, depends_on, instance)
        if message:
            errors["depends_on"] = message
    return errors


def _depends_on_error(conference, depends_on, instance):
    if not isinstance(depends_on, dict) or set(depends_on) != {"question", "answer"}:
        return 'Give {"question": id, "answer": value}, or null to ask always.'
    parent_id = depends_on["question"]
    others = {q.pk: q for q in Question.objects.filter(conference=conference)}
    if isinstance(parent_id, bool) or not isinstance(parent_id, int) or parent_id not in others:
        return f"{parent_id} is not a question of {conference.name}."
    if instance is not None and instance.pk is not None and _parent_chain_has(others, parent_id, instance.pk):
        return "A question cannot depend on itself, not even through another question."
    parent = others[parent_id]
    answer = depends_on["answer"]
    if parent.kind in CHOOSING:
        if answer not in parent.choices:
            return f"“{parent.label}” offers {', '.join(parent.choices)}: depend on one of them."
    elif parent.kind == Kind.YES_NO:
        if not isinstance(answer, bool):
            return f"“{parent.label}” is answered yes or no: depend on true or false."
    else:
        cleaned, error = _clean_value(parent, answer)
        if error or cleaned is None:
            return f"Give an answer “{parent.label}” can have ({error or 'not empty'})."
    return None


FIELDS = ("label", "kind", "choices", "required", "categories", "depends_on", "show_at_door", "on_badge", "position")


def save_question(*, conference, values, instance=None):
    """Create or change a question after :func:`question_errors`; a new one goes last unless a position is given."""
    with transaction.atomic():
        # The conference's questions are checked and written under one lock, so two editors make no circle.
        Conference.objects.select_for_update().filter(pk=conference.pk).first()
        merged = {name: getattr(instance, name) for name in FIELDS} if instance is not None else {}
        merged.update(values)
        errors = question_errors(conference=conference, values=merged, instance=instance)
        if errors:
            raise QuestionInvalid(errors)
        question = instance or Question(conference=conference)
        if instance is None and "position" not in values:
            last = Question.objects.filter(conference=conference).order_by("-position").first()
            merged["position"] = last.position + 1 if last else 0
        for name in FIELDS:
            if name in merged:
                setattr(question, name, merged[name])
        question.label = question.label.strip()
        question.choices = [c.strip() for c in question.choices or []]
        question.categories = question.categories or []
        question.save()
    return question


def delete_question(*, question):
    """Delete a question; refused while another question is asked only after an answer to it."""
    dependants = [
        q.label
        for q in Question.objects.filter(conference_id=question.conference_id).exclude(pk=question.pk)
        if q.depends_on and q.depends_on.get("question") == question.pk
    ]
    if dependants:
        raise QuestionInUse(
            f"“{'”, “'.join(dependants)}” {'is' if len(dependants) == 1 else 'are'} asked only after an answer "
            f"to “{question.label}”: change {'it' if len(dependants) == 1 else 'them'} first."
        )
    question.delete()


def reorder_questions(*, conference, ids):
    """Put the conference's questions in the order of ``ids`` (every question's id, once)."""
    with transaction.atomic():
        questions = {q.pk: q for q in Question.objects.select_for_update().filter(conference=conference)}
        if not isinstance(ids, list) or sorted(i for i in ids if isinstance(i, int)) != sorted(questions):
            raise QuestionInvalid({"ids": "Give every question's id once, in the new order."})
        for position, pk in enumerate(ids):
            question = questions[pk]
            if question.position != position:
                question.position = position
                question.save(update_fields=["position"])
    return questions_of(conference)


def move_question(*, question, by):
    """Move a question one place up (``by=-1``) or down (``by=1``) in its conference's order."""
    order = [q.pk for q in questions_of(question.conference)]
    index = order.index(question.pk)
    other = index + by
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return reorder_questions(conference=question.conference, ids=order)


def set_on_badge(conference, question_ids):
    """Print the answers to exactly the questions ``question_ids`` on the conference's badges; returns those questions.

    The badge design page's list of questions, saved at once: every other
    question of the conference stops printing. Refused (``QuestionInvalid``,
    field ``on_badge``) when an id is not one of the conference's questions,
    and then nothing changes.
    """
    wanted = set(question_ids)
    with transaction.atomic():
        own = set(Question.objects.select_for_update().filter(conference=conference).values_list("pk", flat=True))
        unknown = ", ".join(sorted(str(i) for i in wanted - own))
        if unknown:
            message = f"Not a question of {conference.name}: {unknown}. Reload the page to see its questions."
            raise QuestionInvalid({"on_badge": message})
        Question.objects.filter(conference=conference, pk__in=wanted).update(on_badge=True)
        Question.objects.filter(conference=conference).exclude(pk__in=wanted).update(on_badge=False)
    return [q for q in questions_of(conference) if q.on_badge]


# --- Asking and answering ---------------------------------------------------------------


def applies_to(question, category):
    """Whether ``category`` is among the question's categories (an empty list: everyone)."""
    return not question.categories or category in question.categories


def matches(question, value, wanted):
    """Whether the answer ``value`` to ``question`` is the one a condition names (or holds it, for multiple choice)."""
    if value is None:
        return False
    if question.kind == Kind.MULTIPLE_CHOICE:
        return wanted in value
    return value == wanted


def is_asked(question, category, cleaned, by_id):
    """Whether a delegate of ``category`` is asked ``question``, given the (type-checked) answers ``cleaned``.

    A question that depends on another is asked only when that other was
    asked and given the answer named.
    """
    seen = set()
    current = question
    while current is not None:
        if current.pk in seen or not applies_to(current, category):
            return False
        seen.add(current.pk)
        if not current.depends_on:
            return True
        parent = by_id.get(current.depends_on.get("question"))
        if parent is None or not matches(parent, cleaned.get(str(parent.pk)), current.depends_on.get("answer")):
            return False
        current = parent
    return True


def _is_empty(value):
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _clean_value(question, value):
    """``(cleaned, error)`` for one answer: text stripped, a choice offered, true/false, a number, an ISO date."""
    if _is_empty(value):
        return None, None
    kind = question.kind
    if kind == Kind.TEXT:
        if not isinstance(value, str):
            return None, "Give this as text."
        value = value.strip()
        if len(value) > MAX_TEXT:
            return None, f"Keep this to {MAX_TEXT} characters."
        return value, None
    if kind == Kind.CHOICE:
        if not isinstance(value, str) or value.strip() not in question.choices:
            return None, f"Choose one of: {', '.join(question.choices)}."
        return value.strip(), None
    if kind == Kind.MULTIPLE_CHOICE:
        values = value if isinstance(value, list) else None
        if values is None or not all(isinstance(v, str) and v.strip() in question.choices for v in values):
            return None, f"Choose among: {', '.join(question.choices)}."
        chosen = {v.strip() for v in values}
        return [c for c in question.choices if c in chosen], None
    if kind == Kind.YES_NO:
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.strip().lower() in YES + NO:
            return value.strip().lower() in YES, None
        return None, "Answer yes or no."
    if kind == Kind.NUMBER:
        return _clean_number(value)
    if kind == Kind.DATE:
        try:
            return dt.date.fromisoformat(value.strip()).isoformat(), None
        except (AttributeError, ValueError):
            return None, "Give a date as YYYY-MM-DD, for example 2027-05-20."
    return None, "This question cannot be answered."


def _clean_number(value):
    message = "Give a number, for example 3 or 2.5."
    if isinstance(value, bool):
        return None, message
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None, message
        number = Decimal(str(value))
    elif isinstance(value, str) and len(value) <= 30:
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None, message
        if not number.is_finite():
            return None, message
    else:
        return None, message
    if abs(number) >= 10**12:
        return None, "Give a smaller number."
    return (int(number) if number == number.to_integral_value() else float(number)), None


def clean_answers(conference, category, answers, questions=None):
    """``(cleaned, errors)`` for a delegate's answers to ``conference``'s questions.

    ``answers``: ``{"<question id>": value}`` as sent (the API's JSON, or the
    page's fields gathered by DelegateForm). ``cleaned`` keeps only the
    answers to questions the delegate is asked (their category, and a
    condition's answer given); ``errors`` is ``{"<question id>": [message]}``
    (``"answers"`` for answers that are not an object), empty when all is well.
    A required question is required only when asked.
    """
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        return {}, {"answers": ['Give the answers as an object: {"<question id>": answer}.']}
    questions = questions_of(conference) if questions is None else questions
    by_id = {q.pk: q for q in questions}
    errors = {}
    for key in answers:
        if not (isinstance(key, str) and key.isdigit() and int(key) in by_id):
            errors[str(key)] = [f"{key} is not a question of {conference.name}."]
    # Each answer's type first, then which questions are asked: a condition reads its question's answer
    # wherever the two stand in the order.
    values, wrong = {}, {}
    for question in questions:
        key = str(question.pk)
        value, error = _clean_value(question, answers.get(key))
        if error:
            wrong[key] = error
        elif value is not None:
            values[key] = value
    cleaned = {}
    for question in questions:
        key = str(question.pk)
        if not is_asked(question, category, values, by_id):
            continue
        if key in wrong:
            errors[key] = [wrong[key]]
        elif key in values:
            cleaned[key] = values[key]
        elif question.required:
            errors[key] = ["Answer this question." if question.kind != Kind.CHOICE else "Choose an answer."]
    return cleaned, errors


# --- Showing answers ----------------------------------------------------------------------


def display_answer(question, value):
    """An answer as people read it: "Yes"/"No", choices joined with commas, numbers and dates as given."""
    if value is None or value == "" or value == []:
        return ""
    if question.kind == Kind.YES_NO:
        return "Yes" if value else "No"
    if question.kind == Kind.MULTIPLE_CHOICE and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def answered(registration, questions):
    """``[(question, shown answer)]`` for ``questions`` the delegate answered, in order."""
    answers = registration.answers or {}
    pairs = []
    for question in questions:
        shown = display_answer(question, answers.get(str(question.pk)))
        if shown:
            pairs.append((question, shown))
    return pairs


def door_notes(registration, questions=None):
    """What door staff are told at a scan: ``["Label: answer", ...]`` of ``show_at_door`` questions answered.

    No query for a delegate with no answers; else one for the conference's door questions.
    """
    if not registration.answers:
        return []
    if questions is None:
        questions = Question.objects.filter(conference_id=registration.conference_id, show_at_door=True).order_by(
            "position", "pk"
        )
    return [f"{q.label}: {shown}" for q, shown in answered(registration, questions)]


def badge_questions(conference_id):
    """The conference's questions whose answers badges print (``on_badge``), in the order they print."""
    return list(Question.objects.filter(conference_id=conference_id, on_badge=True).order_by("position", "pk"))


def badge_answers(registration, questions=None):
    """``[(label, answer)]`` printed on the delegate's badge: the ``on_badge`` questions answered
    (``questions``: :func:`badge_questions`, when the caller has them)."""
    if not registration.answers:
        return []
    if questions is None:
        questions = badge_questions(registration.conference_id)
    return [(q.label, shown) for q, shown in answered(registration, questions)]


def sample_answers(conference, category, questions=None):
    """Made-up answers of a sample delegate of ``category``, so a preview (the badge design's) shows answers printed.

    One answer to each question such a delegate is asked: the first choice
    offered, "Yes", 1, the conference's first day, or "Sample answer" for text.
    """
    questions = questions_of(conference) if questions is None else questions
    values = {str(q.pk): _sample_value(q, conference) for q in questions}
    by_id = {q.pk: q for q in questions}
    return {str(q.pk): values[str(q.pk)] for q in questions if is_asked(q, category, values, by_id)}


def _sample_value(question, conference):
    kind = question.kind
    if kind == Kind.CHOICE:
        return question.choices[0] if question.choices else "Sample answer"
    if kind == Kind.MULTIPLE_CHOICE:
        return question.choices[:1]
    if kind == Kind.YES_NO:
        return True
    if kind == Kind.NUMBER:
        return 1
    if kind == Kind.DATE:
        return conference.starts_on.isoformat() if conference.starts_on else "2027-01-01"
    return "Sample answer"


def choice_counts(conference, statuses, questions=None):
    """``[(question, choice, {status: n})]``: how many delegates chose each answer of each choice question.

    One query (none without a choice question); ``questions``: the conference's, when the caller has them.
    """
    questions = [q for q in (questions_of(conference) if questions is None else questions) if q.kind in CHOOSING]
    if not questions:
        return []
    counts = {(q.pk, c): dict.fromkeys(statuses, 0) for q in questions for c in q.choices}
    rows = Registration.objects.filter(conference=conference, status__in=statuses).values_list("status", "answers")
    for status, answers in rows:
        for question in questions:
            value = (answers or {}).get(str(question.pk))
            for choice in value if isinstance(value, list) else [value]:
                if (question.pk, choice) in counts:
                    counts[(question.pk, choice)][status] += 1
    return [(q, c, counts[(q.pk, c)]) for q in questions for c in q.choices]


# --- Next year --------------------------------------------------------------------------------


def copy_questions(*, source, target):
    """Copy ``source``'s questions to ``target`` (conditions pointed at the copies); returns ``{old id: new id}``."""
    mapping = {}
    copies = []
    for question in questions_of(source):
        copy = Question.objects.create(
            conference=target,
            **{name: getattr(question, name) for name in FIELDS if name != "depends_on"},
        )
        mapping[question.pk] = copy.pk
        copies.append((question, copy))
    for question, copy in copies:
        if question.depends_on and question.depends_on.get("question") in mapping:
            copy.depends_on = {**question.depends_on, "question": mapping[question.depends_on["question"]]}
            copy.save(update_fields=["depends_on"])
    return mapping
