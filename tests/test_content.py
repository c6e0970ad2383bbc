"""The content of the real records, checked against what their sources say.

This is the one test of today's facts (the other tests derive what they expect
from whatever the records hold). Each fact below is one the sources give, with
the source that gives it, as ``../shared/source/FACTS.md`` lists them; a change
to one of these facts must come with its source, and a change to this test.
It checks the facts that are there, never the absence of one: an editor adding
a sourced fact (a video address, a speaker, a time) breaks no test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from meetings.catalog import collect

from .helpers import CLUSTERS, url

CATALOG = collect(CLUSTERS)
(FORUM,) = CATALOG.events
BY_NUMBER = {entry.cluster.number: entry for entry in FORUM.meetings}
SOURCES = {source.id: source for source in FORUM.sources}


def page(site: Path, url: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / url / "index.html")).getroot()


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.mark.parametrize("entry", CATALOG.meetings, ids=lambda e: e.slug)
def test_every_topic_is_a_phrase_of_the_meeting_s_own_paragraph(entry):
    """Topics link meetings: only words their own source uses may link them."""
    summary = " ".join(entry.summary.split()).casefold()
    for topic in entry.topics:
        assert topic.casefold() in summary, topic


def test_the_sources_and_their_addresses():
    addresses = {source_id: source.url for source_id, source in SOURCES.items()}
    assert (
        addresses.items()
        >= {
            "article": "https://smart-cities-marketplace.ec.europa.eu/news-and-events/news/2021/"
            "action-cluster-meetings-smart-cities-marketplace-forum-2021",
            "event": "https://europa.eu/newsroom/events/smart-cities-marketplace-forum_en",
            "procure-scm": "https://smart-cities-marketplace.ec.europa.eu/node/3371",
            "procure-event": "https://procure-pcp.eu/events/scm-forum",
            "citizen-focus-announcement": "https://smart-cities-marketplace.ec.europa.eu/"
            "news-and-events/news/2021/citizen-engagement-reconnecting-dots",
            "varcities": "https://cordis.europa.eu/project/id/869505",
        }.items()
    )
    assert SOURCES["article"].published.isoformat() == "2021-07-05"
    assert SOURCES["citizen-focus-announcement"].published.isoformat() == "2021-05-18"
    # The pages show no title or date: the description says so of the page itself.
    for source_id in ("procure-scm", "procure-event"):
        assert SOURCES[source_id].title is None and SOURCES[source_id].published is None
        assert "The page gives no title or date." in SOURCES[source_id].supports


def test_the_article_s_three_misspellings_are_the_only_corrections():
    assert [str(c) for c in SOURCES["article"].corrections] == [
        "possiblity → possibility",
        "decisoin-centered → decision-centered",
        "beaufitul → beautiful",
    ]
    assert all(not source.corrections for source in FORUM.sources if source.id != "article")


def test_the_event_s_dates_and_the_partnership_in_the_newsroom_s_words():
    event = FORUM
    assert (event.start_date.isoformat(), event.end_date.isoformat()) == (
        "2021-06-09",
        "2021-06-10",
    )
    assert " ".join(event.partnership.text.split()) == (
        "This year's edition of the Smart Cities Marketplace forum will be an official partner "
        "event of the EU Green Week. It will be linked to the EU action plan toward a zero "
        "pollution ambition as a key action of the European Green Deal."
    )
    assert event.partnership.cites == ["event"]
    # The article says "day 2" only: the dates are the newsroom entry's alone.
    assert event.dates_cites == ["event"]
    assert event.cites[0] == "article"
    assert " ".join(event.description.split()) == (
        "On day 2 of the Smart Cities Marketplace Forum 2021, the Action Clusters held six "
        "meetings on a number of topical subjects reflecting new developments in the field of "
        "smart cities"
    )


def test_the_six_meetings_on_day_two():
    assert [entry.title for entry in FORUM.meetings] == [
        "Action Cluster 1 - Business Models & Finance meeting",
        "Action Cluster 2 - Citizen Focus meeting",
        "Action Cluster 3 - Integrated Infrastructures and Processes meeting",
        "Action Cluster 4 - Integrated Planning, Policy and Regulations meeting",
        "Action Cluster 5 - Sustainable Built Environment meeting",
        "Action Cluster 6 - Sustainable Urban Mobility meeting",
    ]
    for entry in FORUM.meetings:
        assert entry.date.isoformat() == "2021-06-10"
        # The article's paragraph is the summary; the newsroom's dates make day 2 10 June.
        assert entry.cites[:2] == ["article", "event"]
        assert entry.recording.title == entry.title
        assert entry.recording.channel == "Smart Cities Marketplace"
        assert entry.recording.cites == ["article"]


def test_cluster_1_speakers_and_procure():
    """Both procuRE pages name Nadia Koval and Georg Vogt; their roles and "empirica" are
    procure-event's alone. A role is the page's sentence whole, or cut with "…"."""
    meeting = BY_NUMBER[1]
    both = ["procure-event", "procure-scm"]
    alone = ["procure-event"]

    def said(fact):
        return (
            None
            if fact is None
            else (" ".join(getattr(fact, "text", "").split()) or fact.name, fact.cites)
        )

    assert [(s.name, s.cites, said(s.affiliation), said(s.role)) for s in meeting.speakers][:3] == [
        (
            "Juergen Ritzek",
            alone,
            None,
            (
                "Welcomed the participants and presented the updates of the Action Cluster. "
                "Also mentioned the needs to engage to leverage the smart cities marketplace.",
                alone,
            ),
        ),
        (
            "Nadia Koval",
            both,
            ("empirica", alone),
            ("Presented the Pre-Commercial Procurement (PCP) tool …", alone),
        ),
        (
            "Georg Vogt",
            both,
            ("empirica", alone),
            (
                "Presented the EU Horizon 2020 project procuRE aiming to develop breakthrough "
                "solutions for 100% renewable energy supply in buildings where 6 cities are to "
                "procure R&D services in building technology and renewables for a total sum of "
                "€7.68 million.",
                alone,
            ),
        ),
    ]
    (procure,) = [p for p in meeting.projects if p.name == "procuRE"]
    assert sorted(procure.cites) == both


def test_cluster_2_announcement_and_attendance():
    """Written on 18 May 2021: "…through a dynamic roundtable with officials, …" and, in
    another sentence, "The online event will…": a plan, announced, not what happened."""
    meeting = BY_NUMBER[2]
    assert " ".join(meeting.announced_as.text.split()) == (
        "… a dynamic roundtable with officials, experts/solution providers, city "
        "representatives and activists …"
    )
    assert meeting.announced_as.cites == ["citizen-focus-announcement"]
    assert meeting.attendance.mode == "online"
    assert meeting.attendance.status == "announced"
    assert meeting.attendance.cites == ["citizen-focus-announcement"]
    # "Lighthouse projects" is a kind of project the article asks about, not a named one.
    assert "lighthouse projects" in meeting.topics
    assert "lighthouse projects" not in [p.name.casefold() for p in meeting.projects]


def test_named_projects_and_their_addresses():
    named = {(n, p.name): p for n, e in BY_NUMBER.items() for p in e.projects}
    assert named[(4, "New European Bauhaus")].cites == ["article"]
    varcities = named[(5, "VARCITIES")]
    assert varcities.url == "https://cordis.europa.eu/project/id/869505"
    assert varcities.cites == ["article", "varcities"]
    # The meeting "launches a new Initiative on nature-based Cities": no source gives its
    # exact name, so it is not listed as a named initiative.
    assert not [name for _, name in named if "nature-based" in name.casefold()]


def test_topics_of_clusters_5_and_6_are_their_paragraphs_words():
    assert "scalable monitoring" in BY_NUMBER[5].topics
    assert "scaling up" not in BY_NUMBER[5].topics
    assert "shared charging stations" in BY_NUMBER[6].topics
    assert BY_NUMBER[2] not in [r.entry for r in BY_NUMBER[5].related]


# --------------------------------------------------------------------------
# The built site
# --------------------------------------------------------------------------


def test_no_page_meetings_json_or_json_ld_names_an_organiser(built_site: Path):
    """No source names an organiser: unless a record names one, no output does."""
    named = any(entry.organizer for entry in CATALOG.events)
    found = sorted(
        path.relative_to(built_site).as_posix()
        for path in built_site.rglob("*")
        if path.suffix in {".html", ".json", ".xml", ".ics"}
        and re.search(r"organi[sz]er", path.read_text(encoding="utf-8"), re.IGNORECASE)
    )
    # The JSON Schemas describe the optional field, for records that can source one.
    schemas = {"schema/event.schema.json", "schema/open-data.schema.json"}
    assert schemas <= set(found)
    assert bool(set(found) - schemas) == named, found


def test_cluster_1_page_lists_three_speakers_and_links_both_procure_sources(built_site: Path):
    tree = page(built_site, url(BY_NUMBER[1]))
    speakers = tree.xpath("//h2[@id='speakers']/following-sibling::ul[1]/li")
    assert [text_of(li.xpath("strong")[0]) for li in speakers][:3] == [
        "Juergen Ritzek",
        "Nadia Koval",
        "Georg Vogt",
    ]
    assert "procuRE" in text_of(tree.xpath("//article")[0])
    links = tree.xpath("//article//a/@href")
    assert {SOURCES["procure-scm"].url, SOURCES["procure-event"].url} <= set(links)


def test_cluster_2_page_says_it_was_announced_as_online_and_as_a_dynamic_roundtable(
    built_site: Path,
):
    tree = page(built_site, url(BY_NUMBER[2]))
    text = text_of(tree.xpath("//article")[0])
    assert "Announced as: online [3]" in text
    assert "Format: online" not in text
    assert (
        "Announced (18 May 2021): “… a dynamic roundtable with officials, experts/solution "
        "providers, city representatives and activists …” [3]"
    ) in text
    assert SOURCES["citizen-focus-announcement"].url in tree.xpath("//article//a/@href")
    # A plan is not published as what happened: no attendance mode for search engines.
    data = json.loads(tree.xpath("string(//script[@type='application/ld+json'])"))
    assert "eventAttendanceMode" not in data


def test_cluster_5_page_links_varcities_and_lists_no_related_cluster_2(built_site: Path):
    tree = page(built_site, url(BY_NUMBER[5]))
    assert tree.xpath("//article//a[normalize-space()='VARCITIES']/@href") == [
        "https://cordis.europa.eu/project/id/869505"
    ]
    related = tree.xpath("//h2[@id='related-meetings']/following-sibling::ul[1]//a/@href")
    assert not [href for href in related if "ac2-citizen-focus" in href]
