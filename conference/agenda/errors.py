"""Errors of the agenda rules, with the codes the README names (“Agenda”)."""

from conference.plumbing.errors import ServiceError


class AgendaError(ServiceError):
    code = "invalid_session"


class EndsBeforeStart(AgendaError):
    code = "ends_before_start"


class OutsideConference(AgendaError):
    code = "outside_conference"


class RoomClash(AgendaError):
    code = "room_clash"


class SpeakerClash(AgendaError):
    code = "speaker_clash"


class AgendaHasClashes(AgendaError):
    code = "agenda_clashes"


class NothingToPublish(AgendaError):
    code = "nothing_to_publish"
    status_code = 409


class DraftChanged(AgendaError):
    code = "draft_changed"
    status_code = 409


class NameTaken(AgendaError):
    """A room or a track named like another of the conference (in any case)."""

    code = "name_taken"


class RoomInUse(AgendaError):
    code = "room_in_use"
    status_code = 409


class TrackInUse(AgendaError):
    code = "track_in_use"
    status_code = 409


class SpeakerInUse(AgendaError):
    code = "speaker_in_use"
    status_code = 409
