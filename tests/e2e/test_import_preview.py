"""The import preview in both languages: an ordinary Chinese list (GB18030, Chinese headings,
municipalities) with a bad line far down, numbered on the page."""

import pytest

from tests.conftest import log_in_through_browser
from tests.customers.test_import import _municipalities, _ordinary_list

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_preview_numbers_a_bad_line_past_the_first_hundred(lang_page, personas):
    _municipalities(personas)
    content = _ordinary_list(150, {130: "负数公司,李四,经理,13900009999,某路,上海市,-1,,,\n"})
    log_in_through_browser(lang_page, personas.manager)

    lang_page.goto("/customers/import/")
    lang_page.locator("[name=file]").set_input_files(
        files=[{"name": "名单.csv", "mimeType": "text/csv", "buffer": content.encode("gb18030")}]
    )
    lang_page.locator("form[enctype='multipart/form-data'] [type=submit]").click()

    errors = lang_page.locator("#import-errors")
    errors.wait_for()
    items = errors.locator("li")
    assert items.count() == 1
    text = items.first.inner_text()
    assert "130" in text
    expected = "不能为负数" if lang_page.language == "zh-hans" else "cannot be negative"
    assert expected in text
    assert lang_page.locator("#import-lines tbody tr").count() == 100
