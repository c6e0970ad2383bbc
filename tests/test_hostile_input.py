"""Broken and hostile records: each gets one clear line per problem, and loses nothing.

Every case below breaks a copy of the real records in one way an editor (or an
attacker) might: most of them break the example meeting the copy gains
(:data:`~tests.records.SAMPLE`, made up), so that none depends on which
meetings the real records hold. For each, ``meetings validate`` (what ``make validate`` runs)
must print exactly the expected lines, ``FILE:LINE:COL: field: message`` where
the file has a place and a field, exit with 1 and show no traceback; and a
build through ``scripts/build-site`` (what ``make build`` runs) must fail with
the same lines and leave the previous ``site/`` byte for byte as it was.

Text that is valid but looks like code is in ``test_hostile_text.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import subprocess
import sys
import tracemalloc
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from meetings.cli import main
from meetings.load import MAX_DEPTH, MAX_FILE_BYTES, parse_yaml, read_document
from meetings.model import Meeting

from .helpers import BUILD_ENV, ROOT, make_project, snapshot
from .records import SAMPLE, add_sample

AC1 = SAMPLE.file
"""The example meeting: ``clusters/forum-2021/ac7-sample-procurement.yaml`` today."""
EVENT = SAMPLE.event_file
NEW_NUMBER = SAMPLE.number + 1
NEW = f"{SAMPLE.folder}/zz-new-meeting.yaml"
"""A second new meeting, after the example in the folder's order."""
FOLDER = SAMPLE.folder + "/"
BUILD_SITE = ROOT / "scripts" / "build-site"


@pytest.fixture
def project(sample_project: Path) -> Path:
    """A throw-away copy of the project with the real records and the example meeting."""
    return sample_project


Edit = Callable[[str], str | bytes]


@dataclass(frozen=True)
class Bad:
    """One broken file and the lines ``meetings validate`` must print for it."""

    file: str
    """The file written, relative to the project."""
    edit: Edit
    """Makes the file's new content from the text of ``base``."""
    expect: Callable[[str], list[str]]
    """Given the new text, a regular expression for each line printed."""
    base: str | None = None
    """The file whose text ``edit`` starts from (default: ``file`` itself)."""


def replace(pattern: str, new: str | Callable[[re.Match[str]], str]) -> Edit:
    """Replace the first match of a multi-line regular expression."""

    def edit(text: str) -> str:
        changed, count = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
        assert count == 1, f"{pattern!r} not found"
        return changed

    return edit


def append(extra: str) -> Edit:
    return lambda text: text + extra


def constant(content: str | bytes) -> Edit:
    return lambda _text: content


def then(*edits: Edit) -> Edit:
    def edit(text: str) -> str | bytes:
        for step in edits:
            text = step(text)  # type: ignore[assignment]
        return text

    return edit


def at(text: str, needle: str) -> int:
    """The line number of the first occurrence of ``needle``."""
    assert needle in text, needle
    return text[: text.index(needle)].count("\n") + 1


def first_key(text: str) -> int:
    """The line of the first key (after the schema comment): where a missing field is reported."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if re.match(r"\w", line))


def line(file: str, where: int | None, column: int | None, field: str | None, message: str) -> str:
    """The regular expression of one printed line; ``message`` is itself a regex."""
    place = re.escape(file)
    place += f":{where}" if where is not None else ""
    place += f":{column}" if column is not None else ""
    return f"{place}: " + (f"{re.escape(field)}: " if field else "") + message


Where = str | int | Callable[[str], int] | None
"""The line of a problem: of a text's first occurrence, a number, computed, or none."""


def case(
    name: str,
    edit: Edit,
    where: Where,
    column: int | Callable[[str], int] | None,
    field: str | None,
    message: str | Callable[[str], str],
    *,
    file: str = AC1,
    base: str | None = None,
    shown: str | None = None,
    also: Callable[[str], list[str]] = lambda _text: [],
):
    """A case printing one line (plus ``also``) about ``shown`` (default: ``file``).

    ``message`` is a regular expression, or makes one from the new text.
    """

    def expect(text: str) -> list[str]:
        if isinstance(where, str):
            number = at(text, where)
        elif callable(where):
            number = where(text)
        else:
            number = where
        col = column(text) if callable(column) else column
        pattern = message(text) if callable(message) else message
        return [line(shown or file, number, col, field, pattern), *also(text)]

    return pytest.param(Bad(file, edit, expect, base), id=name)


def laughs(levels: int = 10, width: int = 10) -> str:
    """A "billion laughs" document: ``width ** levels`` copies of one word, by aliases."""
    rows = ["lol0: &lol0 lol"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*lol{level - 1}"] * width)
        rows.append(f"lol{level}: &lol{level} [{aliases}]")
    return "\n".join(rows) + "\n"


LAUGHS = laughs()
SOURCE_URL = r"^(    url: )https://[^\n]*"
"""The address of the first source in the event's list."""
PROJECT = r"^(projects:\n)"
RECORDING_URL = replace(r"^(  channel: .*\n)", r"\g<1>  url: javascript:alert(document.cookie)\n")
TOPICS = r"^topics:\n(  - .*\n)+"
NUMBER = rf"^  number: {SAMPLE.number}$"
TITLE = r"^title: .*$"
_AC1_TEXT = SAMPLE.text
TOPICS_OF_AC1 = parse_yaml(_AC1_TEXT)["topics"]
TOPIC = next(t for t in TOPICS_OF_AC1 if " " in t)
"""A topic of the example meeting written with a space, and the line it is on."""
TOPIC_LINE = at(_AC1_TEXT, f"  - {TOPIC}\n")
THIRD_TOPIC = TOPICS_OF_AC1[2]
FIELDS = ", ".join(Meeting.model_fields)
DAY = dt.timedelta(days=1)
AFTER_THE_EVENT = (dt.date.fromisoformat(SAMPLE.end) + 21 * DAY).isoformat()
BEFORE_IT_STARTS = (dt.date.fromisoformat(SAMPLE.date) - 8 * DAY).isoformat()


def another_meeting_about(topic: str) -> Edit:
    """Another meeting than the example (its copy), whose one topic is ``topic``."""
    return then(
        replace(r"^slug: .*$", "slug: zz-new-meeting"),
        replace(NUMBER, f"  number: {NEW_NUMBER}"),
        replace(TOPICS, f"topics:\n  - {topic}\n"),
    )


def recording_url(address: str) -> Edit:
    """The first meeting's recording at ``address``."""
    return replace(r"^(  channel: .*\n)", lambda match: f"{match[1]}  url: {address}\n")


_CYRILLIC = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "i": "\u0456", "c": "\u0441"}
LOOK_ALIKE_CHAR = next(_CYRILLIC[c] for c in TOPIC if c in _CYRILLIC)
LOOK_ALIKE = TOPIC.replace(next(c for c in TOPIC if c in _CYRILLIC), LOOK_ALIKE_CHAR, 1)
"""The topic of the first meeting with one letter written in Cyrillic: it looks the same."""


