"""The site's navigation: the home page, one section per event, the other pages.

MkDocs leaves pages added by a plugin out of an explicit ``nav``, so the
plugin builds the navigation in ``on_config``, before the pages exist.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .catalog import Catalog

NavItem = str | dict[str, Any]


def navigation(catalog: Catalog, nav: list[NavItem] | None, docs_dir: Path) -> list[NavItem]:
    """The navigation with a section per event, newest first.

    If ``mkdocs.yml`` gives a ``nav``, the event sections go right after its
    ``index.md`` entry (or first, without one). Without a ``nav``, it is the
    home page, the events, then the other pages at the top of ``docs/`` by
    file name.
    """
    events: list[NavItem] = [
        # Material prints navigation titles without escaping them.
        {html.escape(event.event.nav_title): [event.page, *(m.page for m in event.meetings)]}
        for event in catalog.events
    ]
    if nav is None:
        others = (
            sorted(path.name for path in docs_dir.glob("*.md") if path.name != "index.md")
            if docs_dir.is_dir()
            else []
        )
        return ["index.md", *events, *others]
    position = next((i + 1 for i, item in enumerate(nav) if _is_home(item)), 0)
    return [*nav[:position], *events, *nav[position:]]


def _is_home(item: NavItem) -> bool:
    if isinstance(item, dict):
        return any(value == "index.md" for value in item.values())
    return item == "index.md"
