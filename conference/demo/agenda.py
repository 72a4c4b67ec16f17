"""Demo agenda: a full two-track first day at the ICC Birmingham and a shorter second day.

Published as version 1, then version 2 with one session moved, so the
changelog has something to show. Idempotent: once the demo conference has a
published agenda, nothing is added again.
"""

import datetime as dt

from conference.agenda import services
from conference.models import Room, Session, Speaker, Track

ROOMS = [("Hall 1", 1500), ("Hall 3", 600), ("Room 5", 30), ("Room 6", 24)]
TRACKS = [("Digital Skills", "#1d4ed8"), ("Innovation and Growth", "#b45309")]
SPEAKERS = [
    (
        "Priya Sharma",
        "West Midlands Combined Authority",
        "Leads the region's digital strategy and its skills bootcamps.",
    ),
    ("Tom Whitfield", "University of Birmingham", "Professor of computer science, working on trustworthy AI."),
    ("Aisha Okafor", "Aston University", "Runs Aston's business-engagement programme for SMEs."),
    ("Gareth Llewellyn", "Gravity Digital Ltd", "Founder of a Digbeth studio of forty developers."),
    ("Mei Chen", "Solihull Cyber Labs", "Security engineer; teaches threat modelling to small firms."),
    ("Daniel Brooks", "West Midlands Growth Company", "Helps ICT firms find investment and export markets."),
    ("Sofia Rossi", "Coventry University", "Researches connected and autonomous mobility."),
    ("Kwame Mensah", "Black Country Fintech", "CTO; builds payment systems for regional banks."),
    ("Hannah Price", "Birmingham City University", "Directs the STEAMhouse innovation centre."),
    ("Oliver Grant", "Innovate UK Business Connect", "Connects SMEs with funding for research and development."),
    ("Zara Hussain", "Moseley Robotics", "Engineer and founder, building robots for warehouses."),
    ("Lewis Patel", "Edgbaston Cloud Services", "Runs cloud platforms for the public sector."),
]

# (day, start, end, room, track, kind, title, speakers, capacity, abstract)
D1, D2 = 0, 1
SESSIONS = [
    (
        D1,
        "08:30",
        "09:15",
        None,
        None,
        "networking",
        "Registration and coffee",
        [],
        None,
        "Collect your badge in the foyer of Hall 1; coffee and pastries are served.",
    ),
    (
        D1,
        "09:15",
        "10:00",
        "Hall 1",
        None,
        "keynote",
        "The West Midlands digital decade",
        ["Priya Sharma"],
        None,
        "Where the region's ICT cluster stands, and what the next ten years ask of partners and companies.",
    ),
    (
        D1,
        "10:00",
        "10:45",
        "Hall 1",
        None,
        "keynote",
        "Trustworthy AI for small firms",
        ["Tom Whitfield"],
        None,
        "What small firms can do now to build AI their customers trust.",
    ),
    (D1, "10:45", "11:15", None, None, "break", "Morning break", [], None, ""),
    (
        D1,
        "11:15",
        "12:00",
        "Hall 1",
        "Digital Skills",
        "talk",
        "Bootcamps that place people in jobs",
        ["Priya Sharma"],
        None,
        "Lessons from three years of skills bootcamps in the region.",
    ),
    (
        D1,
        "11:15",
        "12:00",
        "Hall 3",
        "Innovation and Growth",
        "talk",
        "Finding investment for an ICT start-up",
        ["Daniel Brooks"],
        None,
        "Investors in the region, what they look for and how to meet them.",
    ),
    (
        D1,
        "11:15",
        "12:45",
        "Room 5",
        "Digital Skills",
        "workshop",
        "Threat modelling in ninety minutes",
        ["Mei Chen"],
        24,
        "A hands-on workshop: model the threats to a small web shop, in teams.",
    ),
    (
        D1,
        "11:15",
        "12:45",
        "Room 6",
        "Innovation and Growth",
        "workshop",
        "Writing a winning R&D grant bid",
        ["Oliver Grant"],
        20,
        "Work through a real Innovate UK application form, section by section.",
    ),
    (
        D1,
        "12:00",
        "12:45",
        "Hall 1",
        "Digital Skills",
        "talk",
        "Apprenticeships in software: what works",
        ["Hannah Price"],
        None,
        "Employers and a university on degree apprenticeships that last.",
    ),
    (
        D1,
        "12:00",
        "12:45",
        "Hall 3",
        "Innovation and Growth",
        "talk",
        "Robots in the warehouse",
        ["Zara Hussain"],
        None,
        "From prototype to fifty robots: the story of a Moseley start-up.",
    ),
    (D1, "12:45", "13:45", None, None, "break", "Lunch", [], None, "Lunch is served in the Hall 3 foyer."),
    (
        D1,
        "13:45",
        "14:45",
        "Hall 1",
        None,
        "panel",
        "Panel: growing the cluster together",
        ["Aisha Okafor", "Gareth Llewellyn", "Kwame Mensah", "Daniel Brooks"],
        None,
        "Universities, agencies and companies on what the cluster should do next.",
    ),
    (
        D1,
        "14:45",
        "15:30",
        "Hall 1",
        "Digital Skills",
        "talk",
        "Cloud skills for the public sector",
        ["Lewis Patel"],
        None,
        "Training council teams to run services in the cloud.",
    ),
    (
        D1,
        "14:45",
        "15:30",
        "Hall 3",
        "Innovation and Growth",
        "talk",
        "Connected mobility on Coventry's streets",
        ["Sofia Rossi"],
        None,
        "Results from the city's connected-vehicle trials.",
    ),
    (
        D1,
        "14:45",
        "16:15",
        "Room 5",
        "Digital Skills",
        "workshop",
        "Build a chatbot with open models",
        ["Tom Whitfield"],
        30,
        "Bring a laptop: build and test a small assistant on open-source models.",
    ),
    (
        D1,
        "14:45",
        "16:15",
        "Room 6",
        "Innovation and Growth",
        "workshop",
        "Pitch clinic",
        ["Daniel Brooks", "Aisha Okafor"],
        20,
        "Five-minute pitches, with feedback from investors and mentors.",
    ),
    (D1, "15:30", "16:00", None, None, "break", "Afternoon tea", [], None, ""),
    (
        D1,
        "16:00",
        "16:45",
        "Hall 1",
        "Digital Skills",
        "talk",
        "Payments engineering in the Black Country",
        ["Kwame Mensah"],
        None,
        "How a regional fintech hires and trains its engineers.",
    ),
    (
        D1,
        "16:00",
        "16:45",
        "Hall 3",
        "Innovation and Growth",
        "talk",
        "From studio to scale-up",
        ["Gareth Llewellyn"],
        None,
        "Growing a Digbeth digital studio from four people to forty.",
    ),
    (
        D1,
        "16:45",
        "17:15",
        "Hall 1",
        None,
        "keynote",
        "Closing remarks",
        ["Aisha Okafor"],
        None,
        "What we heard today and what happens next.",
    ),
    (
        D1,
        "17:15",
        "19:00",
        None,
        None,
        "networking",
        "Networking reception",
        [],
        None,
        "Drinks and canapés in the Hall 1 foyer.",
    ),
    (D2, "09:00", "09:30", None, None, "networking", "Coffee", [], None, ""),
    (
        D2,
        "09:30",
        "10:15",
        "Hall 3",
        None,
        "keynote",
        "Cyber resilience for the supply chain",
        ["Mei Chen"],
        None,
        "Why a small supplier is a large firm's weakest link, and how to fix it.",
    ),
    (
        D2,
        "10:15",
        "11:45",
        "Room 5",
        "Digital Skills",
        "workshop",
        "Cloud cost clinic",
        ["Lewis Patel"],
        24,
        "Bring your cloud bill: we find savings together.",
    ),
    (
        D2,
        "10:15",
        "11:00",
        "Hall 3",
        "Innovation and Growth",
        "talk",
        "University spin-outs that last",
        ["Hannah Price", "Sofia Rossi"],
        None,
        "What makes a spin-out survive its first five years.",
    ),
    (D2, "12:00", "12:30", "Hall 3", None, "keynote", "Farewell and next year", ["Priya Sharma"], None, ""),
]

