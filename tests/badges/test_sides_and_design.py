"""Both sides of the badge, fold-overs, print-safe A4 sheets, the stored design, and the pool beside threads.

Real PDFs rendered by WeasyPrint, read back with PDFium and zxing-cpp.
"""

import io
import os
import threading

import pytest

from badges import rendering, services
from badges.design import design_data, save_design
from tests.badges.pdfcheck import image_of, page_count, page_sizes_mm, page_texts, qr_codes
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    OrganisationFactory,
    RegistrationFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

MM = 25.4


def delegate(conference, first, last="Smith", category="speaker", **kwargs):
    invitation = InvitationFactory(
        conference=conference, organisation=OrganisationFactory(name=f"{first} Ltd"), category=category
    )
    return RegistrationFactory(invitation=invitation, first_name=first, last_name=last, badge_name=first, **kwargs)


def design(sides="double", **values):
    return {**rendering.default_design(), "sides": sides, **values}


def items_of(registrations):
    badges = [services.current_badge(r) for r in registrations]
    return badges, [rendering.badge_data(b) for b in badges]


def qr_centres(pdf, page, dpi=150):
    """{code: (x, y) of the symbol's centre, in mm from the page's top left}."""
    import zxingcpp

    found = {}
    for result in zxingcpp.read_barcodes(image_of(pdf, page, dpi), formats=zxingcpp.BarcodeFormat.QRCode):
        p = result.position
        x = (p.top_left.x + p.bottom_right.x) / 2 * MM / dpi
        y = (p.top_left.y + p.bottom_right.y) / 2 * MM / dpi
        found[result.text] = (x, y)
    return found


def test_double_sided_a6_prints_each_badge_front_then_back():
    conference = ConferenceFactory()
    badges, items = items_of([delegate(conference, name) for name in ("Ada", "Grace", "Alan")])
    pdf = rendering.render_document(items, "a6", design=design("double", wifi_network="COG-Guest"))
    assert page_count(pdf) == 6
    assert set(page_sizes_mm(pdf)) == {(105.0, 148.0)}
    texts = page_texts(pdf)
    for index, badge in enumerate(badges):
        front, back = 2 * index, 2 * index + 1
        assert [code for code, _ in qr_codes(pdf, front)] == [badge.code]
        assert [code for code, _ in qr_codes(pdf, back)] == [badge.code]
        assert items[index]["badge_name"]["text"] in texts[back]
        assert "COG-Guest" in texts[back] and "COG-Guest" not in texts[front]


def test_single_sided_a6_is_one_page_a_badge():
    conference = ConferenceFactory()
    _, items = items_of([delegate(conference, "Ada"), delegate(conference, "Grace")])
    pdf = rendering.render_document(items, "a6", design=design("single"))
    assert page_count(pdf) == 2


