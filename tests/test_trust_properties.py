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
import os
import re
import shutil
import tempfile
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from meetings.model import Event, Meeting
from meetings.problems import InvalidRecords

from .helpers import build_in_process, make_project
from .records import AC1, EVENT, SAMPLE, SCHEMA_LINE, dump, real, topics_in_summary

EXAMPLES = int(os.environ.get("TRUST_EXAMPLES", "500"))

UNSAFE = [
    *map(chr, range(0x00, 0x20)),
    *map(chr, range(0x7F, 0xA0)),
    "\u2028", "\u2029", "\u200e", "\u200f", "\u061c",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\ufdd0", "\ufdef", "\ufeff", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff",
    "\ud800", "\udfff",
]  # fmt: skip
SYNTAX = "#*_`[](){}<>!&;:=|%\\-+.~^\"'/ \n\t"
TEXT = st.text(
    st.one_of(
        st.characters(),  # every category but the surrogates
        st.characters(max_codepoint=0x7F),
        st.sampled_from(UNSAFE),
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
ZONES = st.one_of(
    st.sampled_from(
        [
            "Europe/Brussels", "UTC", "Etc/GMT-14", "Etc/GMT+12", "Pacific/Kiritimati",
            "Asia/Tokyo", "America/Los_Angeles", "Europe", "America", "Etc", "posix",
            "posix/Europe/Brussels", "right/UTC", "../../etc/passwd", "/etc/localtime",
            "Europe/../UTC", "localtime", "zone.tab", "tzdata.zi", "", "europe/brussels",
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
        ]
    ),
    st.builds(lambda path: "https://example.org/" + path, TEXT),
)
GOOD_SLUGS = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
GOOD_URLS = st.builds(
    lambda path: "https://example.org/" + path,
    st.text(st.characters(exclude_categories=("Cs", "Cc", "Z")), max_size=20),
)
GOOD_CLOCKS = st.from_regex(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", fullmatch=True)
GOOD_ZONES = st.sampled_from(
    ["Europe/Brussels", "UTC", "Etc/GMT-14", "Etc/GMT+12", "Pacific/Kiritimati", "Asia/Tokyo",
     "America/Adak", "Factory"]
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


LINE = re.compile(rf"{SAMPLE.folder}/[a-z0-9-]+\.yaml:\d+:\d+: [^:\s][^:]*: \S.*")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=yaml_files())
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