# Version 2 moves this session to another hour and room.
MOVED = ("Robots in the warehouse", "D1", "16:15", "17:00", "Room 6")


def _at(conference, day, hhmm):
    hour, minute = map(int, hhmm.split(":"))
    date = conference.starts_on + dt.timedelta(days=day)
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=conference.tz)


def load(conference, stdout):
    if conference.agenda_versions.exists():
        stdout.write("Kept the demo agenda (already published)")
        return
    # Rooms, tracks, speakers and sessions all through the agenda services, as an organiser's edits would go.
    rooms = {}
    for position, (name, capacity) in enumerate(ROOMS):
        rooms[name] = Room.objects.filter(conference=conference, name=name).first() or services.save_room(
            conference=conference, name=name, capacity=capacity, position=position
        )
    tracks = {}
    for name, colour in TRACKS:
        tracks[name] = Track.objects.filter(conference=conference, name=name).first() or services.save_track(
            conference=conference, name=name, colour=colour
        )
    speakers = {}
    for name, organisation, bio in SPEAKERS:
        speakers[name] = Speaker.objects.filter(conference=conference, name=name).first() or services.save_speaker(
            conference=conference, name=name, organisation=organisation, bio=bio
        )
    for day, start, end, room, track, kind, title, names, capacity, abstract in SESSIONS:
        session = Session.objects.filter(conference=conference, title=title).first()
        if session is None:
            services.save_session(
                conference=conference,
                title=title,
                kind=kind,
                starts_at=_at(conference, day, start),
                ends_at=_at(conference, day, end),
                room=rooms.get(room),
                track=tracks.get(track),
                capacity=capacity,
                abstract=abstract,
                speakers=[speakers[n] for n in names],
            )
    services.publish_agenda(conference=conference, note="The first programme of the day.")
    title, _, start, end, room = MOVED
    session = Session.objects.get(conference=conference, title=title)
    services.save_session(
        conference=conference,
        session=session,
        starts_at=_at(conference, D1, start),
        ends_at=_at(conference, D1, end),
        room=rooms[room],
    )
    services.publish_agenda(conference=conference, note=f"“{title}” moved to {room} at {start}.")
    stdout.write(f"Published the demo agenda: {len(SESSIONS)} sessions, versions 1 and 2")
