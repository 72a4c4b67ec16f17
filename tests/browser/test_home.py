import pytest

from tests.factories import ConferenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_conference_name(page, live_server):
    ConferenceFactory(name="COG Annual Conference 2027", venue="The ICC Birmingham")
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "COG Annual Conference 2027"
    assert page.get_by_role("link", name="See the agenda").is_visible()
