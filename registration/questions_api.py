"""The registration questions API, for organisers (described in the README). Thin: the rules are ``questions``'."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from conference.api import ConferenceScoped

from . import questions
from .models import Question


class QuestionSerializer(serializers.ModelSerializer):
    # Typed here for the schema; what each may hold is questions.question_errors'.
    choices = serializers.JSONField(required=False, help_text="The answers offered (choice, multiple_choice).")
    categories = serializers.JSONField(required=False, help_text="Asked of these categories only; empty: everyone.")
    depends_on = serializers.JSONField(
        required=False, allow_null=True, help_text='{"question": id, "answer": value}, or null: always asked.'
    )
    label = serializers.CharField(max_length=200)
    kind = serializers.CharField(help_text="text, choice, multiple_choice, yes_no, number or date.")
    position = serializers.IntegerField(min_value=0, max_value=100000, required=False)

    class Meta:
        model = Question
        fields = [
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
        ]

    def create(self, validated_data):
        return questions.save_question(conference=self.context["conference"], values=validated_data)

    def update(self, instance, validated_data):
        return questions.save_question(conference=self.context["conference"], values=validated_data, instance=instance)


class ReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), help_text="Every question's id, in the new order.")


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: OpenApiResponse(description="Deleted"),
            409: OpenApiResponse(description="question_in_use: another question is asked only after it"),
        }
    )
)
@extend_schema(tags=["questions"])
class QuestionViewSet(ConferenceScoped, viewsets.ModelViewSet):
    """A conference's registration questions; delegates answer them at RSVP and on their own page."""

    serializer_class = QuestionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        return Question.objects.filter(conference=self.get_conference()).order_by("position", "pk")

    def perform_destroy(self, instance):
        questions.delete_question(question=instance)

    @extend_schema(
        request=ReorderSerializer,
        responses={200: QuestionSerializer(many=True), 400: OpenApiResponse(description="ids: not every id once")},
    )
    @action(detail=False, methods=["post"])
    def reorder(self, request, slug=None):
        body = ReorderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ordered = questions.reorder_questions(conference=self.get_conference(), ids=body.validated_data["ids"])
        return Response(self.get_serializer(ordered, many=True).data)


def question_data(question):
    """A question as the RSVP API lists it to invitees."""
    return {
        "id": question.pk,
        "label": question.label,
        "kind": question.kind,
        "choices": question.choices,
        "required": question.required,
        "depends_on": question.depends_on,
    }