def test_fold_over_a6_is_one_a5_page_a_badge_back_on_the_left_front_on_the_right():
    conference = ConferenceFactory()
    badges, items = items_of([delegate(conference, "Ada", job_title="Analyst"), delegate(conference, "Grace")])
    pdf = rendering.render_document(items, "a6", design=design("fold", help_desk="By the main entrance"))
    assert page_count(pdf) == 2
    assert set(page_sizes_mm(pdf)) == {(210.0, 148.0)}
    # The same code twice on each page: the back (left half) and the front (right half).
    import zxingcpp

    image = image_of(pdf, 0, 150)
    width = image.width
    left = zxingcpp.read_barcodes(image.crop((0, 0, width // 2, image.height)))
    right = zxingcpp.read_barcodes(image.crop((width // 2, 0, width, image.height)))
    assert [r.text for r in left] == [badges[0].code]
    assert [r.text for r in right] == [badges[0].code]
    assert "By the main entrance" in page_texts(pdf)[0]


def test_double_sided_a4_prints_the_backs_on_the_next_sheet_with_the_columns_swapped():
    conference = ConferenceFactory()
    badges, items = items_of([delegate(conference, f"Name{i}") for i in range(5)])
    pdf = rendering.render_document(items, "a4", design=design("double"))
    assert page_count(pdf) == 4  # fronts, backs, fronts, backs
    fronts, backs = qr_centres(pdf, 0), qr_centres(pdf, 1)
    assert set(fronts) == set(backs) == {b.code for b in badges[:4]}
    for code, (x, y) in fronts.items():
        back_x, back_y = backs[code]
        # flipped on the long edge: a badge's back is in the other column, the same row
        assert (x < 105) != (back_x < 105)
        assert (y < 148.5) == (back_y < 148.5)
    assert set(qr_centres(pdf, 2)) == set(qr_centres(pdf, 3)) == {badges[4].code}


def test_fold_over_a4_is_two_fold_overs_a_sheet():
    conference = ConferenceFactory()
    badges, items = items_of([delegate(conference, f"Name{i}") for i in range(3)])
    pdf = rendering.render_document(items, "a4", design=design("fold"))
    assert page_count(pdf) == 2
    assert set(page_sizes_mm(pdf)) == {(210.0, 297.0)}
    assert [len(qr_codes(pdf, page)) for page in range(2)] == [4, 2]


@pytest.mark.parametrize("sides", rendering.SIDES)
def test_a4_sheets_print_nothing_within_5_mm_of_the_edge(sides):
    conference = ConferenceFactory(name="The West Midlands ICT Cluster Opportunity Group Annual Conference 2027")
    registrations = [
        delegate(conference, "W" * 60, "M" * 60, job_title="Chief " * 20, category=category)
        for category in ("speaker", "vip", "press", "staff", "sponsor")
    ]
    _, items = items_of(registrations)
    pdf = rendering.render_document(
        items, "a4", design=design(sides, wifi_network="COG", help_desk="Foyer", back_note="Lunch at 12:30 " * 10)
    )
    dpi = 100
    edge = round(5 * dpi / MM) - 1  # 5 mm, less a pixel for anti-aliasing
    for page in range(page_count(pdf)):
        image = image_of(pdf, page, dpi).convert("L")
        width, height = image.size
        strips = [
            (0, 0, width, edge),
            (0, height - edge, width, height),
            (0, 0, edge, height),
            (width - edge, 0, width, height),
        ]
        for strip in strips:
            assert image.crop(strip).getextrema()[0] >= 250, (page, strip)
        # and there is ink just inside: the bands reach to 5 mm from the sheet's edge
        assert image.crop((0, 0, width, height)).getextrema()[0] < 100


def test_the_designs_colours_and_back_text_are_printed():
    conference = ConferenceFactory()
    save_design(
        conference,
        category_colours={"press": "#ff00ff"},
        primary_colour="#00aa00",
        wifi_network="COG-2027",
        wifi_password="lanyard42",
        help_desk="Hall 3, 8:00–18:00",
        back_note="Keynote at 9:30 in the Symphony Hall.",
    )
    registration = delegate(conference, "Ada", category="press")
    pdf = rendering.render_badge(services.current_badge(registration))
    front, back = page_texts(pdf)
    for text in ("COG-2027", "lanyard42", "Hall 3, 8:00–18:00", "Keynote at 9:30 in the Symphony Hall."):
        assert text in back
    dpi = 72
    for side in (0, 1):
        image = image_of(pdf, side, dpi)
        assert image.getpixel((round(8 / MM * dpi), round(140 / MM * dpi))) == (255, 0, 255)
    # the accent rule under the header, in the primary colour
    assert image_of(pdf, 0, dpi).getpixel((round(50 / MM * dpi), round(23.6 / MM * dpi))) == (0, 170, 0)


def test_hidden_fields_are_not_printed():
    conference = ConferenceFactory()
    save_design(conference, show_job_title=False, show_organisation=False)
    registration = delegate(conference, "Ada", job_title="Countess of Lovelace")
    front, back = page_texts(rendering.render_badge(services.current_badge(registration)))
    assert "Countess of Lovelace" not in front
    assert "Ada Ltd" not in front
    assert "Ada Smith" in front


def test_the_back_lists_the_delegates_workshops():
    conference = ConferenceFactory()
    workshop = WorkshopFactory(conference=conference, title="Securing the supply chain")
    registration = delegate(conference, "Ada")
    registration.workshops.add(workshop)
    [badge] = services.badges_to_print(conference)
    pdf = rendering.render_document([rendering.badge_data(badge)], "a6", design=design("double"))
    front, back = page_texts(pdf)
    assert "Securing the supply chain" in back
    assert workshop.room.name in back
    save_design(conference, show_workshops=False)
    pdf = rendering.render_badge(badge)
    assert "Securing the supply chain" not in page_texts(pdf)[1]


def test_badge_answers_is_the_hook_for_questions_and_prints_what_it_returns(monkeypatch):
    registration = delegate(ConferenceFactory(), "Ada")
    assert rendering.badge_answers(registration) == []
    data = rendering.badge_data(services.current_badge(registration))
    data["answers"] = [{"label": "Pronouns", "value": "she/her"}]
    front = page_texts(rendering.render_document([data], design=design("single")))[0]
    assert "Pronouns" in front and "she/her" in front


def test_bulk_print_uses_the_conference_design(tmp_path):
    conference = ConferenceFactory()
    save_design(conference, sides="fold", help_desk="Ask at the desk")
    for name in ("Ada", "Grace", "Alan"):
        delegate(conference, name)
    output = io.BytesIO()
    count, pages = services.print_badges(conference, output, layout="a6")
    assert (count, pages) == (3, 3)
    assert set(page_sizes_mm(output.getvalue())) == {(210.0, 148.0)}


def test_a_threaded_caller_renders_through_the_process_pool():
    """A caller in a thread (as in a gthread gunicorn worker) still uses the pool's processes, and the PDF is whole."""
    conference = ConferenceFactory()
    badges, items = items_of([delegate(conference, f"Name{i}", category="press") for i in range(9)])
    result, renderers = {}, set()

    def run():
        output = io.BytesIO()
        result["pages"] = rendering.write_badges(
            items, output, layout="a6", design=design("double"), processes=2, batch_size=4, renderers=renderers
        )
        result["pdf"] = output.getvalue()

    caller = threading.Thread(target=run)
    caller.start()
    caller.join(timeout=300)
    assert not caller.is_alive()
    pdf = result["pdf"]
    assert result["pages"] == page_count(pdf) == 18
    assert [qr_codes(pdf, page)[0][0] for page in range(18)] == [b.code for b in badges for _ in (0, 1)]
    assert os.getpid() not in renderers
    assert len(renderers) >= 1


def test_design_data_is_plain_data_that_pickles():
    import pickle

    conference = ConferenceFactory()
    data = design_data(save_design(conference, primary_colour="#123456"))
    assert pickle.loads(pickle.dumps(data)) == data


def test_an_idle_pool_is_shut_down_and_the_next_print_makes_a_new_one(settings):
    import time

    from badges import pool

    settings.BADGE_POOL_IDLE_SECONDS = 0.2
    conference = ConferenceFactory()
    _, items = items_of([delegate(conference, f"Name{i}") for i in range(5)])
    first, second = set(), set()
    rendering.write_badges(items, io.BytesIO(), design=design("single"), processes=2, batch_size=4, renderers=first)
    assert first and os.getpid() not in first
    deadline = time.monotonic() + 60
    while pool._pools and time.monotonic() < deadline:  # the idle timer shuts the pool down
        time.sleep(0.1)
    assert pool._pools == {}
    rendering.write_badges(items, io.BytesIO(), design=design("single"), processes=2, batch_size=4, renderers=second)
    assert second and not (first & second)  # new rendering processes


def test_where_no_process_can_start_the_badges_are_rendered_here():
    """Inside a daemonic process (as some worker pools run tasks) children cannot start: render in-process."""
    import multiprocessing

    from badges import pool

    for executor in list(pool._pools.values()):  # no warm pool from another test: processes must start now
        pool.discard(executor)
    conference = ConferenceFactory()
    badges, items = items_of([delegate(conference, f"Name{i}") for i in range(5)])
    renderers = set()
    config = multiprocessing.current_process()._config
    config["daemon"] = True
    try:
        output = io.BytesIO()
        pages = rendering.write_badges(
            items, output, design=design("single"), processes=2, batch_size=2, renderers=renderers
        )
    finally:
        del config["daemon"]
    assert renderers == {os.getpid()}
    assert pages == 5
    assert [qr_codes(output.getvalue(), page)[0][0] for page in range(5)] == [b.code for b in badges]
