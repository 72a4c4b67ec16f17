"""The check-in API (door staff and organisers): scan, sync, search, undo, stats, the offline list.

Thin: every decision is in :mod:`badges.checkin.services`; these views parse the
request, call the service and turn its answer into JSON.
"""

import gzip
import json

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from conference.api import ConferenceScoped
from conference.plumbing.permissions import IsDoorStaff
from conference.plumbing.validators import validate_plausible_year

from . import services as checkin

DOOR_LIST_CACHE_SECONDS = 15 * 60  # doors ask every minute; an unchanged list stays this long

SYNC_MAX_SCANS = 500


class ScanRequestSerializer(serializers.Serializer):
    code = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, trim_whitespace=False, help_text="What the QR code holds."
    )
    registration = serializers.IntegerField(
        required=False, min_value=1, help_text="Check a delegate in by id instead (found by a search)."
    )
    gate = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    nonce = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        default="",
        help_text="The client's id of this scan: sent again, the same answer comes back and nothing new is recorded.",
    )
    scanned_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        validators=[validate_plausible_year],
        help_text="Client time of a scan queued while offline.",
    )
    session = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="Admission to this session (a workshop room's door) instead of the main door.",
    )

    def validate(self, attrs):
        code = (attrs.get("code") or "").strip()
        if not code and attrs.get("registration") is None:
            raise serializers.ValidationError({"code": ["Scan or type a badge code."]})
        if code and attrs.get("registration") is not None:
            raise serializers.ValidationError({"registration": ["Send a badge code or a registration, not both."]})
        return attrs


class SyncRequestSerializer(serializers.Serializer):
    scans = ScanRequestSerializer(many=True, allow_empty=True, max_length=SYNC_MAX_SCANS)


def _summary_fields():
    """The fields of ``services.registration_summary``: who a door answer is about (fresh instances each time)."""
    return {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "badge_name": serializers.CharField(),
        "organisation": serializers.CharField(),
        "category": serializers.CharField(),
    }


_registration_schema = inline_serializer("CheckInRegistration", _summary_fields())


def _delegate_schema(name, badge_pdf=False, hashes=False):
    fields = {
        **_summary_fields(),
        "status": serializers.CharField(),
        "checked_in_at": serializers.DateTimeField(allow_null=True),
        "checkin_id": serializers.IntegerField(allow_null=True),
        "gate": serializers.CharField(allow_null=True),
    }
    if badge_pdf:
        fields["badge_pdf"] = serializers.CharField()
    if hashes:
        fields["code_sha256"] = serializers.CharField(allow_null=True, help_text="SHA-256 of the current badge code.")
        fields["revoked_sha256"] = serializers.ListField(child=serializers.CharField())
        fields["checkins"] = serializers.ListField(
            child=serializers.DictField(), help_text="Main-door check-ins by day: day, checked_in_at, gate, checkin_id."
        )
    return lambda **kwargs: inline_serializer(name, fields, **kwargs)


_scan_answer_schema = inline_serializer(
    "ScanAnswer",
    {
        "result": serializers.ChoiceField(choices=list(checkin.HTTP_STATUS)),
        "detail": serializers.CharField(),
        "registration": _registration_schema,
        "checkin_id": serializers.IntegerField(required=False),
        "checked_in_at": serializers.DateTimeField(required=False),
        "gate": serializers.CharField(required=False),
        "first_checked_in_at": serializers.DateTimeField(required=False),
        "first_gate": serializers.CharField(required=False),
        "day": serializers.IntegerField(required=False, help_text="The conference day of the scan: 1 for the first."),
        "returning": serializers.BooleanField(required=False, help_text="Admitted on an earlier day too."),
        "session": serializers.IntegerField(required=False),
    },
)


class ConferenceCheckInView(ConferenceScoped, APIView):
    permission_classes = [IsDoorStaff]

    def _sessions(self, conference, scans):
        """The sessions the scans name, checked before anything is recorded (404 ``session_not_found``)."""
        ids = {scan["session"] for scan in scans if scan.get("session") is not None}
        return {pk: checkin.find_session(conference, pk) for pk in sorted(ids)}

    def _answer(self, conference, data, sessions):
        kwargs = dict(
            conference=conference,
            gate=data.get("gate", ""),
            nonce=data.get("nonce", ""),
            user=self.request.user,
            scanned_at=data.get("scanned_at"),
            session=sessions.get(data.get("session")),
        )
        if data.get("registration") is not None:
            return checkin.check_in_registration(registration_id=data["registration"], **kwargs)
        return checkin.scan_badge(code=data["code"], **kwargs)


class ScanView(ConferenceCheckInView):
    @extend_schema(
        request=ScanRequestSerializer,
        responses={200: _scan_answer_schema, 409: _scan_answer_schema, 404: _scan_answer_schema},
        summary="Scan a badge at a door",
    )
    def post(self, request, slug):
        conference = self.get_conference()
        serializer = ScanRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sessions = self._sessions(conference, [serializer.validated_data])
        answer = self._answer(conference, serializer.validated_data, sessions)
        return Response(answer.body, status=answer.status)


