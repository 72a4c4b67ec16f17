"""Organiser pages of the agenda, under /organiser/."""

from django.urls import path

from . import organiser_parts
from . import organiser_views as agenda_organiser_views

urlpatterns = [
    path("<slug:slug>/agenda/", agenda_organiser_views.agenda_draft, name="organiser-agenda"),
    path("<slug:slug>/agenda/publish/", agenda_organiser_views.agenda_publish, name="organiser-agenda-publish"),
    path("<slug:slug>/agenda/sessions/new/", agenda_organiser_views.session_form, name="organiser-session-new"),
    path("<slug:slug>/agenda/sessions/<int:pk>/", agenda_organiser_views.session_form, name="organiser-session"),
    path(
        "<slug:slug>/agenda/sessions/<int:pk>/remove/",
        agenda_organiser_views.session_remove,
        name="organiser-session-remove",
    ),
]

# Rooms, tracks and speakers, edited from the editor page: organiser-room-new, organiser-room, organiser-room-delete…
for _part, _plural in (("room", "rooms"), ("track", "tracks"), ("speaker", "speakers")):
    urlpatterns += [
        path(
            f"<slug:slug>/agenda/{_plural}/new/",
            organiser_parts.part_new,
            {"part": _part},
            name=f"organiser-{_part}-new",
        ),
        path(
            f"<slug:slug>/agenda/{_plural}/<int:pk>/",
            organiser_parts.part_edit,
            {"part": _part},
            name=f"organiser-{_part}",
        ),
        path(
            f"<slug:slug>/agenda/{_plural}/<int:pk>/delete/",
            organiser_parts.part_delete,
            {"part": _part},
            name=f"organiser-{_part}-delete",
        ),
    ]
