"""Records for tests that fill every text field of the model with chosen text.

The text fields come from the data model itself (every field checked as
:data:`~meetings.model.Line`, :data:`~meetings.model.Text` or
:data:`~meetings.model.Topic`), so a field added to the model is covered
without changing the tests. Pages are compared by their *signature*: every
element in order with its text, so that a page made from hostile text can be
compared with the same page made from harmless markers.
"""

from __future__ import annotations

import copy
import json
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from annotated_types import MaxLen
from lxml import html as lxml_html
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from meetings.load import parse_yaml
from meetings.model import Event, Meeting
from meetings.values import Line, Text, Topic

from .helpers import CLUSTERS

SCHEMA_LINE = "# yaml-language-server: $schema=../../docs/schema/{}.schema.json\n"


# --------------------------------------------------------------------------
# The example meeting: made up, added to a copy of the real records
# --------------------------------------------------------------------------

SAMPLE_TEXT = """\
# yaml-language-server: $schema=../../docs/schema/meeting.schema.json
slug: {slug}
cluster:
  number: {number}
  name: Sample Procurement
title: Action Cluster {number} - Sample Procurement meeting
date: {date}
summary: >-
  Speakers of this made-up session discuss the possibility of sample procurement of solutions
  for sample energy supply in sample buildings, and the sample lighthouses of the sample youth.
topics:
  - sample procurement
  - sample energy
  - sample buildings
  - sample lighthouses
  - sample youth
projects:
  - name: Sample Project
    cites: [{source}]
recording:
  title: Action Cluster {number} - Sample Procurement meeting
  platform: YouTube
  channel: Sample Channel
cites: [{source}]
speakers:
  - name: Sample Speaker
    role: Presented the sample
    cites: [{source}]
"""
"""The example meeting tests break (``{slug}``, ``{number}``, ``{date}``, ``{source}`` from
its event). It is made up and lives only in the tests' copies of the project, beside the
real records, so that no test depends on which meetings the records hold: an editor may
add, change or remove any of them."""


@dataclass(frozen=True)
class Sample:
    """Where the example meeting goes in a copy of the records, and what it says."""

    folder: str
    """Its event's folder, as messages show it: ``clusters/forum-2021`` today."""
    number: int
    """A cluster number no meeting of its event has."""
    date: str
    """Its event's first day."""
    end: str
    """Its event's last day."""
    source: str
    """The first source of its event's list, which it cites."""
    sources: tuple[str, ...]
    """Every source id of its event's list."""

    @property
    def slug(self) -> str:
        return f"ac{self.number}-sample-procurement"

    @property
    def file(self) -> str:
        """``clusters/forum-2021/ac7-sample-procurement.yaml``."""
        return f"{self.folder}/{self.slug}.yaml"

    @property
    def event_file(self) -> str:
        return f"{self.folder}/event.yaml"

    @property
    def event(self) -> str:
        """The event's slug (its folder's name)."""
        return self.folder.rsplit("/", 1)[-1]

    @property
    def text(self) -> str:
        return SAMPLE_TEXT.format(
            slug=self.slug, number=self.number, date=self.date, source=self.source
        )

    @property
    def page(self) -> str:
        """Its page under ``docs/``: ``forum-2021/ac7-sample-procurement.md``."""
        return f"{self.event}/{self.slug}.md"

    def other(self, offset: int = 1) -> tuple[int, str]:
        """Another free cluster number of the event, and a file for a new meeting there."""
        number = self.number + offset
        return number, f"{self.folder}/ac{number}-new-meeting.yaml"


def sample_for(clusters: Path) -> Sample:
    """The example meeting of the records under ``clusters``: in the first event folder (by
    name), with the next free cluster number of that event."""
    event = sorted(clusters.glob("*/event.yaml"))[0]
    data = parse_yaml(event.read_text(encoding="utf-8"))
    numbers = [
        parse_yaml(path.read_text(encoding="utf-8"))["cluster"]["number"]
        for path in event.parent.glob("*.yaml")
        if path.name != "event.yaml"
    ]
    ids = tuple(source["id"] for source in data["sources"])
    return Sample(
        f"{clusters.name}/{event.parent.name}",
        max(numbers, default=0) + 1,
        data["start_date"],
        data["end_date"],
        ids[0],
        ids,
    )