class SyncView(ConferenceCheckInView):
    """Scans an offline door queued, replayed in order with their nonces (a retried sync changes nothing)."""

    @extend_schema(
        request=SyncRequestSerializer,
        responses={200: inline_serializer("SyncAnswer", {"results": serializers.ListField()})},
        summary="Replay the scans a door queued while offline",
    )
    def post(self, request, slug):
        conference = self.get_conference()
        serializer = SyncRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = []
        sessions = self._sessions(conference, serializer.validated_data["scans"])
        for scan in serializer.validated_data["scans"]:
            answer = self._answer(conference, scan, sessions)
            results.append({"nonce": scan.get("nonce", ""), "status": answer.status, **answer.body})
        return Response({"results": results})


class SearchPagination(PageNumberPagination):
    page_size = checkin.SEARCH_LIMIT


class SearchView(ConferenceCheckInView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Words of a name or organisation (case and accents ignored), or a whole e-mail address.",
            )
        ],
        summary="Find a delegate whose badge is forgotten",
        responses=inline_serializer(
            "CheckInSearchPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": _delegate_schema("CheckInSearchResult", badge_pdf=True)(many=True),
            },
        ),
    )
    def get(self, request, slug):
        conference = self.get_conference()
        queryset = checkin.search_delegates(conference=conference, q=request.query_params.get("q", ""))
        paginator = SearchPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        rows = []
        for registration in page:
            row = checkin.delegate_row(registration, conference)
            row["badge_pdf"] = reverse("api-registration-badge", args=[conference.slug, registration.pk])
            rows.append(row)
        return paginator.get_paginated_response(rows)


class UndoView(ConferenceCheckInView):
    error_statuses = {"post": {409: "`already_undone`: the check-in was undone before."}}

    @extend_schema(
        request=None,
        summary="Undo a mistaken check-in",
        responses=inline_serializer(
            "CheckInUndone",
            {
                "detail": serializers.CharField(),
                "checkin_id": serializers.IntegerField(),
                "undone_at": serializers.DateTimeField(),
                "registration": _registration_schema,
            },
        ),
    )
    def post(self, request, slug, checkin_id):
        conference = self.get_conference()
        return Response(checkin.undo_checkin(conference=conference, checkin_id=checkin_id, user=request.user))


class StatsView(ConferenceCheckInView):
    @extend_schema(
        summary="Arrivals: registered, checked in, today, by day, by gate, per quarter hour",
        parameters=[OpenApiParameter("session", int, description="A session's door instead of the main door.")],
        responses=inline_serializer(
            "CheckInStats",
            {
                "registered": serializers.IntegerField(),
                "checked_in": serializers.IntegerField(),
                "today": serializers.IntegerField(),
                "by_day": serializers.ListField(),
                "by_gate": serializers.DictField(child=serializers.IntegerField()),
                "per_quarter_hour": serializers.ListField(),
            },
        ),
    )
    def get(self, request, slug):
        conference = self.get_conference()
        session_id = request.query_params.get("session")
        session = checkin.find_session(conference, session_id) if session_id else None
        response = Response(checkin.checkin_stats(conference=conference, session=session))
        patch_cache_control(response, no_store=True)
        return response


class DoorListView(ConferenceCheckInView):
    """The offline list: hashes of badge codes (never the codes), names, organisations, categories, status.

    Carries an ETag (``door_list_etag``: a few aggregates, not the list) and answers 304 to a matching If-None-Match,
    so a door refreshing it every minute downloads it again only when it changed;
    gzipped for every client that accepts it (browsers all do).
    """

    @extend_schema(
        summary="The list an offline door works from",
        responses=inline_serializer(
            "DoorList",
            {
                "conference": serializers.DictField(),
                "count": serializers.IntegerField(),
                "delegates": _delegate_schema("DoorListDelegate", hashes=True)(many=True),
            },
        ),
    )
    def get(self, request, slug):
        conference = self.get_conference()
        etag = checkin.door_list_etag(conference=conference)  # a few aggregates, not the list
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
        else:
            zipped = self._gzipped_list(conference, etag)
            if "gzip" in request.headers.get("Accept-Encoding", ""):
                # Thousands of delegates: a sixth of the bytes over a venue's Wi-Fi.
                response = HttpResponse(zipped, content_type="application/json")
                response["Content-Encoding"] = "gzip"
            else:
                response = HttpResponse(gzip.decompress(zipped), content_type="application/json")
        response["ETag"] = etag
        patch_vary_headers(response, ["Accept-Encoding"])
        patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def _gzipped_list(conference, etag):
        """The list as gzipped JSON, built once per ETag and kept in the cache (``CACHE_URL``).

        Every door of a conference downloads the same list; the ETag names its
        content, so the doors after the first (and the first's refreshes after
        a change elsewhere) are served without building 20,000 rows again. A
        change made while the list is built is caught by the next request's
        ETag, which then differs.
        """
        key = f"door-list:{conference.pk}:{etag}"
        zipped = cache.get(key)
        if zipped is None:
            data = checkin.door_list(conference=conference, badges_issued=True)
            body = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
            zipped = gzip.compress(body, compresslevel=6, mtime=0)
            cache.set(key, zipped, timeout=DOOR_LIST_CACHE_SECONDS)
        return zipped
