"""The demo conference itself, its organisations and the two logins."""

import datetime as dt

from django.contrib.auth.models import Group, User
from django.utils import timezone

from conference.models import Conference, Organisation
from conference.plumbing import roles

DEMO_SLUG = "cog-2027"
ORGANISER = ("organiser", "cog-organiser-demo")
DOOR = ("door", "cog-door-demo")

PARTNERS = [
    ("University of Birmingham", Organisation.Kind.UNIVERSITY, "https://www.birmingham.ac.uk"),
    ("Aston University", Organisation.Kind.UNIVERSITY, "https://www.aston.ac.uk"),
    ("Birmingham City University", Organisation.Kind.UNIVERSITY, "https://www.bcu.ac.uk"),
    ("University of Wolverhampton", Organisation.Kind.UNIVERSITY, "https://www.wlv.ac.uk"),
    ("Coventry University", Organisation.Kind.UNIVERSITY, "https://www.coventry.ac.uk"),
    ("University of Warwick", Organisation.Kind.UNIVERSITY, "https://warwick.ac.uk"),
    ("West Midlands Combined Authority", Organisation.Kind.PUBLIC_BODY, "https://www.wmca.org.uk"),
    ("Birmingham City Council", Organisation.Kind.PUBLIC_BODY, "https://www.birmingham.gov.uk"),
    (
        "Greater Birmingham Chambers of Commerce",
        Organisation.Kind.SUPPORT_AGENCY,
        "https://www.greaterbirminghamchambers.com",
    ),
    ("West Midlands Growth Company", Organisation.Kind.SUPPORT_AGENCY, "https://www.wmgrowth.com"),
    ("Innovate UK Business Connect", Organisation.Kind.SUPPORT_AGENCY, "https://iuk-business-connect.org.uk"),
    ("Black Country Innovative Manufacturing Organisation", Organisation.Kind.PARTNER, ""),
]

COMPANIES = [
    "Gravity Digital Ltd",
    "Jewellery Quarter Data Co",
    "Brindleyplace Analytics",
    "Digbeth Creative Code",
    "Selly Oak Software",
    "Edgbaston Cloud Services",
    "Moseley Robotics",
    "Solihull Cyber Labs",
    "Black Country Fintech",
    "Coventry Mobility Systems",
    "Wolverhampton Web Works",
    "Lichfield AI",
    "Sutton Coldfield Networks",
    "Walsall Games Studio",
    "Dudley Health Informatics",
    "Kings Heath Quantum",
    "Harborne UX",
    "Bournville Green Tech",
    "Erdington Embedded",
    "Acocks Green Open Source",
    "Tamworth Telematics",
    "Redditch Retail Tech",
    "Stourbridge Sensors",
    "Nuneaton Network Security",
]
SPONSORS = ["Midlands Connect Bank", "Bullring Broadband"]


def conference_dates(today=None):
    """The demo conference is always ahead: the first Thursday at least 60 days away."""
    today = today or timezone.localdate()
    day = today + dt.timedelta(days=60)
    while day.weekday() != 3:
        day += dt.timedelta(days=1)
    return day


def load_base(stdout):
    starts_on = conference_dates()
    conference, created = Conference.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults=dict(
            name="COG Annual Conference 2027",
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=1),
            timezone="Europe/London",
            venue="The ICC Birmingham",
            address="8 Centenary Square\nBroad Street\nBirmingham B1 2EA",
            capacity=60,
            # Speakers, staff and VIPs are exempt from capacity (the default); press and sponsors have places held.
            reserved_places={"press": 2, "sponsor": 4},
            registration_opens_at=timezone.now() - dt.timedelta(days=7),
            registration_closes_at=timezone.make_aware(
                dt.datetime.combine(starts_on - dt.timedelta(days=3), dt.time(17, 0))
            ),
            contact_email="cog-conference@example.org",
            colour="#1d4ed8",
        ),
    )
    stdout.write(("Created" if created else "Kept") + f" conference {conference.slug}")
    for name, kind, website in PARTNERS:
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "website": website})
    for name in COMPANIES:
        Organisation.objects.get_or_create(name=name, defaults={"kind": Organisation.Kind.COMPANY})
    for name in SPONSORS:
        Organisation.objects.get_or_create(name=name, defaults={"kind": Organisation.Kind.SPONSOR})

    roles.sync_role_permissions()
    logins = {}
    for username, password, group, is_staff in (
        (*ORGANISER, roles.ORGANISERS, True),
        (*DOOR, roles.DOOR_STAFF, False),
    ):
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = is_staff
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=group))
        logins[group] = (username, password)
    return conference, logins