def latin_1(text: str) -> bytes:
    """The record saved as Latin-1 (a character it lacks, such as "…", as "?")."""
    return text.replace("possibility", "possibilit\xe9").encode("latin-1", errors="replace")


def column_after(needle: str) -> Callable[[str], int]:
    return lambda text: text.splitlines()[at(text, needle) - 1].index(needle) + len(needle) + 1


# fmt: off
CASES = [
    # ---------------------------------------------------------------- broken YAML
    case(
        "unclosed-bracket",
        replace(TOPICS, f"topics: [{THIRD_TOPIC}, {TOPIC}\n"),
        "topics: [", 9, "topics",
        r"the '\[' opened on line \d+ is not closed; "
        r"close it with '\]', or put the whole text in quotes",
    ),
    case(
        "unclosed-quote",
        replace(r"^title: (.*)$", r'title: "\1'),
        'title: "', 8, "title",
        """the '"' opened on line \\d+ is not closed; end the text with the same quote mark""",
    ),
    case(
        "tab-indentation",
        replace(NUMBER, f"\tnumber: {SAMPLE.number}"),
        "\tnumber", 1, "cluster.number",
        "a tab character is used for indentation; indent with spaces only",
    ),
    case(
        "duplicate-key",
        replace(r"^(date: .*\n)", r"\1title: A second title\n"),
        "title: A second", 1, "title",
        r"duplicate key 'title' \(first given on line \d+\); give each key once",
    ),
    case(
        "duplicate-nested-key",
        replace(r"^(  platform: .*\n)", r"\1  platform: YouTube\n"),
        lambda t: at(t, "  platform:") + 1, 3, "recording.platform",
        r"duplicate key 'platform' \(first given on line \d+\); give each key once",
    ),
    case(
        "missing-colon",
        replace(r"^date: ", "date "),
        "date ", 1, None,
        "this line is missing its ':' or is indented wrongly; align the keys of one block",
    ),
    case(
        "wrong-indentation",
        replace(r"^  name: ", "   name: "),
        "   name:", 8, "cluster.number.name",
        "a ':' appears where no key can start; check the indentation, or quote the text",
    ),
    case(
        "two-documents",
        replace(r"^(date: .*\n)", r"\1---\n"),
        "---", 1, None,
        r"the file holds more than one YAML document \('---'\); keep one record per file",
    ),
    case(
        "reserved-indicator",
        replace(TITLE, "title: %s"),
        "title: %", 8, "title",
        "a value cannot start with '%' in YAML; put the text in quotes",
    ),
    case(
        "python-tag",
        replace(TITLE, "title: !!python/object/apply:os.system [echo]"),
        "title: !", 8, "title",
        "the tag tag:yaml.org,2002:python/object/apply:os.system is not supported; "
        "remove it and write a plain value",
    ),
    case(
        "null-key",
        append("~: nothing\n"),
        "~:", 1, "~",
        r"a key must be a word such as 'title', found nothing \(an empty value\)",
    ),
    case(
        "huge-number",
        replace(NUMBER, "  number: " + "9" * 5000),
        "  number: 9", 11, "cluster.number",
        "a number of 5000 digits is too long; a record's numbers are small",
    ),
    case(
        "deep-nesting",
        append("gist: " + "[" * 50 + "]" * 50 + "\n"),
        "gist:", 6 + MAX_DEPTH, "gist",
        f"values are nested more than {MAX_DEPTH} levels deep; a record needs only a few levels",
        also=lambda t: [line(AC1, at(t, "gist:"), 7, "gist", "expected text, found a list")],
    ),
    case(
        "very-deep-nesting",
        append("gist: " + "[" * 5000 + "]" * 5000 + "\n"),
        "gist:", 1006, None,
        f"values are nested more than {MAX_DEPTH} levels deep; a record needs only a few levels",
    ),
    case(
        "billion-laughs",
        append(LAUGHS + "gist: *lol10\n"),
        "lol10:", 8, "lol10",
        r"anchors and aliases \(&name, \*name\) are not supported; write the value out in full",
        # Every anchor once, and each 'lolN' key as the unknown field it also is.
        also=lambda t: [
            line(AC1, at(t, f"lol{n}:"), 1, f"lol{n}", f"unknown field 'lol{n}'; .+")
            for n in range(11)
        ] + [
            line(AC1, at(t, f"lol{n}:"), 7, f"lol{n}", r"anchors and aliases .+")
            for n in range(10)
        ],
    ),
    # ---------------------------------------------------------------- not a record
    case(
        "empty-file",
        constant(""),
        None, None, None,
        r"the file is empty; it must hold the fields of a meeting \(see the README\)",
    ),
    case(
        "comment-only-event",
        constant("# Only a comment.\n\n"),
        None, None, None,
        r"the file is empty; it must hold the fields of an event \(see the README\)",
        file=EVENT,
    ),
    case(
        "plain-text",
        constant("Just a sentence about the meeting.\n"),
        1, 1, None,
        "expected the fields of a meeting as 'key: value' lines, found text",
    ),
    case(
        "latin-1",
        latin_1,
        "possibilit", column_after("possibilit"), "summary",
        r"the file is not UTF-8 text \(byte 0xE9\); save it as UTF-8",
    ),
    case(
        "utf-16",
        lambda t: t.encode("utf-16"),
        1, 1, None,
        r"the file is not UTF-8 text \(byte 0xFF\); save it as UTF-8",
    ),
    case(
        "nul-byte",
        replace(r"^title: Action", "title: Act\x00ion"),
        "title:", 11, "title",
        "control characters are not allowed: "
        "the file holds a character that YAML does not allow; remove it",
    ),
    case(
        "over-1-mb",
        append("  # padding\n" * (MAX_FILE_BYTES // 12 + 1)),
        None, None, None,
        r"the file is [\d,]+ bytes; a record may be at most 1,000,000 bytes",
    ),
    case(
        "outside-event-folder",
        constant("slug: stray\n"),
        None, None, None,
        "a record must be inside an event folder, e.g. clusters/forum-2021/; move the file there",
        file="clusters/stray.yaml",
        base=AC1,
    ),
    case(
        "yml-extension",
        lambda t: t,
        None, None, None,
        r"name the file with \.yaml, not \.yml",
        file=f"{FOLDER}zz7.yml",
        base=AC1,
    ),
    # Nothing under clusters/ is passed over in silence (issue 17).
    *(
        case(
            f"{suffix[1:]}-extension",
            lambda t: t,
            None, None, None,
            rf"name the file with \.yaml in lowercase, not \{suffix}",
            file=f"{FOLDER}zz7{suffix}",
            base=AC1,
        )
        for suffix in (".YAML", ".Yaml")
    ),
    case(
        "record-in-a-subfolder",
        lambda t: t,
        None, None, None,
        "a folder inside an event folder is not read: each record is a file directly in "
        rf"{re.escape(SAMPLE.folder)}/; move its files there, or remove it",
        file=f"{FOLDER}sub/zz7.yaml",
        base=AC1,
        shown=f"{FOLDER}sub/",
    ),
    *(
        case(
            f"stray-file-{name}",
            constant("Notes about the next meeting.\n"),
            None, None, None,
            f"not a record, so it is not read: {holds}; move this file out of the records' "
            "folder, or remove it",
            file=where + name,
            base=AC1,
        )
        for where, name, holds in (
            (FOLDER, "notes.txt", "an event's folder holds its event.yaml and one .yaml file "
             "per meeting"),
            ("clusters/", "README.md", "only event folders"),
        )
    ),
    case(
        "event-folder-without-event",
        lambda t: t,
        None, None, None,
        r"no event\.yaml in this event folder; add one \(see the README, 'Add an event'\)",
        file="clusters/no-event-here/ac1.yaml",
        base=AC1,
        shown="clusters/no-event-here/",
    ),
    # ---------------------------------------------------------------- fields
    case(
        "missing-field",
        replace(r"^title: .*\n", ""),
        first_key, 1, "title",
        r"required field is missing; add 'title:' "
        r"\(The meeting's title, as the source names it\.\)",
    ),
    case(
        "missing-nested-field",
        replace(r"^  name: .*\n", ""),
        "  number:", 3, "cluster.name",
        r"required field is missing; add 'name:' "
        r"\(The Action Cluster's name, e\.g\. Citizen Focus\.\)",
    ),
    case(
        "misspelt-key",
        replace(r"^summary:", "sumary:"),
        "sumary:", 1, "sumary",
        r"unknown field 'sumary'; did you mean 'summary'\?",
        also=lambda t: [
            line(AC1, first_key(t), 1, "summary", r"required field is missing; add 'summary:' .+")
        ],
    ),
    case(
        "misspelt-nested-key",
        replace(r"^  channel:", "  chanel:"),
        "chanel:", 3, "recording.chanel",
        r"unknown field 'chanel'; did you mean 'channel'\?",
    ),
    case(
        "unknown-key",
        append("colour: blue\n"),
        "colour:", 1, "colour",
        f"unknown field 'colour'; the fields here are: {FIELDS}",
    ),
    case(
        "word-for-number",
        replace(NUMBER, "  number: one"),
        "number: one", 11, "cluster.number",
        "expected a whole number, found text 'one'",
    ),
    case(
        "quoted-number",
        replace(NUMBER, f'  number: "{SAMPLE.number}"'),
        "number:", 11, "cluster.number",
        f"expected a whole number, found text '{SAMPLE.number}'; write it without quotes",
    ),
    case(
        "list-for-text",
        replace(TITLE, "title: [a list, of words]"),
        "title: [", 8, "title",
        "expected text, found a list",
    ),
    case(
        "text-for-list",
        replace(TOPICS, f"topics: {THIRD_TOPIC}\n"),
        "topics:", 9, "topics",
        rf"expected a list \(one '- item' per line\), found text '{THIRD_TOPIC}'",
    ),
    case(
        "number-for-block",
        replace(r"^cluster:\n(  .*\n)+", "cluster: 1\n"),
        "cluster:", 10, "cluster",
        "expected a block of 'key: value' fields, found the number 1",
    ),
    case(
        "number-too-big",
        replace(NUMBER, "  number: 100"),
        "number: 100", 11, "cluster.number",
        "100 is out of range; it must be at most 99",
    ),
    case(
        "number-too-small",
        replace(NUMBER, "  number: 0"),
        "number: 0", 11, "cluster.number",
        "0 is out of range; it must be at least 1",
    ),
    case(
        "date-format",
        replace(r"^date: .*$", "date: 10/06/2021"),
        "date:", 7, "date",
        r"'10/06/2021' is not a date; write it as YYYY-MM-DD, e\.g\. 2021-06-10",
    ),
    case(
        "date-not-in-calendar",
        replace(r"^date: .*$", "date: 2021-02-30"),
        "date:", 7, "date",
        r"2021-02-30 is not a day in the calendar \(YYYY-MM-DD\)",
    ),
    case(
        "date-outside-event",
        replace(r"^date: .*$", f"date: {AFTER_THE_EVENT}"),
        "date:", 7, "date",
        rf"{AFTER_THE_EVENT} is outside the event's dates "
        rf"\({SAMPLE.date} to {SAMPLE.end} in {re.escape(EVENT)}\)",
    ),
    case(
        "event-ends-before-it-starts",
        replace(r"^end_date: .*$", f"end_date: {BEFORE_IT_STARTS}"),
        "end_date:", 11, "end_date",
        f"end_date {BEFORE_IT_STARTS} is before start_date {SAMPLE.date}",
        file=EVENT,
    ),
    case(
        "empty-text",
        replace(TITLE, 'title: ""'),
        "title:", 8, "title",
        "must not be empty",
    ),
    case(
        "text-too-long",
        replace(TITLE, "title: " + "long " * 60),
        "title:", 8, "title",
        "is 299 characters long; it may be at most 200",
    ),
    case(
        "two-lines-for-one",
        replace(TITLE, 'title: "First line\\\\nsecond line"'),
        "title:", 8, "title",
        "must be a single line of text",
    ),
    case(
        "hash-starts-a-comment",
        replace(TITLE, "title: #1 meeting of the cluster"),
        "title:", 7, "title",
        r"expected text, found nothing \(an empty value\); '#' starts a comment in YAML: "
        'put the text in quotes: "#1 meeting of the cluster"',
    ),
    case(
        "topic-twice",
        replace(rf"^  - {THIRD_TOPIC}$", f"  - {THIRD_TOPIC.capitalize()}\n  - {THIRD_TOPIC}"),
        lambda t: at(t, "topics:") + 1, 3, "topics",
        f"'{THIRD_TOPIC}' is listed twice",
    ),
    case(
        "unknown-platform",
        replace(r"^  platform: .*$", "  platform: Vimeo"),
        "platform:", 13, "recording.platform",
        "expected 'YouTube', found 'Vimeo'",
    ),
    # ---------------------------------------------------------------- YAML 1.1 habits
    case(
        "1e3-for-text",
        replace(TITLE, "title: 1e3"),
        "title:", 8, "title",
        'expected text, found the number 1000; to keep it as text, put it in quotes: "1e3"',
    ),
    case(
        "true-for-text",
        replace(r"^  name: .*$", "  name: true"),
        "  name:", 9, "cluster.name",
        'expected text, found the yes/no value true; to keep it as text, put it in quotes: "true"',
    ),
    case(
        "leading-zero-for-text",
        replace(rf"^  - {THIRD_TOPIC}$", "  - 012"),
        "  - 012", 5, "topics[2]",
        'expected text, found the number 12; to keep it as text, put it in quotes: "012"',
    ),
    # ---------------------------------------------------------------- links
    case(
        "http-link",
        replace(SOURCE_URL, r"\1http://example.org/article"),
        "url: http:", 10, "sources[0].url",
        "http: links are not allowed; use the https:// address",
        file=EVENT,
    ),
    case(
        "javascript-link",
        RECORDING_URL,
        "url: javascript:", 8, "recording.url",
        "javascript: links are not allowed; expected an https:// address",
    ),
    case(
        "data-link",
        replace(SOURCE_URL, r"\1data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
        "url: data:", 10, "sources[0].url",
        "data: links are not allowed; expected an https:// address",
        file=EVENT,
    ),
    case(
        "words-for-link",
        replace(SOURCE_URL, r"\1see the article on the news page"),
        "url: see", 10, "sources[0].url",
        "a web address must not contain spaces; expected an https:// address",
        file=EVENT,
    ),
    case(
        "link-without-scheme",
        replace(SOURCE_URL, r"\1smart-cities-marketplace.ec.europa.eu/news"),
        "url: smart", 10, "sources[0].url",
        "'smart-cities-marketplace.ec.europa.eu/news' is not a web address; expected https://…",
        file=EVENT,
    ),
    case(
        "project-http-link",
        replace(
            PROJECT, rf"\1  - name: A project\n    url: http:x\n    cites: [{SAMPLE.source}]\n"
        ),
        "url: http:x", 10, "projects[0].url",
        "http: links are not allowed; use the https:// address",
    ),
    # ---------------------------------------------------------------- records together
    case(
        "same-cluster-number",
        replace(r"^slug: .*$", "slug: zz-new-meeting"),
        "number:", 11, "cluster.number",
        f"Action Cluster {SAMPLE.number} already has a meeting in this event, in "
        f"{re.escape(AC1)}; each cluster number once per event",
        file=NEW,
        base=AC1,
    ),
    case(
        "same-slug",
        replace(NUMBER, f"  number: {NEW_NUMBER}"),
        "slug:", 7, "slug",
        f"'{SAMPLE.slug}' is already the slug of {re.escape(AC1)}; "
        "each meeting needs its own",
        file=NEW,
        base=AC1,
    ),
    case(
        "event-slug-taken-by-a-page",
        replace(r"^slug: .*$", "slug: topics"),
        "slug:", 7, "slug",
        "'topics' is already the address of a page of the site; choose another slug",
        file=EVENT,
        also=lambda t: [
            line(EVENT, at(t, "slug:"), 7, "slug", rf"the event's folder is {FOLDER} "
                 rf"but its slug is 'topics': .+; rename the folder to clusters/topics/ or write "
                 rf"'slug: {SAMPLE.event}'")
        ],
    ),
    case(
        "event-folder-not-its-slug",
        replace(r"^slug: .*$", "slug: no-such-folder"),
        "slug:", 7, "slug",
        rf"the event's folder is {FOLDER} but its slug is 'no-such-folder': an event's "
        r"folder is named by its slug; rename the folder to clusters/no-such-folder/ or write "
        rf"'slug: {SAMPLE.event}'",
        file=EVENT,
    ),
    # ---------------------------------------------------------------- what no build could publish
    case(
        "int-tag",
        replace(NUMBER, '  number: !!int "abc"'),
        "number:", 11, "cluster.number",
        r"the tag tag:yaml\.org,2002:int is not supported; remove it and write a plain value",
    ),
    case(
        "float-tag",
        replace(TITLE, 'title: !!float "x"'),
        "title:", 8, "title",
        r"the tag tag:yaml\.org,2002:float is not supported; remove it and write a plain value",
    ),
    case(
        "map-tag",
        replace(TITLE, "title: !!map {a: b}"),
        "title:", 8, "title",
        r"the tag tag:yaml\.org,2002:map is not supported; remove it and write a plain value",
    ),
    case(
        "seq-tag",
        replace(TOPICS, "topics: !!seq\n  - buildings\n"),
        "topics:", 9, "topics",
        r"the tag tag:yaml\.org,2002:seq is not supported; remove it and write a plain value",
    ),
    case(
        "str-tag-after-an-anchor",
        replace(TITLE, "title: &a !!str A title"),
        "title:", 8, "title",
        r"the tag tag:yaml\.org,2002:str is not supported; remove it and write a plain value",
    ),
    case(
        "time-zone-folder",
        append('time:\n  start: "10:00"\n  timezone: Europe\n'),
        "timezone:", 13, "time.timezone",
        r"'Europe' is not a time zone name, e\.g\. Europe/Brussels",
    ),
    case(
        "time-zone-path",
        append('time:\n  start: "10:00"\n  timezone: ../../../etc/passwd\n'),
        "timezone:", 13, "time.timezone",
        r"'\.\./\.\./\.\./etc/passwd' is not a time zone name, e\.g\. Europe/Brussels",
    ),
    case(
        "arabic-indic-digit",
        append("time:\n  start: '0\u0661:00'\n"),
        "start:", 10, "time.start",
        "'0\u0661:00' is not a time of day; write it as HH:MM in quotes, e.g. '14:30'",
    ),
    case(
        "last-day-east-of-utc",
        then(
            replace(r"^date: .*$", "date: 9999-12-31"),
            append('time:\n  start: "23:30"\n  timezone: Asia/Tokyo\n'),
        ),
        "date:", 7, "date",
        r"9999-12-31 is too far in the past or the future; "
        r"a record's dates are from 1900-01-01 to 2999-12-31",
    ),
    case(
        "first-day-east-of-utc",
        then(
            replace(r"^date: .*$", "date: 0001-01-01"),
            append('time:\n  start: "00:30"\n  timezone: Asia/Tokyo\n'),
        ),
        "date:", 7, "date",
        r"0001-01-01 is too far in the past or the future; "
        r"a record's dates are from 1900-01-01 to 2999-12-31",
    ),
    case(
        "event-ends-in-year-9999",
        replace(r"^end_date: .*$", "end_date: 9999-12-31"),
        "end_date:", 11, "end_date",
        r"9999-12-31 is too far in the past or the future; "
        r"a record's dates are from 1900-01-01 to 2999-12-31",
        file=EVENT,
    ),
    case(
        "noncharacter",
        replace(TITLE, r'title: "A title\\uFFFF"'),
        "title:", 8, "title",
        r"must not contain U\+FFFF \(not a character\); remove it",
    ),
    case(
        "noncharacter-of-a-high-plane",
        replace(TITLE, r'title: "A title\\U0010FFFE"'),
        "title:", 8, "title",
        r"must not contain U\+10FFFE \(not a character\); remove it",
    ),
    case(
        "right-to-left-override",
        replace(TITLE, r'title: "A title \\u202Eelif.exe"'),
        "title:", 8, "title",
        r"must not contain U\+202E \(a bidirectional control\); remove it",
    ),
    case(
        "bidi-isolate",
        append('gist: "\\u2066isolated\\u2069"\n'),
        "gist:", 7, "gist",
        r"must not contain U\+2066 \(a bidirectional control\); remove it",
    ),
    case(
        "line-separator",
        append('gist: "one\\u2028two"\n'),
        "gist:", 7, "gist",
        r"must not contain U\+2028 \(a line separator\); remove it",
    ),
    case(
        "next-line-control",
        replace(r"^summary: >-\n", 'summary: "A summary\\\\x85with a C1 control"\nx_summary: >-\n'),
        "summary:", 10, "summary",
        r"must not contain U\+0085 \(a control character\); remove it",
        also=lambda t: [line(AC1, at(t, "x_summary:"), 1, "x_summary", "unknown field .*")],
    ),
    case(
        "tab-in-text",
        replace(TITLE, r'title: "A\\ttitle"'),
        "title:", 8, "title",
        r"must not contain U\+0009 \(a control character\); remove it",
    ),
    # ---------------------------------------------------------------- silently wrong data
    case(
        "item-continued-on-an-indented-line",
        replace(rf"^  - {TOPICS_OF_AC1[4]}$", f"    - {TOPICS_OF_AC1[4]}"),
        f"    - {TOPICS_OF_AC1[4]}", 5, "topics[3]",
        lambda t: re.escape(
            f"line {at(t, '    - ' + TOPICS_OF_AC1[4])} continues the unquoted text of line "
            f"{at(t, '    - ' + TOPICS_OF_AC1[4]) - 1}, and YAML reads them as one value, "
            f"'{TOPICS_OF_AC1[3]} - {TOPICS_OF_AC1[4]}'; for a new list item, indent its '- ' "
            "like the items above; for a text on several lines, write '>-' after the key and "
            "the text below it"
        ),
    ),
    # ---------------------------------------------------------------- terminal escapes
    case(
        "terminal-escapes-in-a-value",
        replace(r"^slug: .*$", r'slug: "\\e[2J\\e[H\\e[32mOK"'),
        "slug:", 7, "slug",
        re.escape(r"'\x1b[2J\x1b[H\x1b[32mOK' is not a valid slug: ")
        + "use lowercase letters, digits and single hyphens, e.g. ac1-business-models-finance",
    ),
    case(
        "terminal-escapes-in-a-key",
        append('"\\e[2J\\e[32mOK": 1\n'),
        lambda t: len(t.splitlines()), 1, r"\x1b[2J\x1b[32mOK",
        re.escape(r"unknown field '\x1b[2J\x1b[32mOK'; the fields here are: ") + FIELDS,
    ),
    # ---------------------------------------------------------------- topics
    *(
        case(
            f"topic-differing-in-{how}",
            another_meeting_about(variant),
            f"  - {variant}", 5, "topics[0]",
            re.escape(
                f"'{variant}' and the topic '{TOPIC}' of {AC1}:{TOPIC_LINE} differ "
                "only in case or punctuation, so the topics page would list them as one; "
                "write them the same way"
            ),
            file=NEW,
            base=AC1,
            # Case aside, a topic is the summary's words; punctuation is not aside.
            also=lambda t, v=variant: [
                line(NEW, at(t, f"  - {v}"), 5, "topics[0]", f"'{v}' is not a word or phrase .+")
                for _ in [v] if "-" in v
            ],
        )
        for how, variant in (("punctuation", TOPIC.replace(" ", "-")), ("case", TOPIC.upper()))
    ),
    # ------------------------------------------------- every problem of a file at once (issue 17)
    case(
        "problems-in-the-yaml-and-in-the-fields",
        then(
            # A tag and a repeated key (refused by the YAML dialect), a misspelt key, a time
            # zone folder and a digit of another script, and a summary wrapped as PyYAML
            # wraps it (read as YAML reads it): each line, none hiding another.
            replace(r"^summary: >-\n  (.*)\n  (.*)\n", r"sumary: \1\n  \2\n"),
            replace(r"^date: ", "date: !!str "),
            replace(r"^(  platform: .*\n)", r"\1  platform: YouTube\n"),
            append("time:\n  start: '0\u0661:00'\n  timezone: Europe\n"),
        ),
        "sumary:", 1, "sumary",
        r"unknown field 'sumary'; did you mean 'summary'\?",
        also=lambda t: [
            line(AC1, first_key(t), 1, "summary", "required field is missing; .+"),
            line(AC1, at(t, "date:"), 7, "date", "the tag tag:yaml.org,2002:str is not .+"),
            line(AC1, at(t, "  platform:") + 1, 3, "recording.platform", "duplicate key .+"),
            line(AC1, at(t, "  start:"), 10, "time.start", "'0\u0661:00' is not a time .+"),
            line(AC1, at(t, "  timezone:"), 13, "time.timezone", "'Europe' is not a time .+"),
        ],
    ),
    # ------------------------------------------------------------------ the first line
    case(
        "no-schema-line",
        lambda t: t.split("\n", 1)[1],
        1, 1, None,
        re.escape(
            "the first line must be '# yaml-language-server: $schema=../../docs/schema/"
            "meeting.schema.json', which gives editors' tools (VS Code with the YAML "
            "extension) the record's JSON Schema, for completion and checks while typing; add it"
        ),
    ),
    case(
        "schema-line-pointing-elsewhere",
        replace(r"^# yaml-language-server: .*$", "# yaml-language-server: $schema=event.json"),
        1, 1, None,
        r"the first line must be '.+'.+; it points elsewhere",
    ),
    case(
        "topic-not-a-word-of-the-summary",
        replace(rf"^  - {THIRD_TOPIC}$", "  - young people"),
        "  - young people", 5, "topics[2]",
        re.escape(
            "'young people' is not a word or phrase of the meeting's summary; a topic links "
            "meetings by a subject their own sources name, so write it as the summary does "
            "(case aside), or leave it out"
        ),
    ),
    # ---------------------------------------------------------------- issue 19: addresses
    case(
        "recording-user-info",
        recording_url("https://www.youtube.com@evil.example/watch"),
        "  url: https://www.youtube.com@", 8, "recording.url",
        re.escape(
            "the address holds '@' before its host, so it leads to 'evil.example', not to "
            "what comes before the '@'; write the address without it"
        ),
    ),
    case(
        "recording-backslash",
        recording_url("'https://evil.example\\@www.youtube.com/'"),
        "  url: 'https://evil", 8, "recording.url",
        re.escape(
            "a web address must not contain a backslash (\\): browsers read it as '/', so the "
            "address would lead elsewhere than it shows; write '/'"
        ),
    ),
    case(
        "recording-look-alike-host",
        recording_url("https://www.y\u043eutube.com/watch?v=x"),
        "  url: https://www.y", 8, "recording.url",
        re.escape(
            "the host 'www.y\u043eutube.com' holds U+043E (CYRILLIC SMALL LETTER O), which is "
            "not plain ASCII and may look like another letter; write the host in ASCII "
            "(www.xn--yutube-wqf.com) if that is the one meant"
        ),
    ),
    case(
        "recording-on-another-host",
        recording_url("https://www.youtube.com.evil.example/watch?v=x"),
        "  url: https://www.youtube.com.evil", 8, "recording.url",
        re.escape(
            "a recording on YouTube is at one of its addresses (youtube.com, www.youtube.com, "
            "m.youtube.com, youtu.be); this one leads to www.youtube.com.evil.example"
        ),
    ),
    case(
        "source-user-info",
        replace(SOURCE_URL, r"\1https://smart-cities-marketplace.ec.europa.eu@evil.example/a"),
        "url: https://smart", 10, "sources[0].url",
        re.escape(
            "the address holds '@' before its host, so it leads to 'evil.example', not to "
            "what comes before the '@'; write the address without it"
        ),
        file=EVENT,
    ),
    *[
        case(
            f"ambiguous-host-{name}",
            replace(SOURCE_URL, rf"\1{address}"),
            "url: https:", 10, "sources[0].url",
            re.escape(f"'{address}' is not a web address; expected https:// and a host name "
                      "such as example.org"),
            file=EVENT,
        )
        for name, address in [
            ("number", "https://0x7f.1/"),
            ("percent", "https://evil%2Eexample/"),
            ("three-slashes", "https:///evil.example/"),
            ("ip-address", "https://192.0.2.1/"),
        ]
    ],
    # ---------------------------------------------------------------- issue 19: time zones
    *[
        case(
            f"time-zone-{zone.lower()}",
            append(f'time:\n  start: "10:00"\n  timezone: {zone}\n'),
            "timezone:", 13, "time.timezone",
            rf"'{zone}' is not a time zone name, e\.g\. Europe/Brussels",
        )
        for zone in ("localtime", "Factory", "posixrules")
    ],
    case(
        "time-in-the-summer-time-gap",
        then(
            replace(r"^date: .*$", "date: 2021-03-28"),
            append('time:\n  start: "02:30"\n  end: "03:00"\n  timezone: Europe/Brussels\n'),
        ),
        "  start:", 10, "time.start",
        re.escape(
            "2021-03-28 02:30 does not exist in Europe/Brussels: the clocks go forward across "
            "it that night; check the time in the source"
        ),
    ),
    case(
        "time-twice-when-summer-time-ends",
        then(
            replace(r"^date: .*$", "date: 2021-10-31"),
            append('time:\n  start: "01:00"\n  end: "02:30"\n'),
        ),
        "  end:", 8, "time.end",
        re.escape(
            "2021-10-31 02:30 happens twice in Europe/Brussels: the clocks go back across it "
            "that night; give the time in UTC (timezone: UTC) if the source says which"
        ),
    ),
    # ---------------------------------------------------------------- issue 19: invisible text
    case(
        "line-separator-in-a-list",
        replace(rf"^  - {THIRD_TOPIC}$", f"  - {THIRD_TOPIC}\u2028  - hidden topic"),
        f"  - {THIRD_TOPIC}", len(f"  - {THIRD_TOPIC}") + 1, "topics",
        re.escape(
            "U+2028 (LINE SEPARATOR) is a line break for YAML but not for most editors; "
            "remove it, or start a new line with Enter"
        ),
    ),
    case(
        "next-line-in-the-file",
        replace(r"^title: Action", "title: Act\x85ion"),
        "title:", 11, "title",
        re.escape(
            "U+0085 (NEXT LINE) is a line break for YAML but not for most editors; "
            "remove it, or start a new line with Enter"
        ),
    ),
    *[
        case(
            f"invisible-{name}",
            replace(r"^title: Action", f"title: Act{char}ion"),
            "title:", 11, "title",
            re.escape(f"U+{ord(char):04X} ({unicodedata.name(char)}) is invisible; remove it"),
        )
        for name, char in [
            ("left-to-right-mark", "\u200e"),
            ("right-to-left-mark", "\u200f"),
            ("arabic-letter-mark", "\u061c"),
            ("zero-width-space", "\u200b"),
            ("zero-width-joiner", "\u200d"),
            ("word-joiner", "\u2060"),
            ("byte-order-mark-inside", "\ufeff"),
            ("soft-hyphen", "\u00ad"),
            ("hangul-filler", "\u3164"),
            ("variation-selector", "\ufe0f"),
            ("interlinear-annotation", "\ufff9"),
        ]
    ],
    case(
        "hidden-sentence-in-tag-characters",
        replace(r"^(title: .*)$", r"\1" + "".join(chr(0xE0000 + ord(c)) for c in "Ignore this")),
        "title:", len(f"title: Action Cluster {SAMPLE.number} - Sample Procurement meeting") + 1,
        "title",
        re.escape(
            "U+E0049 (TAG LATIN CAPITAL LETTER I) is invisible; remove it "
            "(the file holds 11 such characters)"
        ),
    ),
    case(
        "invisible-in-a-comment",
        replace(r"^(recording:\n)", "# a note\u200b\n\\1"),
        "# a note", 9, None,
        re.escape("U+200B (ZERO WIDTH SPACE) is invisible; remove it"),
    ),
    case(
        "topic-look-alike",
        another_meeting_about(LOOK_ALIKE),
        f"  - {LOOK_ALIKE}", 5, "topics[0]",
        re.escape(
            f"'{LOOK_ALIKE}' looks the same as the topic '{TOPIC}' of {AC1}:{TOPIC_LINE} but "
            f"is written with other characters (U+{ord(LOOK_ALIKE_CHAR):04X} "
            f"{unicodedata.name(LOOK_ALIKE_CHAR)}); write them the same way"
        ),
        file=NEW,
        base=AC1,
        # Not the summary's words either: its letter is another.
        also=lambda t: [
            line(NEW, at(t, f"  - {LOOK_ALIKE}"), 5, "topics[0]", "'.+' is not a word or .+")
        ],
    ),
    # ---------------------------------------------------------------- issue 19: a continued key
    case(
        "continued-key",
        replace(r"^title: (.*)$", r"? title\n  continued\n: \1"),
        "  continued", 3, "title continued",
        lambda t: re.escape(
            f"line {at(t, '  continued')} continues the unquoted key of line "
            f"{at(t, '  continued') - 1}, and YAML reads them as one key, 'title continued'; "
            "write a key on one line, followed by ':'"
        ),
    ),
    case(
        "continued-nested-key",
        replace(r"^  name: (.*)$", r"  ? name\n    of the cluster\n  : \1"),
        "    of the cluster", 5, "cluster.name of the cluster",
        lambda t: re.escape(
            f"line {at(t, '    of the cluster')} continues the unquoted key of line "
            f"{at(t, '    of the cluster') - 1}, and YAML reads them as one key, "
            "'name of the cluster'; write a key on one line, followed by ':'"
        ),
    ),
]
# fmt: on


def write(project: Path, bad: Bad) -> str:
    """Write the broken file into ``project``; return its text as an editor sees it."""
    base = (project / (bad.base or bad.file)).read_text(encoding="utf-8")
    content = bad.edit(base)
    target = project / bad.file
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
        return content.decode("utf-8", errors="replace").removeprefix("\ufeff")
    target.write_text(content, encoding="utf-8")
    return content


def assert_lines(printed: list[str], expected: list[str]) -> None:
    """Every line printed matches one expected pattern, and nothing else is printed."""
    assert len(printed) == len(expected), "\n".join(printed)
    unmatched = [p for p in expected if not any(re.fullmatch(p, text) for text in printed)]
    assert not unmatched, f"no line matches {unmatched}; printed:\n" + "\n".join(printed)


@pytest.mark.parametrize("bad", CASES)
def test_validate_prints_file_line_field_and_what_was_expected(project: Path, bad: Bad):
    text = write(project, bad)
    result = CliRunner().invoke(main, ["--root", str(project), "validate"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert_lines(result.stdout.splitlines(), bad.expect(text))
    assert re.fullmatch(r"\d+ problems? in 1 file\.\n", result.stderr)


# --------------------------------------------------------------------------
# make build: fails fast, says the same, loses nothing
# --------------------------------------------------------------------------


def build_site(project: Path) -> subprocess.CompletedProcess[str]:
    """What ``make build`` runs, on a copy of the project."""
    return subprocess.run(
        [BUILD_SITE],
        cwd=project,
        env={**os.environ, **BUILD_ENV, "MKDOCS": f"{sys.executable} -m mkdocs"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project_with_site(tmp_path: Path, built_site: Path) -> Path:
    """A copy of the project, with the example meeting, and a site built before, as
    ``make build`` leaves it."""
    project = make_project(tmp_path / "project")
    add_sample(project)
    shutil.copytree(built_site, project / "site")
    return project


def logged_problems(records: list[logging.LogRecord]) -> list[str]:
    """The problem lines among the errors a build logged."""
    return [
        r.getMessage()
        for r in records
        if r.levelno >= logging.ERROR and r.name.startswith("mkdocs.plugins.meetings")
    ]


@pytest.mark.parametrize("bad", CASES)
def test_mkdocs_build_stops_with_the_same_lines_and_leaves_the_site_alone(
    project_with_site: Path, bad: Bad, caplog: pytest.LogCaptureFixture
):
    """Even a plain ``mkdocs build`` into the last good site does not touch it.

    The records are checked in ``on_config``, before MkDocs cleans the site
    folder. Run in this process (as ``mkdocs build`` does it) for speed;
    ``make build`` itself is run below.
    """
    project, site = project_with_site, project_with_site / "site"
    before = snapshot(site)
    text = write(project, bad)
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        with caplog.at_level(logging.INFO), pytest.raises(Abort):
            build(config)
    finally:
        config.plugins.on_shutdown()
    assert_lines(logged_problems(caplog.records), bad.expect(text))
    assert snapshot(site) == before


MAKE_BUILD_CASES = [
    case
    for case in CASES
    if case.id
    in {
        "unclosed-bracket",
        "latin-1",
        "over-1-mb",
        "billion-laughs",
        "misspelt-key",
        "javascript-link",
        "same-slug",
        "time-zone-folder",
        "last-day-east-of-utc",
        "noncharacter",
        "recording-user-info",
        "line-separator-in-a-list",
        "time-in-the-summer-time-gap",
    }
]


@pytest.mark.parametrize("bad", MAKE_BUILD_CASES)
def test_make_build_fails_with_the_same_lines_and_keeps_the_site(project_with_site: Path, bad: Bad):
    project = project_with_site
    before = snapshot(project / "site")
    text = write(project, bad)
    result = build_site(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    errors = re.findall(r"^ERROR\s+-\s+(.*)$", result.stderr, re.MULTILINE)
    assert_lines([e for e in errors if not re.match(r"\d+ problems? in ", e)], bad.expect(text))
    assert "Build failed: site/ is unchanged." in result.stderr
    assert snapshot(project / "site") == before
    assert not list(project.glob(".site-build.*")), "a temporary build folder was left behind"


def test_a_good_build_replaces_the_site(project_with_site: Path):
    project = project_with_site
    stale = project / "site" / SAMPLE.event / "a-page-from-an-old-build" / "index.html"
    stale.parent.mkdir()
    stale.write_text("old", encoding="utf-8")
    result = build_site(project)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert (project / "site" / SAMPLE.event / SAMPLE.slug / "index.html").is_file()
    assert not list(project.glob(".site-build.*"))


# --------------------------------------------------------------------------
# Accepted: a byte order mark; refused cheaply: aliases
# --------------------------------------------------------------------------


def test_a_byte_order_mark_is_accepted(project: Path):
    path = project / AC1
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = CliRunner().invoke(main, ["--root", str(project), "validate"])
    assert result.exit_code == 0, result.output
    document, problem = read_document(path, "meeting", project)
    assert problem is None
    assert document.data["slug"] == SAMPLE.slug
    assert not document.text.startswith("\ufeff")


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path):
    """Ten levels of ten aliases would be 10**10 words; no alias is followed."""
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS + "summary: *lol10\n", encoding="utf-8")
    tracemalloc.start()
    try:
        document, problem = read_document(path, "meeting", tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Read whole, to list every problem of the file: each alias is read as nothing.
    assert problem is None and document is not None
    assert any("anchors and aliases" in p.message for p in document.problems)
    assert document.data["summary"] is None
    assert peak < 2_000_000, f"reading took {peak:,} bytes at its peak"
