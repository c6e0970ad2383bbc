"""Records for tests that fill every text field of the model with chosen text.

The text fields come from the data model itself (every field checked as
:data:`~meetings.model.Line`, :data:`~meetings.model.Text` or
:data:`~meetings.model.Topic`), so a field added to the model is covered
without changing the tests; so are the fields holding a source's words, which
:func:`write_records` adds to the passages of the sources they quote, so that
any text in them is a quotation (:mod:`meetings.quotes`). Pages are compared
by their *signature*: every
element in order with its text, so that a page made from hostile text can be
compared with the same page made from harmless markers.
"""

from __future__ import annotations

import copy
import json
import re
import textwrap
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from annotated_types import MaxLen
from lxml import html as lxml_html
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from meetings.load import parse_yaml
from meetings.model import Event, Meeting, Record
from meetings.quotes import NAME, paragraphs_of
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
cites: [{source}]
speakers:
  - name: Sample Speaker
    role:
      text: Presented the sample.
      cites: [{source}]
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
    """The made-up source it cites, which :func:`add_sample` adds to its event's list."""
    sources: tuple[str, ...]
    """Every source id of its event's list, that one last."""

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
        SAMPLE_SOURCE,
        (*ids, SAMPLE_SOURCE),
    )


SAMPLE_SOURCE = "sample-source"
SAMPLE_SOURCE_DATA = {
    "id": SAMPLE_SOURCE,
    "title": "A made-up source for the tests",
    "publisher": "The tests",
    "url": "https://example.org/sample-source",
    "supports": "The example meeting the tests add to a copy of the records.",
}
"""The example meeting's source, which :func:`add_sample` adds to its event's list."""


def sample_passages() -> list[str]:
    """What the example meeting quotes from its source, as its passages."""
    return [
        part
        for text, kind, _ in quoted_values(parse_yaml(SAMPLE.text), Meeting)
        for part in ([text] if kind == NAME else paragraphs_of(text))
    ]


SAMPLE = sample_for(CLUSTERS)
"""The example meeting the tests add to their copies of the real records."""
AC1 = SAMPLE.file.removeprefix("clusters/")
EVENT = SAMPLE.event_file.removeprefix("clusters/")
"""The example meeting and its event, relative to ``clusters/``."""


def add_sample(project: Path) -> Sample:
    """Write the example meeting into the copy of the project at ``project``, and its made-up
    source, with the passages it quotes, at the end of its event's list of sources."""
    (project / SAMPLE.file).write_text(SAMPLE.text, encoding="utf-8")
    lines = [
        f"  - {key}: {json.dumps(value)}" for key, value in list(SAMPLE_SOURCE_DATA.items())[:1]
    ]
    lines += [
        f"    {key}: {json.dumps(value)}" for key, value in list(SAMPLE_SOURCE_DATA.items())[1:]
    ]
    lines += ["    passages:", *(f"      - {json.dumps(p)}" for p in sample_passages())]
    with (project / SAMPLE.event_file).open("a", encoding="utf-8") as event:
        event.write("\n".join(lines) + "\n")
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
    quoted: str | None = None
    """What the field holds of its sources' words, if any (``x-quoted``)."""

    @property
    def name(self) -> str:
        return ".".join(str(part) for part in self.path)


def text_fields(model: type[BaseModel], prefix: Path_ = ()) -> list[TextField]:
    """Every text field of ``model``, lists taken at their first item."""
    found: list[TextField] = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        quoted = extra.get("x-quoted")
        found += _walk(info.annotation, list(info.metadata), (*prefix, name), quoted)
    return found


def _walk(annotation: Any, metadata: list[Any], path: Path_, quoted: Any = None) -> list[TextField]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        for item in extra:
            metadata = metadata + (item.metadata if isinstance(item, FieldInfo) else [item])
        return _walk(base, metadata, path, quoted)
    if origin in (typing.Union, types.UnionType):
        return [
            found
            for arg in typing.get_args(annotation)
            if arg is not type(None)
            for found in _walk(arg, metadata, path, quoted)
        ]
    if origin is list:
        return _walk(typing.get_args(annotation)[0], [], (*path, 0))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return text_fields(annotation, path)
    if annotation is str and (_RUNNING_TEXT in metadata or _ONE_LINE & set(metadata)):
        limit = min(m.max_length for m in metadata if isinstance(m, MaxLen))
        return [TextField(path, limit, _RUNNING_TEXT in metadata, quoted)]
    return []


MEETING_FIELDS = text_fields(Meeting)
EVENT_FIELDS = text_fields(Event)


