"""The organiser's questions page: list, add, edit, reorder and delete a conference's questions, with a preview.

Thin: what a question may be, and every change, is ``registration.questions``';
this module only turns the page's fields into those functions' values.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from conference.models import Category, Conference
from conference.plumbing.access import organiser_required
from conference.plumbing.errors import ServiceError
from registration import questions
from registration.forms import DelegateBoundField, DelegateForm
from registration.models import Question


class QuestionForm(forms.Form):
    """The page's fields of one question; ``values()`` gives them to ``questions.save_question``."""

    bound_field_class = DelegateBoundField  # hints and errors described as the page renders them

    label = forms.CharField(label="Question", max_length=200)
    kind = forms.ChoiceField(label="Kind of answer", choices=Question.Kind.choices)
    choices = forms.CharField(
        label="Answers offered",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One a line; for choice and multiple-choice questions only.",
    )
    required = forms.BooleanField(label="An answer is required (when the question is asked)", required=False)
    categories = forms.MultipleChoiceField(
        label="Ask only these categories",
        required=False,
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every delegate is asked.",
    )
    depends_on_question = forms.TypedChoiceField(
        label="Ask only after another answer: the question",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Leave on “Always ask” for a question everyone of those categories is asked.",
    )
    depends_on_answer = forms.CharField(
        label="… and the answer it waits for",
        required=False,
        max_length=100,
        help_text="One of that question's answers (yes or no for a yes/no question).",
    )
    show_at_door = forms.BooleanField(label="Show the answer to door staff at the scan", required=False)
    on_badge = forms.BooleanField(label="Print the answer on the badge", required=False)

    def __init__(self, *args, conference, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            depends_on = instance.depends_on or {}
            answer = depends_on.get("answer")
            kwargs["initial"] = {
                "label": instance.label,
                "kind": instance.kind,
                "choices": "\n".join(instance.choices),
                "required": instance.required,
                "categories": instance.categories,
                "depends_on_question": depends_on.get("question"),
                "depends_on_answer": ("yes" if answer else "no") if isinstance(answer, bool) else answer,
                "show_at_door": instance.show_at_door,
                "on_badge": instance.on_badge,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        others = Question.objects.filter(conference=conference).order_by("position", "pk")
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        self.others = {q.pk: q for q in others}
        self.fields["depends_on_question"].choices = [("", "Always ask")] + [
            (q.pk, q.label) for q in self.others.values()
        ]

    def values(self):
        data = self.cleaned_data
        depends_on = None
        parent = self.others.get(data["depends_on_question"])
        if parent is not None:
            answer = data["depends_on_answer"].strip()
            if parent.kind == Question.Kind.YES_NO and answer.lower() in questions.YES + questions.NO:
                answer = answer.lower() in questions.YES
            depends_on = {"question": parent.pk, "answer": answer}
        return {
            "label": data["label"],
            "kind": data["kind"],
            "choices": [line.strip() for line in data["choices"].splitlines() if line.strip()],
            "required": data["required"],
            "categories": list(data["categories"]),
            "depends_on": depends_on,
            "show_at_door": data["show_at_door"],
            "on_badge": data["on_badge"],
        }

    def add_service_errors(self, errors):
        fields = {"depends_on": "depends_on_question"}
        for field, message in errors.items():
            self.add_error(fields.get(field, field) if fields.get(field, field) in self.fields else None, message)


def _page(request, conference, form, editing=None, status=200):
    listed = questions.questions_of(conference)
    by_id = {q.pk: q for q in listed}
    rows = [
        {
            "question": q,
            "parent": by_id.get((q.depends_on or {}).get("question")),
            "answer": questions.display_answer(
                by_id.get((q.depends_on or {}).get("question"), q), (q.depends_on or {}).get("answer")
            ),
            "categories": [Category(c).label for c in q.categories if c in Category.values],
        }
        for q in listed
    ]
    context = {
        "conference": conference,
        "rows": rows,
        "form": form,
        "editing": editing,
        # The RSVP form's questions as a delegate of any category would see them (conditions work live).
        "preview": _preview_form(listed),
        "preview_empty": not listed,
    }
    return render(request, "organiser/questions.html", context, status=status)


@organiser_required
@require_http_methods(["GET", "POST"])
def questions_page(request, slug):
    """GET: the list, the preview, and the form (a new question, or ``?edit=<id>``). POST: save that form."""
    conference = get_object_or_404(Conference, slug=slug)
    edit_id = request.POST.get("id") or request.GET.get("edit")
    editing = None
    if edit_id:
        editing = get_object_or_404(Question, conference=conference, pk=edit_id if str(edit_id).isdigit() else 0)
    if request.method == "GET":
        return _page(request, conference, QuestionForm(conference=conference, instance=editing), editing)
    form = QuestionForm(request.POST, conference=conference, instance=editing)
    if form.is_valid():
        try:
            saved = questions.save_question(conference=conference, values=form.values(), instance=editing)
        except questions.QuestionInvalid as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"“{saved.label}” is saved.")
            return redirect(reverse("organiser-questions", args=[conference.slug]) + "#questions")
    return _page(request, conference, form, editing, status=400)


def _preview_form(questions_shown):
    return DelegateForm(questions=questions_shown, prefix="preview", auto_id="%s")


@organiser_required
@require_POST
def questions_preview(request, slug):
    """The preview fragment with the question being edited as typed (nothing saved): the page's script asks for it.

    The typed question takes its saved one's place (or goes last); a
    definition ``questions.question_errors`` refuses is left out and said so.
    """
    conference = get_object_or_404(Conference, slug=slug)
    listed = questions.questions_of(conference)
    edit_id = request.POST.get("id")
    editing = next((q for q in listed if str(q.pk) == edit_id), None)
    form = QuestionForm(request.POST, conference=conference, instance=editing)
    problem = "Fill in the question to preview it."
    if form.is_valid():
        values = form.values()
        errors = questions.question_errors(conference=conference, values=values, instance=editing)
        if errors:
            problem = "The question as typed cannot be asked yet: " + " ".join(errors.values())
        else:
            typed = Question(conference=conference, pk=editing.pk if editing else 0, **values)
            listed = [typed if q == editing and editing else q for q in listed] + ([] if editing else [typed])
            problem = ""
    context = {"form": _preview_form(listed), "problem": problem, "empty": not listed}
    return render(request, "organiser/_questions_preview.html", context)


@organiser_required
@require_POST
def question_action(request, slug, pk, action):
    """Move a question up or down, or delete it."""
    conference = get_object_or_404(Conference, slug=slug)
    question = get_object_or_404(Question, conference=conference, pk=pk)
    try:
        if action == "up":
            questions.move_question(question=question, by=-1)
        elif action == "down":
            questions.move_question(question=question, by=1)
        elif action == "delete":
            questions.delete_question(question=question)
            messages.success(request, f"“{question.label}” is deleted.")
        else:
            messages.error(request, "Unknown action.")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("organiser-questions", args=[conference.slug]) + "#questions")