SAMPLE = sample_for(CLUSTERS)
"""The example meeting the tests add to their copies of the real records."""
AC1 = SAMPLE.file.removeprefix("clusters/")
EVENT = SAMPLE.event_file.removeprefix("clusters/")
"""The example meeting and its event, relative to ``clusters/``."""


def add_sample(project: Path) -> Sample:
    """Write the example meeting into the copy of the project at ``project``."""
    (project / SAMPLE.file).write_text(SAMPLE.text, encoding="utf-8")
    return SAMPLE


_ONE_LINE = {typing.get_args(Line)[-1], typing.get_args(Topic)[-1]}
_RUNNING_TEXT = typing.get_args(Text)[-1]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class TextField:
    path: Path_
    max_length: int
    paragraphs: bool
    """Running text, where a blank line starts a paragraph."""

    @property
    def name(self) -> str:
        return ".".join(str(part) for part in self.path)


def text_fields(model: type[BaseModel], prefix: Path_ = ()) -> list[TextField]:
    """Every text field of ``model``, lists taken at their first item."""
    found: list[TextField] = []
    for name, info in model.model_fields.items():
        found += _walk(info.annotation, list(info.metadata), (*prefix, name))
    return found


def _walk(annotation: Any, metadata: list[Any], path: Path_) -> list[TextField]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        for item in extra:
            metadata = metadata + (item.metadata if isinstance(item, FieldInfo) else [item])
        return _walk(base, metadata, path)
    if origin in (typing.Union, types.UnionType):
        return [
            found
            for arg in typing.get_args(annotation)
            if arg is not type(None)
            for found in _walk(arg, metadata, path)
        ]
    if origin is list:
        return _walk(typing.get_args(annotation)[0], [], (*path, 0))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return text_fields(annotation, path)
    if annotation is str and (_RUNNING_TEXT in metadata or _ONE_LINE & set(metadata)):
        limit = min(m.max_length for m in metadata if isinstance(m, MaxLen))
        return [TextField(path, limit, _RUNNING_TEXT in metadata)]
    return []


MEETING_FIELDS = text_fields(Meeting)
EVENT_FIELDS = text_fields(Event)


def real(name: str) -> dict[str, Any]:
    """A real record, as data."""
    return parse_yaml((CLUSTERS / name).read_text(encoding="utf-8"))


def complete_meeting() -> dict[str, Any]:
    """The example meeting with every optional text field present too."""
    data = parse_yaml(SAMPLE.text)
    # One topic: pages list a meeting's topics sorted by their text.
    data["topics"] = data["topics"][:1]
    data.setdefault("gist", "A gist.")
    first = data["cites"][0]  # a new list each time: YAML would write one list twice as an alias
    # First in their lists (the text fields are taken at the first item); the real ones
    # stay, with what they cite.
    data["projects"] = [{"name": "A project", "cites": [first]}, *data.get("projects", [])]
    data["speakers"] = [
        {"name": "A name", "affiliation": "An affiliation", "role": "A role", "cites": [first]},
        *data.get("speakers", []),
    ]
    data["announced_as"] = {"text": "An announcement.", "cites": [first]}
    data["recording"].setdefault("channel", "A channel")
    return data


def complete_event() -> dict[str, Any]:
    """The real event with every optional text field present too."""
    data = real(EVENT)
    for key in ("short_name", "action_clusters"):
        data.setdefault(key, "Some text")
    first = data["cites"][0]  # a new list each time: YAML would write one list twice as an alias
    data.setdefault("partnership", {"text": "Some text", "cites": [first]})
    data.setdefault("organizer", {"name": "An organiser", "cites": [first]})
    data["sources"][0].setdefault("title", "A title")
    return data


def fill(data: dict[str, Any], values: Mapping[Path_, str]) -> dict[str, Any]:
    """A copy of ``data`` with the value at each path replaced."""
    data = copy.deepcopy(data)
    for path, value in values.items():
        holder: Any = data
        for part in path[:-1]:
            holder = holder[part]
        holder[path[-1]] = value
    return data


def paths_in(data: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every path to a value in ``data``."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths_in(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths_in(value, (*prefix, index))


class _QuotingDumper(yaml.SafeDumper):
    """Writes every string double-quoted, with escapes for all but printable ASCII."""


_QuotingDumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
)


