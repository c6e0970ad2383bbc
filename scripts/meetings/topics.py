"""Topics as the topics page lists them: one entry, one anchor, per topic.

Material's tags plugin makes the topics page from the pages' tags, and the
anchor of each entry from the tag's text, without case or punctuation: two
topics written differently ("renewable energy", "Renewable-Energy") would
share one anchor, so a link to one opens the other. Such topics are refused
as one topic written two ways.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable

from material.plugins.tags.config import TagsConfig

from .load import Document
from .model import Meeting
from .problems import Problem


def check_topics(meetings: Iterable[tuple[Meeting, Document]]) -> list[Problem]:
    """Topics that would share one entry (one anchor) of the topics page must be one topic.

    "Renewable energy", "renewable-energy" and "renewable energy" all become the
    anchor ``#tag:renewable-energy``: a link to one would open another. So all
    but the spelling first given are refused, with the place of the first.
    """
    first: dict[str, tuple[str, Document, int]] = {}
    problems: list[Problem] = []
    for meeting, document in meetings:
        for index, topic in enumerate(meeting.topics):
            anchor = topic_anchor(topic)
            other, other_document, other_index = first.setdefault(anchor, (topic, document, index))
            if other_document is document and other_index == index:
                continue  # the first spelling
            if other == topic and other_document is not document:
                continue  # the same topic, shared with another meeting
            line = other_document.locations.of_value(("topics", other_index)).line
            message = (
                f"'{topic}' and the topic '{other}' of {other_document.file}:{line} differ only "
                "in case or punctuation, so the topics page would list them as one; "
                "write them the same way"
            )
            place = document.locations.of_value(("topics", index))
            problems.append(
                Problem(document.file, place.line, place.column, f"topics[{index}]", message)
            )
    return problems


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
