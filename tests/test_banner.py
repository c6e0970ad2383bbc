"""``mkdocs serve``: a failed rebuild's errors on every page served, as text.

The banner is put into the HTML the server sends (``meetings.banner``); what
it lists comes from the records and their file names, which may hold
anything: it must show them as text, whatever they hold. In a browser:
``tests/browser/test_serve_errors.py``; in the served folder (nothing of it
there): ``tests/test_preview.py``.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from meetings.banner import BANNER_ID, serving_errors, with_banner

PAGE = (
    b"<!doctype html>\n<html><head><title>A page</title></head>\n"
    b'<body dir="ltr" class="x">\n<h1>A page</h1>\n</body></html>\n'
)
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Lines as errors may read: with markup, quotes, entities, line ends and controls.
PIECES = st.sampled_from(["<", ">", "&", '"', "'", "</pre>", "<script>alert(1)</script>", "&amp;"])
LINES = st.lists(
    st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=10) | PIECES)
    .map("".join)
    .filter(lambda line: "\n" not in line and "\r" not in line),
    min_size=1,
    max_size=5,
)


@given(LINES)
def test_the_banner_shows_any_line_as_text_and_leaves_the_page_as_it_was(lines: list[str]):
    page = with_banner(PAGE, lines)
    root = lxml_html.fromstring(page.decode("utf-8"))
    (banner,) = root.xpath(f"//*[@id='{BANNER_ID}']")
    (listed,) = banner.xpath("pre")
    assert len(listed) == 0, "markup in a line became an element"
    # What the browser shows: each line, characters that are not text aside.
    assert listed.text_content() == "\n".join(NOT_TEXT.sub("\ufffd", line) for line in lines)
    # First in the body, and the page otherwise untouched.
    assert root.xpath("//body/*[1]") == [banner]
    assert page.replace(page[page.index(b"<div id=") : page.index(b"</div>") + 6], b"") == PAGE


def html_app(body: bytes, kind: str):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    return app


def call(app) -> tuple[str, dict[str, str], bytes]:
    answer: dict[str, object] = {}

    def start_response(status, headers):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(app({"PATH_INFO": "/"}, start_response))
    return answer["status"], answer["headers"], body  # type: ignore[return-value]


def test_html_pages_get_the_banner_while_there_are_errors_and_nothing_else_does():
    errors: list[str] = []
    page = serving_errors(html_app(PAGE, "text/html"), lambda: errors)
    data = serving_errors(html_app(b'{"a": 1}', "application/json"), lambda: errors)

    assert call(page)[2] == PAGE
    errors.append('clusters/a"><b>x</b>.yaml: a problem')
    status, headers, body = call(page)
    assert status == "200 OK"
    assert BANNER_ID.encode() in body and b"<b>x</b>" not in body
    assert b"&lt;b&gt;x&lt;/b&gt;" in body
    assert headers["Content-Length"] == str(len(body))
    assert call(data)[2] == b'{"a": 1}'
    errors.clear()
    assert call(page)[2] == PAGE


def test_a_page_asked_for_during_a_rebuild_carries_that_rebuild_s_errors():
    """MkDocs' server holds a request until the rebuild under way ends; a page asked for
    meanwhile is answered after it, with its errors (a race the growth test met under load)."""
    errors: list[str] = []
    page = html_app(PAGE, "text/html")

    def rebuilding(environ, start_response):  # the rebuild ends, failed, while it waits
        errors.append("clusters/forum-2021/ac1.yaml:3:1: summary: a problem")
        return page(environ, start_response)

    body = call(serving_errors(rebuilding, lambda: errors))[2]
    assert BANNER_ID.encode() in body and b"ac1.yaml:3:1: summary: a problem" in body
