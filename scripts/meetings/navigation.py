"""The site's navigation: the home page, the newest events, the other pages.

MkDocs leaves pages added by a plugin out of an explicit ``nav``, so the
plugin builds the navigation in ``on_config``, before the pages exist.

Material prints the whole navigation into every page, so a navigation that
grew with the site would make every page grow with it (at 1,000 meetings in
the navigation, 281 KB of HTML per page). It is bounded instead: a section
for each of the newest :data:`NAV_EVENTS` events, with its meetings (at most
99: a cluster number is given once per event). Older events are reached
through the home page, which lists every event, and each event's page lists
its meetings; their pages are outside the navigation (:func:`outside_nav`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .model import Event

NavItem = str | dict[str, Any]

NAV_EVENTS = 2
"""How many of the newest events the navigation lists (the plugin's ``nav_events``).

Each entry adds about 0.5 KB of HTML to every page; two events of up to 12
meetings keep a meeting page near 30 KB (``make bench``, ``page_kib``)."""


def navigation(
    catalog: Catalog, nav: list[NavItem] | None, docs_dir: Path, events: int = NAV_EVENTS
) -> list[NavItem]:
    """The navigation with a section for each of the newest ``events`` events.

    If ``mkdocs.yml`` gives a ``nav``, the event sections go right after its
    ``index.md`` entry (or first, without one). Without a ``nav``, it is the
    home page, the events, then the other pages at the top of ``docs/`` by
    file name.
    """
    shown = catalog.events[:events]
    sections: list[NavItem] = [
        # Material prints navigation titles without escaping them.
        {html.escape(title): [event.page, *(m.page for m in event.meetings)]}
        for event, title in zip(shown, titles(shown), strict=True)
    ]
    if nav is None:
        others = (
            sorted(path.name for path in docs_dir.glob("*.md") if path.name != "index.md")
            if docs_dir.is_dir()
            else []
        )
        return ["index.md", *sections, *others]
    position = next((i + 1 for i, item in enumerate(nav) if _is_home(item)), 0)
    return [*nav[:position], *sections, *nav[position:]]


def titles(events: Sequence[Event]) -> list[str]:
    """The names the navigation gives ``events``, side by side: their short names
    (``short_name``) when every one has one, otherwise their full names, so that
    "Forum 2021" never stands beside a "Synthetic Test Meetup 2019"."""
    if all(event.short_name for event in events):
        return [event.short_name or event.name for event in events]
    return [event.name for event in events]


def outside_nav(catalog: Catalog, events: int = NAV_EVENTS) -> set[str]:
    """The pages of the events the navigation leaves out: their event pages and meetings."""
    return {
        page
        for event in catalog.events[events:]
        for page in (event.page, *(meeting.page for meeting in event.meetings))
    }


def _is_home(item: NavItem) -> bool:
    if isinstance(item, dict):
        return any(value == "index.md" for value in item.values())
    return item == "index.md"