def real(name: str) -> dict[str, Any]:
    """A real record, as data (``AC1``: the example meeting, made up)."""
    if name == AC1:
        return parse_yaml(SAMPLE.text)
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
        {
            "name": "A name",
            "affiliation": {"name": "An affiliation", "cites": [first]},
            "role": {"text": "A role.", "cites": [first]},
            "cites": [first],
        },
        *(data.get("speakers") or []),
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
    data["sources"].append(dict(SAMPLE_SOURCE_DATA))  # what the example meeting cites
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
    the meeting's topics are added to the end of its summary (:func:`topics_in_summary`), and
    the words they quote to the passages of the sources they quote."""
    meeting = topics_in_summary(meeting)
    event = sourced(event, [(meeting, Meeting), (event, Event)])
    (clusters / AC1).write_text(dump(meeting, "meeting", **kw), encoding="utf-8")
    (clusters / EVENT).write_text(dump(event, "event", **kw), encoding="utf-8")


def cut_a_word(text: str, field: str = "summary") -> tuple[str, str]:
    """A record's text with a word of its summary (or of another quoted ``field``) cut
    ("…"), still a quotation of its source, its topics still its summary's words; and the
    words around the cut."""
    summary = re.search(rf"(?m)^{field}: >-\n((?:  .*\n)+)", text)
    assert summary, f"the record's {field} is a folded block"
    words = summary[1].split()
    topics = {word for topic in parse_yaml(text).get("topics", []) for word in topic.split()}
    index = next(
        i
        for i in range(len(words) // 2, len(words) - 2)
        if words[i].isalpha() and words[i] not in topics and words[i - 1].isalpha()
    )
    cut = [*words[:index], "…", *words[index + 1 :]]
    block = "".join(
        f"  {line}\n" for line in textwrap.wrap(" ".join(cut), 94, break_on_hyphens=False)
    )
    fixed = text[: summary.start(1)] + block + text[summary.end(1) :]
    return fixed, f"{words[index - 1]} … {words[index + 1]}"


def add_passages(clusters: Path, source_id: str, *texts: str, event: str = EVENT) -> None:
    """Add passages to a source in the event's file (rewritten), as an editor adds the
    words a record quotes from it."""
    path = clusters / event
    data = parse_yaml(path.read_text(encoding="utf-8"))
    (source,) = [source for source in data["sources"] if source["id"] == source_id]
    source["passages"] = [*source.get("passages", []), *texts]
    path.write_text(dump(data, "event"), encoding="utf-8")


def sourced(
    event: dict[str, Any], records: Iterable[tuple[Any, type[BaseModel]]]
) -> dict[str, Any]:
    """A copy of the event whose sources' passages hold, besides their own, the words each
    record's quoted fields quote from them (each paragraph a passage), as an editor adds a
    source's passage with a record that quotes it."""
    event = copy.deepcopy(event)
    wanted: dict[str, list[str]] = {}
    for data, model in records:
        for text, kind, cites in quoted_values(data, model):
            parts = [text] if kind == NAME else paragraphs_of(text)
            # Text no passage may hold is refused in the field itself.
            parts = [part for part in parts if _passage_text(part)]
            for source_id in cites:
                wanted.setdefault(source_id, []).extend(parts)
    sources = event.get("sources") if isinstance(event, dict) else None
    for source in sources if isinstance(sources, list) else []:
        if isinstance(source, dict) and wanted.get(source.get("id")):
            source["passages"] = [*(source.get("passages") or []), *wanted[source["id"]]]
    return event


def _passage_text(text: str) -> bool:
    try:
        _PASSAGE.validate_python(text)
    except ValidationError:
        return False
    return True


_PASSAGE = TypeAdapter(Text)


def quoted_values(
    data: Any, model: type[BaseModel], cites: tuple[str, ...] = ()
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Each quoted text of a record's data, its kind and the ids of the sources that must
    hold it: the data's side of :meth:`meetings.model.Record.quotations`."""
    if not isinstance(data, dict):
        return
    own = data.get("cites")
    if isinstance(own, list) and all(isinstance(item, str) for item in own):
        first = issubclass(model, Record) and model.quotes_first_source()
        cites = tuple(own[:1] if first else own)
    for name, info in model.model_fields.items():
        value = data.get(name)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        inner = _model_of(info.annotation)
        if "x-quoted" in extra and isinstance(value, str):
            yield value, str(extra["x-quoted"]), cites
        elif inner is not None and isinstance(value, dict):
            yield from quoted_values(value, inner, cites)
        elif inner is not None and isinstance(value, list):
            for item in value:
                yield from quoted_values(item, inner, cites)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``X | None``, ``list[X]`` or ``Annotated[X, …]``, if any."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else None
        elif origin in (list, typing.Annotated):
            annotation = typing.get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        else:
            return None


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


# --------------------------------------------------------------------------
# Removing a meeting, as the README says
# --------------------------------------------------------------------------


def cites_in(data: Any) -> list[str]:
    """Every source id a record's data cites, at any depth."""
    if isinstance(data, dict):
        found = [c for key in ("cites", "dates_cites") for c in (data.get(key) or [])]
        return found + [
            c for key, value in data.items() if "cites" not in key for c in cites_in(value)
        ]
    if isinstance(data, list):
        return [c for item in data for c in cites_in(item)]
    return []


def remove_meeting(path: Path) -> list[str]:
    """Delete a meeting's file, and from its event's list the sources that no other record
    of the event cites (README, "Remove a meeting"); return their ids."""
    event = path.parent / "event.yaml"
    others = [p for p in path.parent.glob("*.yaml") if p != path]
    cited = {c for p in others for c in cites_in(parse_yaml(p.read_text(encoding="utf-8")))}
    gone = [
        c for c in dict.fromkeys(cites_in(parse_yaml(path.read_text("utf-8")))) if c not in cited
    ]
    path.unlink()
    kept: list[str] = []
    dropping = False
    for line in event.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("  - "):
            listed = re.match(r'  - id: "?([a-z0-9-]+)"?\s*$', line)
            dropping = bool(listed) and listed[1] in gone
        elif not line.startswith("    ") and line.strip():
            dropping = False
        if not dropping:
            kept.append(line)
    event.write_text("".join(kept), encoding="utf-8")
    return gone
