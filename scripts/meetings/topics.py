"""Topics: words of a meeting's own summary, one entry (one anchor) each on the topics page.

A topic links meetings ("related meetings", the topics page), so it must be a
subject the meeting's own source names: a word or phrase of its summary, case
aside (:func:`check_topic_words`). "youth" may tag a summary that speaks of
"the youth"; "young people" may not, unless the summary says so.

Material's tags plugin makes the topics page from the pages' tags, and the
anchor of each entry from the tag's text, without case or punctuation: two
topics written differently ("renewable energy", "Renewable-Energy") would
share one anchor, so a link to one opens the other. Such topics are refused
as one topic written two ways (:func:`check_topics`).

So are two topics that look the same but are written with other characters
("fundіng" with a Cyrillic і, "funding"): a visitor would see one topic twice.
What a topic looks like is its *skeleton* (Unicode's confusables, UTS #39),
as ICU computes it (:func:`meetings.confusables.skeleton`), of its text as
written and in lower case. Two topics of plain ASCII are never look-alikes of
each other, although their skeletons may be the same ("modern" and "modem",
"clean" and "dean"): each is typed as it is meant, and the anchor check above
already makes case and punctuation one topic.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
import unicodedata
from collections.abc import Iterable

from material.plugins.tags.config import TagsConfig

from .confusables import skeleton
from .load import Document
from .model import Meeting
from .problems import Problem


def check_topics(meetings: Iterable[tuple[Meeting, Document]]) -> list[Problem]:
    """Topics that would share one entry (one anchor) of the topics page, or that look
    the same, must be one topic.

    "Renewable energy", "renewable-energy" and "renewable energy" all become the
    anchor ``#tag:renewable-energy``: a link to one would open another; "fundіng"
    (a Cyrillic і) looks like "funding". So all but the spelling first given are
    refused, with the place of the first.
    """
    by_anchor: dict[str, tuple[str, Document, int]] = {}
    by_look: dict[str, tuple[str, Document, int]] = {}
    problems: list[Problem] = []
    for meeting, document in meetings:
        for index, topic in enumerate(meeting.topics):
            entry = (topic, document, index)
            keys = [
                (by_anchor, topic_anchor(topic)),
                *((by_look, look) for look in topic_looks(topic)),
            ]
            for first, key in keys:
                other, other_document, other_index = first.setdefault(key, entry)
                if other_document is document and other_index == index:
                    continue  # the first spelling
                if other == topic and other_document is not document:
                    continue  # the same topic, shared with another meeting
                if first is by_look and topic.isascii() and other.isascii():
                    continue  # "modern" and "modem": two words, both as they are typed
                line = other_document.locations.of_value(("topics", other_index)).line
                if first is by_anchor:
                    message = (
                        f"'{topic}' and the topic '{other}' of {other_document.file}:{line} "
                        "differ only in case or punctuation, so the topics page would list "
                        "them as one; write them the same way"
                    )
                else:
                    message = (
                        f"'{topic}' looks the same as the topic '{other}' of "
                        f"{other_document.file}:{line} but is written with other characters "
                        f"({_first_other(topic, other)}); write them the same way"
                    )
                place = document.locations.of_value(("topics", index))
                problems.append(
                    Problem(document.file, place.line, place.column, f"topics[{index}]", message)
                )
                break
    return problems


def check_topic_words(meeting: Meeting, document: Document) -> list[Problem]:
    """Each topic of a meeting must be a word or phrase of its own summary (case aside)."""
    summary = " ".join(meeting.summary.split()).casefold()
    problems: list[Problem] = []
    for index, topic in enumerate(meeting.topics):
        if _phrase(topic).search(summary):
            continue
        close = difflib.get_close_matches(
            topic.casefold(), _phrases(summary, topic), n=1, cutoff=0.8
        )
        hint = f", e.g. '{close[0]}'" if close else ""
        message = (
            f"'{topic}' is not a word or phrase of the meeting's summary; a topic links "
            "meetings by a subject their own sources name, so write it as the summary does "
            f"(case aside){hint}, or leave it out"
        )
        place = document.locations.of_value(("topics", index))
        problems.append(
            Problem(document.file, place.line, place.column, f"topics[{index}]", message)
        )
    return problems


@functools.lru_cache(maxsize=100_000)
def _phrase(topic: str) -> re.Pattern[str]:
    """The topic as whole words of a text written in lowercase, white space runs as one."""
    words = map(re.escape, topic.casefold().split())
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def _phrases(summary: str, topic: str) -> list[str]:
    """The summary's runs of as many words as the topic has, give or take one."""
    words = re.findall(r"[\w'’-]+", summary)
    count = len(topic.split())
    return [
        " ".join(words[start : start + size])
        for size in range(max(1, count - 1), count + 2)
        for start in range(len(words) - size + 1)
    ]


def _first_other(topic: str, other: str) -> str:
    """The first character of ``topic`` that ``other`` does not have, named."""
    char = next((c for c in topic if c not in other), None) or next(
        (c for c in other if c not in topic), topic[0]
    )
    return f"U+{ord(char):04X} {unicodedata.name(char, 'an unnamed character')}"


@functools.lru_cache(maxsize=100_000)
def topic_looks(topic: str) -> tuple[str, ...]:
    """What a topic looks like: the UTS #39 skeletons of its words, as written and in
    lower case (a Greek capital iota looks like an ``l``, its lower case like an ``i``).

    Two topics sharing a skeleton are confusable: "fundіng" (Cyrillic і),
    "ｆｕｎｄｉｎｇ" (full width) and "funding" all give ``funding``. Remembered,
    like :func:`topic_anchor`.
    """
    words = " ".join(topic.split())
    return tuple(dict.fromkeys(skeleton(w) for w in (words, words.casefold())))


@functools.cache
def _tags_config() -> TagsConfig:
    config = TagsConfig()
    config.load_dict({})
    config.validate()
    return config


@functools.lru_cache(maxsize=100_000)
def topic_anchor(topic: str) -> str:
    """The anchor of a topic's entry on the topics page, as Material's tags plugin makes it.

    The plugin reads the tag from the page's front matter, where the topic is
    written HTML-escaped with its white space runs as one space
    (:func:`meetings.render.yaml_string`). Remembered: a few topics are on
    most meetings, and reading the plugin's settings is slow.
    """
    config = _tags_config()
    name = html.escape(" ".join(topic.split()), quote=True)
    slug = config.tags_slugify(name, config.tags_slugify_separator)
    return config.tags_slugify_format.format(slug=slug)
