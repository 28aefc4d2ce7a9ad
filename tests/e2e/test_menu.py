"""The menu fits one row at 1366 px in both languages for every role, opens with the keyboard,
and offers no entry that answers 403 (browser issue item 8)."""

import pytest

from tests.conftest import log_in_through_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = ["salesperson", "manager", "director", "admin"]


def _boxes(page, selector: str) -> list[dict]:
    return [box for box in (item.bounding_box() for item in page.locator(selector).all()) if box]


@pytest.mark.parametrize("persona", ROLES)
def test_the_menu_fits_one_row_and_every_entry_opens(lang_page, personas, persona):
    log_in_through_browser(lang_page, getattr(personas, persona))

    navbar = lang_page.locator("#navbar").bounding_box()
    link = lang_page.locator("#main-menu-groups > li > .nav-link").first.bounding_box()
    print(f"menu {persona} {lang_page.language}: bar {navbar['height']}, link {link['height']}")
    # One row: the bar is one link high plus its own padding (8 px above and below).
    assert navbar["height"] < 2 * link["height"], (persona, navbar["height"], link["height"])
    tops = {round(box["y"]) for box in _boxes(lang_page, "#navbar .navbar-nav > li")}
    tops |= {round(box["y"]) for box in _boxes(lang_page, "#language-switch button")}
    assert max(tops) - min(tops) <= 4, (persona, sorted(tops))

    hrefs = lang_page.locator("#main-menu-groups a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert hrefs
    for href in hrefs:
        response = lang_page.request.get(href)
        assert response.status == 200, (persona, href, response.status)


def test_a_group_opens_with_the_keyboard(lang_page, personas):
    log_in_through_browser(lang_page, personas.manager)
    toggle = lang_page.locator("#menu-field > button")
    menu = lang_page.locator("#menu-field .dropdown-menu")
    assert not menu.is_visible()

    toggle.focus()
    lang_page.keyboard.press("Enter")
    menu.wait_for(state="visible")
    lang_page.keyboard.press("ArrowDown")
    focused = lang_page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == lang_page.locator("#menu-field .dropdown-item").first.get_attribute("href")
    lang_page.keyboard.press("Enter")
    lang_page.wait_for_url(f"**{focused}")
    assert lang_page.locator("#menu-field > button.active").count() == 1

    lang_page.locator("#menu-field > button").focus()
    lang_page.keyboard.press("Enter")
    menu.wait_for(state="visible")
    lang_page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
