"""Today's content: the six meetings of the Forum 2021, as their sources give them.

This module holds the one test of today's facts,
:func:`test_todays_six_meetings_are_there_as_their_sources_say`; every other
test derives what it expects from whatever the records hold, so that an editor
adding a sourced fact, a meeting or an event breaks none of them (the proof is
``test_growth.py``). Each fact below is one the sources give, with the source
that gives it, as ``../shared/source/FACTS.md`` lists them. The test checks
that these facts are there, never that nothing else is: a video address, a
speaker, a time or a seventh meeting added later breaks nothing. Changing or
removing one of these facts, or one of the six meetings, must come with its
source and a change to this test (README, "Remove a meeting").

Rules the site relies on (a topic is a word of the meeting's own summary, a
source cited is listed) are not checked here but by ``meetings validate``.
"""

from __future__ import annotations

import json
from pathlib import Path

from lxml import html as lxml_html

from meetings.catalog import collect

from .helpers import CLUSTERS, url

FORUM = "forum-2021"
SOURCES = {
    "article": "https://smart-cities-marketplace.ec.europa.eu/news-and-events/news/2021/"
    "action-cluster-meetings-smart-cities-marketplace-forum-2021",
    "event": "https://europa.eu/newsroom/events/smart-cities-marketplace-forum_en",
    "procure-scm": "https://smart-cities-marketplace.ec.europa.eu/node/3371",
    "procure-event": "https://procure-pcp.eu/events/scm-forum",
    "citizen-focus-announcement": "https://smart-cities-marketplace.ec.europa.eu/"
    "news-and-events/news/2021/citizen-engagement-reconnecting-dots",
    "varcities": "https://cordis.europa.eu/project/id/869505",
}
MEETINGS = {
    "ac1-business-models-finance": "Action Cluster 1 - Business Models & Finance meeting",
    "ac2-citizen-focus": "Action Cluster 2 - Citizen Focus meeting",
    "ac3-integrated-infrastructures-processes": (
        "Action Cluster 3 - Integrated Infrastructures and Processes meeting"
    ),
    "ac4-integrated-planning-policy-regulations": (
        "Action Cluster 4 - Integrated Planning, Policy and Regulations meeting"
    ),
    "ac5-sustainable-built-environment": "Action Cluster 5 - Sustainable Built Environment meeting",
    "ac6-sustainable-urban-mobility": "Action Cluster 6 - Sustainable Urban Mobility meeting",
}
"""The six meetings of day 2, by slug, with their titles as the article gives them."""


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_todays_six_meetings_are_there_as_their_sources_say(built_site: Path):
    catalog = collect(CLUSTERS)
    (forum,) = [event for event in catalog.events if event.slug == FORUM]
    sources = {source.id: source for source in forum.sources}
    by_slug = {meeting.slug: meeting for meeting in forum.meetings}

    # The sources and their addresses; the dates the two news items give.
    assert {i: sources[i].url for i in SOURCES if i in sources} == SOURCES
    assert sources["article"].published.isoformat() == "2021-07-05"
    assert sources["citizen-focus-announcement"].published.isoformat() == "2021-05-18"
    # The pages show no title or date: the description says so of the page itself.
    for source_id in ("procure-scm", "procure-event"):
        assert sources[source_id].title is None and sources[source_id].published is None
        assert "The page gives no title or date." in sources[source_id].supports
    # The article's three misspellings are the only corrections.
    assert [str(c) for c in sources["article"].corrections] == [
        "possiblity → possibility",
        "decisoin-centered → decision-centered",
        "beaufitul → beautiful",
    ]
    assert all(not s.corrections for s in forum.sources if s.id != "article")

    # The Forum's dates and its partnership, in the newsroom's words and tense.
    assert (forum.start_date.isoformat(), forum.end_date.isoformat()) == (
        "2021-06-09",
        "2021-06-10",
    )
    assert " ".join(forum.partnership.text.split()) == (
        "This year's edition of the Smart Cities Marketplace forum will be an official partner "
        "event of the EU Green Week. It will be linked to the EU action plan toward a zero "
        "pollution ambition as a key action of the European Green Deal."
    )
    assert forum.partnership.cites == ["event"]
    # The article says "day 2" only: the dates are the newsroom entry's alone.
    assert forum.dates_cites == ["event"]
    assert forum.cites[0] == "article"
    assert " ".join(forum.description.split()) == (
        "On day 2 of the Smart Cities Marketplace Forum 2021, the Action Clusters held six "
        "meetings on a number of topical subjects reflecting new developments in the field of "
        "smart cities"
    )

    # The six meetings of day 2, each with its title, day, sources and recording.
    assert {slug: by_slug[slug].title for slug in MEETINGS if slug in by_slug} == MEETINGS
    for slug in MEETINGS:
        meeting = by_slug[slug]
        assert meeting.date.isoformat() == "2021-06-10"
        # The article's paragraph is the summary; the newsroom's dates make day 2 10 June.
        assert meeting.cites[:2] == ["article", "event"]
        assert meeting.recording.title == meeting.title
        assert meeting.recording.channel == "Smart Cities Marketplace"
        assert meeting.recording.cites == ["article"]
    text = " ".join(by_slug[slug].summary for slug in MEETINGS)
    for wrong, right in [  # the article's typos, corrected in the records
        ("possiblity", "possibility"),
        ("decisoin", "decision"),
        ("beaufitul", "beautiful"),
    ]:
        assert wrong not in text
        assert right in text

    # Cluster 1: its speakers, as procuRE's pages name them, and the project. Both pages name
    # Nadia Koval and Georg Vogt; their roles and "empirica" are procure-event's alone. A role
    # is the page's sentence whole, or cut with "…".
    cluster_1 = by_slug["ac1-business-models-finance"]
    both, alone = ["procure-event", "procure-scm"], ["procure-event"]

    def said(fact):
        if fact is None:
            return None
        return " ".join(getattr(fact, "text", "").split()) or fact.name, fact.cites

    assert [(s.name, s.cites, said(s.affiliation), said(s.role)) for s in cluster_1.speakers][
        :3
    ] == [
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
    (procure,) = [p for p in cluster_1.projects if p.name == "procuRE"]
    assert sorted(procure.cites) == both

    # Cluster 2: what its announcement said it would be.
    cluster_2 = by_slug["ac2-citizen-focus"]
    # Written on 18 May 2021: "…through a dynamic roundtable with officials, …" and, in
    # another sentence, "The online event will…": a plan, announced, not what happened.
    assert " ".join(cluster_2.announced_as.text.split()) == (
        "… a dynamic roundtable with officials, experts/solution providers, city "
        "representatives and activists …"
    )
    assert cluster_2.announced_as.cites == ["citizen-focus-announcement"]
    assert (cluster_2.attendance.mode, cluster_2.attendance.status) == ("online", "announced")
    assert cluster_2.attendance.cites == ["citizen-focus-announcement"]
    # "Lighthouse projects" is a kind of project the article asks about, not a named one.
    assert "lighthouse projects" in cluster_2.topics
    assert "lighthouse projects" not in [p.name.casefold() for p in cluster_2.projects]

    # The projects named, and the one address a source gives.
    named = {(m.slug, p.name): p for m in forum.meetings for p in m.projects}
    assert named[("ac4-integrated-planning-policy-regulations", "New European Bauhaus")].cites == [
        "article"
    ]
    varcities = named[("ac5-sustainable-built-environment", "VARCITIES")]
    assert varcities.url == "https://cordis.europa.eu/project/id/869505"
    assert varcities.cites == ["article", "varcities"]
    # The meeting "launches a new Initiative on nature-based Cities": no source gives its
    # exact name, so it is not listed as a named initiative.
    assert not [name for _, name in named if "nature-based" in name.casefold()]

    # Topics in the words of each paragraph.
    cluster_5 = by_slug["ac5-sustainable-built-environment"]
    assert "scalable monitoring" in cluster_5.topics
    assert "scaling up" not in cluster_5.topics
    assert "shared charging stations" in by_slug["ac6-sustainable-urban-mobility"].topics
    assert cluster_2 not in [related.meeting for related in cluster_5.related]

    # Their pages, as built.
    tree = lxml_html.parse(str(built_site / url(cluster_1) / "index.html")).getroot()
    speakers = tree.xpath("//h2[@id='speakers']/following-sibling::ul[1]/li")
    assert [text_of(li.xpath("strong")[0]) for li in speakers][:3] == [
        "Juergen Ritzek",
        "Nadia Koval",
        "Georg Vogt",
    ]
    assert {sources["procure-scm"].url, sources["procure-event"].url} <= set(
        tree.xpath("//article//a/@href")
    )
    tree = lxml_html.parse(str(built_site / url(cluster_2) / "index.html")).getroot()
    text = text_of(tree.xpath("//article")[0])
    assert "Announced as: online [3]" in text
    assert "Format: online" not in text
    assert (
        "Announced (18 May 2021): “… a dynamic roundtable with officials, experts/solution "
        "providers, city representatives and activists …” [3]"
    ) in text
    # A plan is not published as what happened: no attendance mode for search engines.
    data = json.loads(tree.xpath("string(//script[@type='application/ld+json'])"))
    assert "eventAttendanceMode" not in data
    tree = lxml_html.parse(str(built_site / url(cluster_5) / "index.html")).getroot()
    assert tree.xpath("//article//a[normalize-space()='VARCITIES']/@href") == [
        "https://cordis.europa.eu/project/id/869505"
    ]
