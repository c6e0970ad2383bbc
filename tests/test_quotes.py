"""Quoted means verbatim, and each source cited beside a quoted fact holds it (issue 18).

Every field the data model marks as a source's words (``x-quoted`` in its JSON
Schema) must be found in a passage of each source cited beside it, the source's
spelling corrections aside, a cut marked with "…" (:mod:`meetings.quotes`).
Everything here derives from the records: which fields are quoted, which word
is changed, where it is written in its file. An editor adding a sourced fact,
a meeting or an event breaks none of it.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from meetings.catalog import collect
from meetings.load import parse_yaml, read_records
from meetings.model import NAME, Source
from meetings.problems import InvalidRecords, field_path
from meetings.quotes import Words
from meetings.words import long_date
from meetings.yamlstrict import compose

from .helpers import CLUSTERS, examples, make_full_project, make_project, run_make, url
from .records import EVENT_FIELDS, MEETING_FIELDS, dump

CATALOG = collect(CLUSTERS)
DOCUMENTS = {document.file: document for document in read_records(CLUSTERS)[0]}
RECORDS = [*CATALOG.events, *CATALOG.meetings]
CUT = "…"


def normal(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------
# An independent reading of the rule, for the open data
# --------------------------------------------------------------------------


def source_texts(source: dict[str, Any]) -> list[str]:
    """A published source's words: its title and passages, as published and corrected."""
    passages = [normal(p) for p in [source.get("title") or "", *source.get("passages", [])]]
    corrected = list(passages)
    for correction in source.get("corrections", []):
        word = re.compile(rf"(?<!\w){re.escape(correction['misspelt'])}(?!\w)")
        corrected = [word.sub(correction["corrected"], p) for p in corrected]
    return [p for p in passages + corrected if p]


def holds(texts: list[str], words: str, kind: str) -> bool:
    """Whether one passage holds ``words``: a name as whole words; each paragraph of a
    quotation as its parts between "…", in order, from a sentence's start (unless cut)."""
    if kind == NAME:
        pattern = rf"(?<!\w){re.escape(normal(words))}(?!\w)"
        return any(re.search(pattern, text) for text in texts)
    for paragraph in re.split(r"\n\s*\n", words.strip()):
        parts = [part.strip() for part in normal(paragraph).split(CUT)]
        pieces = [re.escape(part) for part in parts if part]
        start = "" if parts[0] == "" else r"(?:^|(?<=[.!?:] )|(?<=[.!?:][”\"'] ))"
        end = "" if parts[-1] == "" else r"(?:$|(?<=[.!?:])(?=[ ”\"']))"
        pattern = start + r"\b.*?\b".join(pieces) + end if pieces else re.escape(paragraph)
        literal = re.escape(normal(paragraph))
        if not any(re.search(pattern, t) or re.fullmatch(literal, t) for t in texts):
            return False
    return True


