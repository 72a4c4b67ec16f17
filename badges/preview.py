"""The badge design page's preview: real delegates' badges (or samples) in a design, as PNG or PDF.

The preview shows the names that test a design hardest: the longest name,
a right-to-left name and a CJK name among the conference's confirmed
delegates; for any of those the conference lacks, a sample delegate made in
memory (never saved) takes its place, with a made-up answer to each question
its category is asked (``registration.questions.sample_answers``), so the
organiser sees where answers print.
"""

import io

from django.db.models import F
from django.db.models.functions import Length

from conference.models import Organisation
from registration.models import Invitation, Registration
from registration.questions import sample_answers

from .models import Badge
from .rendering import badge_data, render_document
from .services import current_badge
from .sheets import pdfium_lock

RTL = r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]"
CJK = r"[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF]"

SAMPLES = {
    "long": (
        "Maximiliane Wilhelmina",
        "von Hohenzollern-Sigmaringen",
        "Maxi",
        "Head of Strategic Partnerships and Knowledge Exchange",
        "Black Country Innovative Manufacturing Organisation Limited",
        "speaker",
    ),
    "rtl": ("ليلى", "عبد الله", "ليلى", "Research Fellow", "جامعة القاهرة", "press"),
    "cjk": ("小明", "王", "小明", "CTO", "北京大学", "sponsor"),
}
KINDS = tuple(SAMPLES)


def _sample(conference, kind):
    first, last, badge_name, job, organisation, category = SAMPLES[kind]
    invitation = Invitation(
        conference=conference, organisation=Organisation(name=organisation), category=category, seats=1
    )
    registration = Registration(
        conference=conference,
        invitation=invitation,
        first_name=first,
        last_name=last,
        badge_name=badge_name,
        job_title=job,
        status=Registration.Status.CONFIRMED,
        answers=sample_answers(conference, category),
    )
    return Badge(registration=registration)


def preview_badges(conference):
    """{kind: badge} for ``long``, ``rtl`` and ``cjk``: a confirmed delegate's current badge, or an unsaved sample."""
    confirmed = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED).select_related(
        "conference", "invitation__organisation"
    )
    found = {
        "long": confirmed.annotate(length=Length("first_name") + Length("last_name"))
        .filter(length__gt=30)
        .order_by(F("length").desc(), "pk")
        .first(),
        "rtl": confirmed.filter(first_name__regex=RTL).order_by("pk").first()
        or confirmed.filter(last_name__regex=RTL).order_by("pk").first(),
        "cjk": confirmed.filter(first_name__regex=CJK).order_by("pk").first()
        or confirmed.filter(last_name__regex=CJK).order_by("pk").first(),
    }
    badges = {}
    for kind in KINDS:
        registration = found[kind]
        if registration is None:
            badges[kind] = _sample(conference, kind)
        else:
            badge = current_badge(registration)
            badge.registration = registration
            badges[kind] = badge
    return badges


def preview_pdf(conference, design, kinds=KINDS, questions=None):
    """The preview badges of ``kinds`` in ``design`` (plain data), one PDF on A6 pages.

    ``questions``: those whose answers print (unsaved choices); None, the
    questions marked ``on_badge``.
    """
    badges = preview_badges(conference)
    return render_document([badge_data(badges[kind], questions=questions) for kind in kinds], "a6", design=design)


def preview_png(conference, design, kind, side, dpi=110, questions=None):
    """One side (``front`` or ``back``) of one preview badge as PNG bytes (a single-sided design's back too)."""
    import pypdfium2 as pdfium

    if design["sides"] == "single" and side == "back":
        design = {**design, "sides": "double"}
    pdf = preview_pdf(conference, design, kinds=(kind,), questions=questions)
    with pdfium_lock:  # PDFium is not thread-safe (badges.sheets)
        document = pdfium.PdfDocument(pdf)
        try:
            page_index = 1 if side == "back" and design["sides"] == "double" else 0
            image = document[page_index].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
    if design["sides"] == "fold":  # one A5 page: the back on the left half, the front on the right
        half = image.width // 2
        image = image.crop((half, 0, image.width, image.height) if side == "front" else (0, 0, half, image.height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
