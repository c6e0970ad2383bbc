"""Property: each shortcut the build takes for speed gives what the plain way gives.

The cold build keeps its processor time low (CONTRIBUTING.md, "Performance") with
a few shortcuts that a rule of the site depends on. Each is compared here with
the plain way it stands for, on any input Hypothesis makes.
"""

from __future__ import annotations

from urllib.parse import urljoin

from hypothesis import given
from hypothesis import strategies as st

from meetings.catalog import collect
from meetings.layout import join_url
from meetings.limits import INVISIBLE, UNSAFE_CHARACTERS
from meetings.model import Event, Meeting, Record

from .helpers import CLUSTERS, ROOT
from .records import complete_event, complete_meeting

# Text near the edges of the character classes: text of ASCII only, of the Basic
# Multilingual Plane only, or of any plane, with one of the characters the classes
# name (their ranges' ends) or a neighbour of one, surrogates and noncharacters among them.
_NAMED = {ord(ch) for c in (UNSAFE_CHARACTERS, INVISIBLE) for ch in c.pattern.pattern} - {
    ord("["),
    ord("]"),
    ord("-"),
}
_EDGES = sorted({n + d for n in _NAMED for d in (-1, 0, 1)} & set(range(0x11_0000)))


def _around(plane: int) -> st.SearchStrategy[str]:
    text = st.text(st.characters(max_codepoint=plane), max_size=12)
    edge = st.sampled_from([chr(n) for n in _EDGES if n <= plane])
    return st.builds(lambda *parts: "".join(parts), text, edge, text)


TEXT = st.one_of(_around(0x7F), _around(0xFFFF), _around(0x10_FFFF))


@given(TEXT, st.integers(0, 8))
def test_character_classes_are_searched_as_the_whole_class(text: str, start: int):
    """:class:`meetings.limits.Characters` searches ASCII and BMP text with a part of the
    class: it finds the same first character, and every one, as the whole class does."""
    for characters in (UNSAFE_CHARACTERS, INVISIBLE):
        fast, plain = characters.search(text, start), characters.pattern.search(text, start)
        assert (fast and (fast.start(), fast.group())) == (plain and (plain.start(), plain.group()))
        assert characters.findall(text, start) == characters.pattern.findall(text, start)


# Addresses as MkDocs and the site write them, and odd ones: dots, empty parts, slashes
# at either end, a scheme, a query, a fragment.
PART = st.one_of(
    st.sampled_from(["", ".", "..", "...", "index.md", "forum-2021", "ac1.md", "a.b", "x:y"]),
    st.text("ab.-%:?#;/", max_size=5),
)
PATH = st.lists(PART, max_size=5).map("/".join)


@given(
    st.one_of(
        st.sampled_from(
            ["https://example.org/", "https://example.org/site/", "http://127.0.0.1:8000/"]
        ),
        PATH.map(lambda path: f"https://example.org/{path}"),
    ),
    PATH,
)
def test_addresses_are_joined_as_urljoin_joins_them(base: str, relative: str):
    """``layout.join_url`` appends a plain relative address, and gives anything else to
    ``urljoin``: the same address either way."""
    assert join_url(base, relative) == urljoin(base, relative)


def _all_citations(record: Record, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every ``cites`` at any depth, every field walked: what ``Record.citations`` gave
    before it learnt which fields to skip."""
    found = []
    for name in type(record).model_fields:
        value = getattr(record, name)
        if name in ("cites", "dates_cites"):
            found += [((*path, name, index), source) for index, source in enumerate(value)]
        for index, item in _records_under(value):
            found += _all_citations(item, (*path, name, *index))
    return found


def _all_quotations(record: Record, path: tuple = (), cites: tuple = ()) -> list[tuple]:
    """Every quoted field at any depth, every field walked (``Record.quotations`` before)."""
    own = getattr(record, "cites", None)
    if own is not None:
        cites = tuple(own[:1]) if record.quotes_first_source() else tuple(own)
    found: list[tuple] = []
    for name, info in type(record).model_fields.items():
        value = getattr(record, name)
        if isinstance(info.json_schema_extra, dict) and isinstance(value, str):
            found.append(((*path, name), str(info.json_schema_extra["x-quoted"]), value, cites))
        for index, item in _records_under(value):
            found += _all_quotations(item, (*path, name, *index), cites)
    return found


def _records_under(value: object) -> list[tuple[tuple, Record]]:
    if isinstance(value, Record):
        return [((), value)]
    if isinstance(value, list):
        return [((index,), item) for index, item in enumerate(value) if isinstance(item, Record)]
    return []


def test_citations_and_quotations_skip_only_fields_that_hold_none():
    """``Record.citations`` and ``Record.quotations`` walk only the fields whose type can
    hold a citation or a quotation: on every record of the site, and on a meeting and an
    event with every optional field, they find what a walk of every field finds."""
    catalog = collect(CLUSTERS, ROOT)
    records: list[Record] = [*catalog.events, *catalog.meetings]
    records += [Meeting.model_validate(complete_meeting()), Event.model_validate(complete_event())]
    for record in records:
        assert list(record.citations()) == _all_citations(record)
        assert list(record.quotations()) == _all_quotations(record)
    assert any(_all_citations(record) for record in records)
    assert any(_all_quotations(record) for record in records)