def schema_node(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def quoted_in_open_data(
    schema: dict, node: dict, data: Any, cites: tuple[str, ...] = (), path: tuple = ()
) -> Iterator[tuple[tuple, str, str, tuple[str, ...]]]:
    """Every value of ``data`` whose schema marks it as a source's words (``x-quoted``),
    with the sources that must hold it: the ``cites`` beside it (the first alone in a
    record marked ``x-quotes: first-cite``)."""
    node = schema_node(schema, node)
    for option in node.get("anyOf", []):
        yield from quoted_in_open_data(schema, option, data, cites, path)
    if isinstance(data, dict) and "properties" in node:
        if isinstance(data.get("cites"), list):
            first = node.get("x-quotes") == "first-cite"
            cites = tuple(data["cites"][:1] if first else data["cites"])
        for name, sub in node["properties"].items():
            if name not in data:
                continue
            marked = schema_node(schema, sub).get("x-quoted") or sub.get("x-quoted")
            if marked and isinstance(data[name], str):
                yield (*path, name), marked, data[name], cites
            else:
                yield from quoted_in_open_data(schema, sub, data[name], cites, (*path, name))
    if isinstance(data, list) and "items" in node:
        for index, item in enumerate(data):
            yield from quoted_in_open_data(schema, node["items"], item, cites, (*path, index))


def test_every_quoted_fact_in_meetings_json_is_in_each_source_cited_beside_it(built_site: Path):
    data = json.loads((built_site / "meetings.json").read_bytes())
    schema = json.loads((built_site / "schema" / "open-data.schema.json").read_bytes())
    properties = schema["properties"]
    sources = {
        event["slug"]: {source["id"]: source_texts(source) for source in event["sources"]}
        for event in data["events"]
    }
    found = 0
    for event in data["events"]:
        for path, kind, words, cites in quoted_in_open_data(schema, properties["events"], [event]):
            assert cites, path
            for source_id in cites:
                assert holds(sources[event["slug"]][source_id], words, kind), (path, source_id)
                found += 1
    for meeting in data["meetings"]:
        texts = sources[meeting["event"]]
        for path, kind, words, cites in quoted_in_open_data(
            schema, properties["meetings"], [meeting]
        ):
            assert cites, path
            for source_id in cites:
                assert holds(texts[source_id], words, kind), (meeting["slug"], path, source_id)
                found += 1
    # The schema marks every quoted field of the model: none goes unchecked.
    expected = sum(len(cites) for record in RECORDS for *_, cites in record.quotations())
    assert found == expected > 3 * len(CATALOG.meetings)


SITE_OWN_WORDS = {
    # Addresses and labels the site chooses, its index words, and what it says of a source.
    ("slug",),
    ("name",),
    ("short_name",),
    ("topics", 0),
    ("sources", 0, "publisher"),
    ("sources", 0, "supports"),
    # A source's own words: its title as published, and the passages the checks read.
    ("sources", 0, "title"),
    ("sources", 0, "passages", 0),
}


def test_every_text_field_holds_a_source_s_words_or_the_site_s_own():
    """A text field added to the model is classified: quoted (and checked), or listed here."""
    for fields in (MEETING_FIELDS, EVENT_FIELDS):
        for field in fields:
            assert bool(field.quoted) != (field.path in SITE_OWN_WORDS), field.path
    quoted = {field.path for field in MEETING_FIELDS if field.quoted}
    assert {("summary",), ("title",), ("speakers", 0, "role", "text")} <= quoted
    assert {("announced_as", "text"), ("speakers", 0, "name")} <= quoted
    assert {("speakers", 0, "affiliation", "name"), ("recording", "title")} <= quoted
    event_quoted = {field.path for field in EVENT_FIELDS if field.quoted}
    assert {("description",), ("action_clusters",), ("partnership", "text")} <= event_quoted


# --------------------------------------------------------------------------
# A changed word is refused where it is written, naming the field and the source
# --------------------------------------------------------------------------


def quoted_fields() -> Iterator[tuple[str, tuple, str, str, tuple[str, ...]]]:
    for record in RECORDS:
        for path, kind, words, cites in record.quotations():
            yield record.file, path, kind, words, cites


CASES = list(quoted_fields())


def value_span(text: str, path: tuple) -> tuple[int, int]:
    """Where the value at ``path`` is written in ``text``: its first and last offsets."""
    node = compose(text)
    for part in path:
        if isinstance(part, int):
            node = node.value[part]
        else:
            node = next(value for key, value in node.value if key.value == part)
    return node.start_mark.index, node.end_mark.index


def changed(text: str, file: str, path: tuple, kind: str, words: str) -> tuple[str, int, int]:
    """The record's text with one word of the value at ``path`` changed ("Zq" before it),
    and the line and column where the changed word is written."""
    start, end = value_span(text, path)
    if kind != NAME:
        # A word of the quotation that no topic uses (a topic is a phrase of its summary).
        topics = " ".join(DOCUMENTS[file].data.get("topics", [])).casefold()
        start = (
            next(
                match.start()
                for match in re.finditer(r"(?<![\w-])[A-Za-z]{4,}(?![\w-])", text[start:end])
                if match[0].casefold() not in topics
            )
            + start
        )
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return text[:start] + "Zq" + text[start:], line, column


def refused_with(scratch: Path, file: str, text: str) -> list:
    """The problems of the scratch copy with ``file`` holding ``text``; then restored."""
    record = scratch / file
    original = record.read_text(encoding="utf-8")
    record.write_text(text, encoding="utf-8")
    try:
        with pytest.raises(InvalidRecords) as refused:
            collect(scratch / "clusters", scratch)
    finally:
        record.write_text(original, encoding="utf-8")
    collect(scratch / "clusters", scratch)  # restored: valid again
    return refused.value.problems


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose records the tests change one at a time, and restore."""
    return make_project(tmp_path_factory.mktemp("quotes") / "project")


@pytest.mark.parametrize(
    ("file", "path", "kind", "words", "cites"),
    CASES,
    ids=[f"{Path(file).stem}:{field_path(path)}" for file, path, *_ in CASES],
)
def test_a_changed_word_is_refused_at_its_place_naming_field_and_source(
    scratch: Path, file: str, path: tuple, kind: str, words: str, cites: tuple[str, ...]
):
    original = (scratch / file).read_text(encoding="utf-8")
    text, line, column = changed(original, file, path, kind, words)
    problems = [str(problem) for problem in refused_with(scratch, file, text)]
    where = f"{file}:{line}:{column}: {field_path(path)}: "
    assert problems and all(p.startswith(where) for p in problems), (where, problems)
    # One problem per source cited beside it, each named; the hint is a passage.
    named = [re.search(r"source '([^']+)'", p)[1] for p in problems]
    assert sorted(named) == sorted(cites)
    assert all("nearest" in p or "no passage" in p for p in problems)


def first_quoted(match) -> tuple[str, tuple, str, str, tuple[str, ...]]:
    found = next((case for case in CASES if match(case[1])), None)
    if found is None:
        pytest.skip("no record quotes such a field")
    return found


@pytest.mark.parametrize(
    "which",
    [
        lambda path: path[0] == "speakers" and path[-2:] == ("role", "text"),
        lambda path: path == ("summary",),
        lambda path: path == ("announced_as", "text"),
    ],
    ids=["a speaker's role", "a summary", "the announced-as text"],
)
def test_make_validate_fails_on_a_changed_word_and_passes_once_restored(tmp_path: Path, which):
    file, path, kind, words, _ = first_quoted(which)
    project = make_full_project(tmp_path / "project")
    record = project / file
    original = record.read_text(encoding="utf-8")
    text, line, column = changed(original, file, path, kind, words)
    record.write_text(text, encoding="utf-8")
    result = run_make(project, "validate")
    assert result.returncode != 0
    assert result.stdout.startswith(f"{file}:{line}:{column}: {field_path(path)}: "), result.stdout
    record.write_text(original, encoding="utf-8")
    result = run_make(project, "validate")
    assert result.returncode == 0, result.stdout


def test_a_cut_without_its_mark_is_refused(scratch: Path):
    """Every quotation cut with "…": the mark taken away, the record is refused there."""
    cut = [case for case in CASES if case[2] != NAME and CUT in case[3]]
    if not cut:
        pytest.skip("no record quotes with a cut")
    for file, path, *_ in cut:
        original = (scratch / file).read_text(encoding="utf-8")
        start, end = value_span(original, path)
        unmarked = re.sub(rf" ?{CUT} ?", " ", original[start:end])
        problems = refused_with(scratch, file, original[:start] + unmarked + original[end:])
        assert problems and {p.field for p in problems} == {field_path(path)}


def test_each_spelling_correction_is_what_lets_a_quotation_through(scratch: Path):
    """A correction listed with a source is used: without it, a quotation is refused."""
    event_file = scratch / CATALOG.events[0].file
    original = event_file.read_text(encoding="utf-8")
    corrections = [
        (source, correction)
        for source in CATALOG.events[0].sources
        for correction in source.corrections
    ]
    for source, correction in corrections:
        block = (
            f"      - misspelt: {correction.misspelt}\n        corrected: {correction.corrected}\n"
        )
        assert block in original, "the corrections are written one block each"
        problems = refused_with(scratch, CATALOG.events[0].file, original.replace(block, "", 1))
        assert problems and all(f"source '{source.id}'" in p.message for p in problems)


def test_a_correction_is_for_a_misspelt_word_of_a_passage(scratch: Path):
    event = CATALOG.events[0]
    original = (scratch / event.file).read_text(encoding="utf-8")
    index = next(i for i, source in enumerate(event.sources) if source.passages)
    for misspelt, corrected, message in [
        ("Zqxwv", "Zqxwy", "is in none of the passages of source"),
        ("online", "dynamic", "is not a spelling of"),
        ("two words", "twowords", "must be one word"),
    ]:
        data = parse_yaml(original)
        corrections = data["sources"][index].setdefault("corrections", [])
        corrections.append({"misspelt": misspelt, "corrected": corrected})
        (problem,) = refused_with(scratch, event.file, dump(data, "event"))
        assert problem.file == event.file and problem.line
        assert problem.field.startswith(f"sources[{index}].corrections[{len(corrections) - 1}]")
        assert message in problem.message


def test_an_announced_plan_cannot_be_given_as_reported(scratch: Path):
    """A source dated before the meeting says what was planned: 'reported' is refused."""
    found = [
        (meeting, source)
        for meeting in CATALOG.meetings
        if meeting.attendance
        for source in map(meeting.event.source, meeting.attendance.cites)
        if source.published and source.published < meeting.date
    ]
    if not found:
        pytest.skip("no attendance cites a source written before its meeting")
    meeting, source = found[0]
    original = (scratch / meeting.file).read_text(encoding="utf-8")
    assert "  status: announced\n" in original
    reported = original.replace("  status: announced\n", "  status: reported\n")
    (problem,) = refused_with(scratch, meeting.file, reported)
    assert (problem.file, problem.field) == (
        meeting.file,
        f"attendance.cites[{meeting.attendance.cites.index(source.id)}]",
    )
    assert (
        "status: announced" in problem.message and source.published.isoformat() in problem.message
    )


# --------------------------------------------------------------------------
# The rule itself, for any passage (hypothesis)
# --------------------------------------------------------------------------

WORD = st.text(string.ascii_lowercase, min_size=2, max_size=8)


@st.composite
def passages(draw) -> list[str]:
    """A passage of 2 to 4 sentences, each of 3 to 8 words."""
    sentences = []
    for _ in range(draw(st.integers(2, 4))):
        words = draw(st.lists(WORD, min_size=3, max_size=8))
        sentences.append(" ".join([words[0].capitalize(), *words[1:]]) + ".")
    return sentences


def words_of(*passages: str, corrections=()) -> Words:
    return Words(
        Source(
            id="s",
            publisher="P",
            url="https://example.org/",
            supports="S.",
            passages=list(passages),
            corrections=list(corrections),
        )
    )


@settings(max_examples=examples(40, 200))
@given(sentences=passages(), data=st.data())
def test_whole_sentences_are_quoted_and_any_changed_word_is_not(sentences, data):
    found = words_of(" ".join(sentences))
    first = data.draw(st.integers(0, len(sentences) - 1))
    last = data.draw(st.integers(first, len(sentences) - 1))
    quote = " ".join(sentences[first : last + 1])
    assert found.has_quotation(quote)
    words = quote.split()
    index = data.draw(st.integers(0, len(words) - 1))
    stranger = "Zq" + words[index]  # a word no passage has
    assert not found.has_quotation(" ".join([*words[:index], stranger, *words[index + 1 :]]))


@settings(max_examples=examples(40, 200))
@given(sentences=passages(), data=st.data())
def test_a_cut_is_a_quotation_only_with_its_mark(sentences, data):
    found = words_of(" ".join(sentences))
    words = " ".join(sentences).split()
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    part = words[start:end]
    whole_start = start == 0 or words[start - 1].endswith(".")
    whole_end = part[-1].endswith(".")
    lead = "" if whole_start else f"{CUT} "
    trail = "" if whole_end else f" {CUT}"
    assert found.has_quotation(lead + " ".join(part) + trail)
    if not whole_start or not whole_end:
        assert not found.has_quotation(" ".join(part))  # the same words, the cut unmarked
    if len(part) >= 3:
        middle = data.draw(st.integers(1, len(part) - 2))
        dropped = [*part[:middle], *part[middle + 1 :]]
        if " ".join(dropped) not in " ".join(words):  # it really leaves a word out
            assert not found.has_quotation(lead + " ".join(dropped) + trail)
            marked = [*part[:middle], CUT, *part[middle + 1 :]]
            assert found.has_quotation(lead + " ".join(marked) + trail)


@settings(max_examples=examples(25, 100))
@given(sentences=passages(), data=st.data())
def test_only_a_listed_correction_changes_a_word(sentences, data):
    from meetings.model import Correction

    words = " ".join(sentences).split()
    index = data.draw(st.integers(0, len(words) - 1))
    word = words[index].rstrip(".")
    fixed = word + "e"  # one letter more: a spelling
    quote = re.sub(rf"\b{re.escape(word)}\b", fixed, " ".join(sentences))
    if fixed in " ".join(sentences):
        return
    assert not words_of(" ".join(sentences)).has_quotation(quote)
    corrected = words_of(
        " ".join(sentences), corrections=[Correction(misspelt=word, corrected=fixed)]
    )
    assert corrected.has_quotation(quote)
    assert corrected.has_quotation(" ".join(sentences))  # the source's own spelling, too


# --------------------------------------------------------------------------
# What the built site says
# --------------------------------------------------------------------------


def built_files(site: Path, suffixes=(".html", ".json", ".xml", ".ics")) -> Iterator[Path]:
    return (path for path in site.rglob("*") if path.suffix in suffixes)


def test_no_page_says_stored_copy(built_site: Path):
    """Words about how the sources were gathered are not facts about the sources."""
    assert not [p for p in built_files(built_site) if "stored copy" in p.read_text("utf-8")]


def test_no_page_states_an_announced_attendance_as_a_fact(built_site: Path):
    for entry in CATALOG.meetings:
        tree = lxml_html.parse(str(built_site / url(entry) / "index.html")).getroot()
        text = normal(tree.xpath("string(//article)"))
        attendance = entry.attendance or entry.event.attendance
        if attendance is None or attendance.status == "announced":
            assert "Format:" not in text, entry.slug
        if attendance and attendance.status == "announced":
            assert f"Announced as: {attendance.mode}" in text
    for path in built_files(built_site, (".html",)):
        for mode in ("online", "offline", "mixed"):
            if f"Format: {mode}" in normal(lxml_html.parse(str(path)).getroot().text_content()):
                reported = [
                    r for r in RECORDS if r.attendance and r.attendance.status == "reported"
                ]
                assert reported, f"{path} says 'Format: {mode}' and no source reports it"


def test_every_calendar_names_the_source_its_summary_quotes(built_site: Path):
    for event in CATALOG.events:
        calendars = {event.calendar: event.meetings}
        calendars.update({meeting.calendar: [meeting] for meeting in event.meetings})
        for calendar, meetings in calendars.items():
            parsed = icalendar.Calendar.from_ical((built_site / calendar).read_bytes())
            vevents = parsed.walk("VEVENT")
            assert len(vevents) == len(meetings)
            for vevent, meeting in zip(vevents, meetings, strict=True):
                source = meeting.event.source(meeting.cites[0])
                description = str(vevent["description"])
                assert description.startswith(meeting.summary)
                for part in (source.publisher, source.url, source.title or ""):
                    assert part in description, (calendar, part)
                if source.published:
                    assert long_date(source.published) in description


def page_of(site: Path, address: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / address / "index.html")).getroot()


def citations_after(element: lxml_html.HtmlElement) -> list[str]:
    return [
        href.removeprefix("#source:")
        for href in element.xpath(".//a/@href")
        if href.startswith("#source:")
    ]


def test_the_home_page_cites_what_it_quotes(built_site: Path):
    """The cards quote each meeting's source: a line under them names each one in full
    (title, publisher, date, linked), since the home page has no list of sources (issue
    20: the event's page has it, with the event's own text, which only it quotes)."""
    event = CATALOG.events[0]
    tree = page_of(built_site, "")
    article = tree.xpath("//article")[0]
    text = normal(article.text_content())
    cards = article.xpath(".//*[contains(@class, 'meeting-cards')]")[0]
    (line,) = [p for p in cards.itersiblings() if "quoted from" in normal(p.text_content())][:1]
    firsts = [event.source(i) for i in dict.fromkeys(m.cites[0] for m in event.meetings)]
    named = [(a.get("href"), normal(a.text_content())) for a in line.xpath(".//a")]
    assert named == [(source.url, normal(source.label)) for source in firsts]
    for source in firsts:
        assert source.publisher in normal(line.text_content())
        if source.published:
            assert long_date(source.published) in normal(line.text_content())
    # The event's text is quoted on its page, cited there.
    assert normal(event.description) not in text
    event_page = page_of(built_site, url(event))
    assert normal(event.description) in normal(event_page.xpath("//article")[0].text_content())


def test_the_event_page_cites_its_dates_to_their_sources_alone(built_site: Path):
    for event in CATALOG.events:
        tree = page_of(built_site, url(event))
        (dates,) = [
            li
            for li in tree.xpath("//article//li")
            if normal(li.text_content()).startswith("Dates:")
        ]
        order = [s.id for s in event.cited_sources]
        assert citations_after(dates) == sorted(event.dates_cites, key=order.index)


def test_the_sources_lists_show_the_spelling_corrections(built_site: Path):
    """The site says which words it corrected, wherever it lists the source."""
    pages = [(page_of(built_site, "about"), "source:{event}:{id}")]
    for event in CATALOG.events:
        pages += [(page_of(built_site, url(event)), "source:{id}")]
        pages += [(page_of(built_site, url(m)), "source:{id}") for m in event.meetings]
    for tree, anchor in pages:
        for event in CATALOG.events:
            for source in event.sources:
                found = tree.xpath(f"//a[@id='{anchor.format(event=event.slug, id=source.id)}']/..")
                for item in found:
                    text = normal(item.text_content())
                    for correction in source.corrections:
                        assert f"“{correction.misspelt}” (as “{correction.corrected}”)" in text
    assert any(source.corrections for event in CATALOG.events for source in event.sources)


def test_the_open_data_says_unknown_speakers_are_null(built_site: Path):
    schema = json.loads((built_site / "schema" / "open-data.schema.json").read_bytes())
    meeting = schema["$defs"]["PublishedMeeting"]
    assert "speakers" in meeting["required"]
    assert {"type": "null"} in meeting["properties"]["speakers"]["anyOf"]
    assert "unknown" in meeting["properties"]["speakers"]["description"]
    data = json.loads((built_site / "meetings.json").read_bytes())
    for record, entry in zip(data["meetings"], CATALOG.meetings, strict=True):
        assert record["speakers"] is None if not entry.speakers else record["speakers"]