def dump(data: dict[str, Any], kind: str, plain: Iterable[str] = ()) -> str:
    """A record as YAML; the strings of ``plain`` are written unquoted, as editors write them."""
    text = yaml.dump(
        data, Dumper=_QuotingDumper, allow_unicode=False, sort_keys=False, width=float("inf")
    )
    text = re.sub(r'(?m)^(\s*(?:- )?)"(\w+)":', r"\1\2:", text)  # keys as editors write them
    for word in plain:
        text = re.sub(rf'(?m)^(\s*(?:- )?(?:\w+: )?)"{re.escape(word)}"$', rf"\g<1>{word}", text)
    return SCHEMA_LINE.format(kind) + text


def topics_in_summary(data: dict[str, Any]) -> dict[str, Any]:
    """A meeting whose summary ends with a paragraph of its topics, each a paragraph: a topic is
    a word or phrase of the summary (``meetings validate`` refuses any other)."""
    if isinstance(data.get("summary"), str) and isinstance(data.get("topics"), list):
        topics = [topic for topic in data["topics"] if isinstance(topic, str)]
        data = {**data, "summary": "\n\n".join([data["summary"], *topics])}
    return data


def write_records(clusters: Path, meeting: dict[str, Any], event: dict[str, Any], **kw) -> None:
    """The real records under ``clusters``, with the example meeting and its event written;
    the meeting's topics are added to the end of its summary (:func:`topics_in_summary`)."""
    meeting = topics_in_summary(meeting)
    (clusters / AC1).write_text(dump(meeting, "meeting", **kw), encoding="utf-8")
    (clusters / EVENT).write_text(dump(event, "event", **kw), encoding="utf-8")


# --------------------------------------------------------------------------
# Text as pages show it, and pages as element signatures
# --------------------------------------------------------------------------


def shown(text: str) -> str:
    """Text as a page shows it: runs of white space are one space."""
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    """Running text's paragraphs: a blank line starts a new one."""
    return [part for part in re.split(r"\n\s*\n", text) if part.strip()]


@dataclass
class Markers:
    """Harmless stand-ins for text: the reference record, and what each stands for."""

    values: dict[Path_, str]
    """The marker text of each path (paragraphs separated by blank lines)."""
    meaning: dict[str, str]
    """Each marker and the text the page should show in its place."""

    @classmethod
    def of(cls, fields: Iterable[TextField], texts: Mapping[Path_, str], tag: str) -> Markers:
        values: dict[Path_, str] = {}
        meaning: dict[str, str] = {}
        for number, field in enumerate(fields):
            text = texts[field.path]
            parts = paragraphs(text) if field.paragraphs else [text]
            names = [f"qzx{tag}{number:02d}p{index}q" for index in range(len(parts))]
            meaning.update(zip(names, map(shown, parts), strict=True))
            values[field.path] = "\n\n".join(names)
        return cls(values, meaning)

    def substitute(self, text: str) -> str:
        if "qzx" not in text:
            return text
        return re.sub(r"qzx\w+?p\d+q", lambda m: self.meaning.get(m[0], m[0]), text)


ATTRIBUTES = ("content", "title", "alt", "aria-label", "placeholder")
"""Attributes whose text a visitor or a search engine reads."""


def signature(root: lxml_html.HtmlElement, markers: Markers | None = None) -> list[tuple]:
    """Every element in order: its tag, text, tail and readable attributes.

    With ``markers``, each marker is replaced by the text it stands for, so
    that the signature of a reference page is what the real page's must be.
    Scripts are compared by their JSON data, if any, not their source text.
    """
    fix = markers.substitute if markers else (lambda text: text)
    out: list[tuple] = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else "<!-- -->"
        if tag == "script":
            body: Any = _json_data(element.text or "", fix)
        else:
            body = shown(fix(element.text or ""))
        attributes = tuple(
            (name, shown(fix(element.get(name)))) for name in ATTRIBUTES if element.get(name)
        )
        out.append((tag, body, shown(fix(element.tail or "")), attributes))
    return out


def _json_data(source: str, fix) -> Any:
    try:
        data = json.loads(source)
    except ValueError:
        return "(script)"

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return shown(fix(value))
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(data)
