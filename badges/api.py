"""The badges API: one badge PDF, reissue, and every badge in one PDF. Thin: the rules are in services."""

import tempfile

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from conference.api import ConferenceScoped
from conference.plumbing.errors import JSONErrorsMixin
from conference.plumbing.permissions import IsDoorStaff, IsOrganiser
from registration.models import Registration

from . import services, stored

PDF_RESPONSE = {(200, "application/pdf"): OpenApiTypes.BINARY}


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the views return the PDF themselves."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PDFView(JSONErrorsMixin, APIView):
    """A view answering a PDF, or a JSON error (whatever the client's Accept header asked for)."""

    renderer_classes = [JSONRenderer, PDFRenderer]


def _registration(slug, pk):
    return get_object_or_404(
        Registration.objects.select_related("conference", "invitation__organisation"), conference__slug=slug, pk=pk
    )


def _require_confirmed(registration):
    if registration.status != Registration.Status.CONFIRMED:
        raise services.not_confirmed(registration)


class RegistrationBadgePDF(PDFView):
    """One delegate's badge as a PDF (organisers, and door staff for a reprint at the desk)."""

    permission_classes = [IsDoorStaff]
    error_statuses = {"get": {409: "`not_confirmed`: only confirmed delegates have a badge."}}

    @extend_schema(responses=PDF_RESPONSE, summary="One badge (PDF)")
    def get(self, request, slug, pk):
        found = stored.current_by_id(slug, pk)  # the common case: one statement, the stored PDF
        if found is not None:
            badge, design = found
            pdf = stored.served_pdf(badge, design)
        else:
            registration = _registration(slug, pk)
            _require_confirmed(registration)
            badge = services.current_badge(registration)
            badge.registration = registration
            pdf = stored.badge_pdf(badge)
        services.mark_printed([badge])
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="badge-{badge.registration_id}.pdf"'
        return response


class ReissueSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReissueBadge(APIView):
    """A new code for a lost or corrected badge; the old code is revoked from now on (organisers)."""

    permission_classes = [IsOrganiser]
    error_statuses = {"post": {409: "`not_confirmed`: only confirmed delegates have a badge."}}

    @extend_schema(
        request=ReissueSerializer,
        responses=inline_serializer(
            "ReissuedBadge",
            {
                "code": serializers.CharField(),
                "issued_at": serializers.DateTimeField(),
                "registration": serializers.IntegerField(),
                "revoked": serializers.ListField(child=serializers.CharField()),
            },
        ),
        summary="Reissue a badge",
    )
    def post(self, request, slug, pk):
        registration = _registration(slug, pk)
        serializer = ReissueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        before = set(registration.badges.filter(revoked_at__isnull=True).values_list("code", flat=True))
        badge = services.reissue_badge(registration, reason=serializer.validated_data["reason"] or "Reissued")
        return Response(
            {
                "code": badge.code,
                "issued_at": badge.issued_at,
                "registration": registration.pk,
                "revoked": sorted(before),
            }
        )


def _flag(value):
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


class ConferenceBadgesPDF(ConferenceScoped, PDFView):
    """Every confirmed delegate's badge in one PDF, sorted by surname; the badges are marked printed."""

    permission_classes = [IsOrganiser]

    @extend_schema(
        parameters=[
            OpenApiParameter("layout", str, enum=["a6", "a4"], description="a6: one a page; a4: four a sheet"),
            OpenApiParameter("category", str, description="only this invitation category"),
            OpenApiParameter("not_printed", bool, description="only badges never printed"),
        ],
        responses=PDF_RESPONSE,
        summary="All badges (PDF)",
    )
    def get(self, request, slug):
        conference = self.get_conference()
        layout = request.query_params.get("layout", "a6")
        category = request.query_params.get("category") or None
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        try:
            services.print_badges(
                conference,
                output,
                layout=layout,
                category=category,
                not_printed=_flag(request.query_params.get("not_printed")),
            )
        except BaseException:
            output.close()
            raise
        output.seek(0)
        return FileResponse(
            output,
            content_type="application/pdf",
            as_attachment=True,
            filename=f"badges-{conference.slug}-{layout}.pdf",
        )
