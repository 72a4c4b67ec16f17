import pytest

from tests.browser.axe import assert_accessible, violations
from tests.factories import ConferenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_conference_name(page, live_server):
    ConferenceFactory(name="COG Annual Conference 2027", venue="The ICC Birmingham")
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "COG Annual Conference 2027"
    assert page.get_by_role("link", name="See the agenda").is_visible()


def test_home_page_has_no_accessibility_violations(page, live_server):
    ConferenceFactory(name="COG Annual Conference 2027", venue="The ICC Birmingham")
    page.goto(live_server.url + "/")
    assert_accessible(page)


def test_the_accessibility_check_catches_a_field_without_a_label(page, live_server):
    # The control: the same check on a page with an unlabelled field must fail.
    page.goto(live_server.url + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
    assert [v["id"] for v in violations(page)] == ["label"]
