"""Related meetings: the others sharing most topics, then in the catalog's order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.catalog import RELATED_LIMIT, Catalog, build
from meetings.published import EventEntry, MeetingEntry

from .helpers import examples, url

SOURCE = {
    "id": "a-source",
    "title": "A source",
    "publisher": "A publisher",
    "url": "https://example.org/source",
    "supports": "Everything here.",
}


def event_record(slug: str, day: dt.date, topic_lists: list[list[str]]) -> EventEntry:
    event = EventEntry.model_validate(
        {
            "slug": slug,
            "name": f"Event {slug}",
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
            "dates_cites": [SOURCE["id"]],
            "description": "An event made up for the test.",
            "cites": [SOURCE["id"]],
            "sources": [SOURCE],
        }
    )
    event.meetings.extend(
        MeetingEntry.model_validate(
            {
                "slug": f"m{number}",
                "cluster": {"number": number, "name": f"Cluster {number}"},
                "title": f"Meeting {number} of {slug}",
                "date": day.isoformat(),
                "summary": "A meeting made up for the test.",
                "topics": topics,
                "cites": [SOURCE["id"]],
            }
        )
        for number, topics in enumerate(topic_lists, start=1)
    )
    return event


def related(catalog: Catalog) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    return {
        url(m): [(url(r.meeting), r.shared) for r in m.related]
        for m in catalog.meetings
        if m.related
    }


def test_ranked_by_shared_topics_then_catalog_order():
    catalog = build(
        [
            event_record(
                "older",
                dt.date(2020, 1, 1),
                [["x", "y", "z"], ["x"], ["X", "y"], ["y", "z"], ["w"]],
            ),
            event_record("newer", dt.date(2021, 1, 1), [["z"]]),
        ]
    )
    assert related(catalog)["older/m1/"] == [
        ("older/m3/", ("x", "y")),  # two shared, first in order
        ("older/m4/", ("y", "z")),
        ("newer/m1/", ("z",)),  # one shared; the newer event comes first in the catalog
        ("older/m2/", ("x",)),
    ]
    # Topics match without regard to case and are named as first written (newest first).
    assert related(catalog)["older/m3/"] == [
        ("older/m1/", ("x", "y")),
        ("older/m2/", ("x",)),
        ("older/m4/", ("y",)),
    ]
    assert "older/m5/" not in related(catalog)  # shares nothing: no related meetings


def test_at_most_the_limit():
    catalog = build([event_record("e", dt.date(2020, 1, 1), [["t"]] * (RELATED_LIMIT + 3))])
    first = catalog.meetings[0]
    assert [url(r.meeting) for r in first.related] == [
        f"e/m{n}/" for n in range(2, RELATED_LIMIT + 2)
    ]


def brute_force(catalog: Catalog) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Every pair of meetings compared: the reference the indexed version must match."""
    name = {topic.casefold(): topic for topic in catalog.topics}
    meetings = catalog.meetings
    result = {}
    for meeting in meetings:
        scored = []
        for rank, other in enumerate(meetings):
            theirs = {t.casefold() for t in other.topics}
            shared = tuple(name[t.casefold()] for t in meeting.topics if t.casefold() in theirs)
            if other is not meeting and shared:
                scored.append((-len(shared), rank, url(other), shared))
        best = sorted(scored)[:RELATED_LIMIT]
        if best:
            result[url(meeting)] = [(url, shared) for _, _, url, shared in best]
    return result


POOL = ["energy", "Energy", "data", "DATA", "mobility", "youth", "funding", "culture"]
topic_lists = st.lists(
    st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique_by=str.casefold),
    min_size=1,
    max_size=9,
)


@settings(max_examples=examples(30, 150), deadline=None)
@given(first=topic_lists, second=topic_lists)
def test_same_as_comparing_every_pair(first, second):
    catalog = build(
        [
            event_record("one", dt.date(2020, 1, 1), first),
            event_record("two", dt.date(2021, 1, 1), second),
        ]
    )
    assert related(catalog) == brute_force(catalog)
