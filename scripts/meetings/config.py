"""Settings of the ``meetings`` MkDocs plugin, as written in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .navigation import NAV_EVENTS


class MeetingsConfig(Config):
    """``plugins: - meetings: {...}``; every setting has a default."""

    enabled = c.Type(bool, default=True)
    """Switch the plugin off: no page is generated. (``make bench`` measures MkDocs
    alone without the plugin in the configuration at all, since MkDocs imports a
    plugin even when it is switched off.)"""

    clusters_dir = c.Type(str, default="clusters")
    """The folder of event folders, relative to ``mkdocs.yml``."""

    templates_dir = c.Optional(c.Type(str))
    """A folder of page templates to use instead of the built-in ones."""

    nav_events = c.Type(int, default=NAV_EVENTS)
    """How many of the newest events the navigation lists, each with its meetings.

    Material prints the whole navigation into every page; older events are
    reached through the home page and their event pages instead.
    """

    social_image = c.Optional(c.Type(str))
    """The picture link previews show for every page (``og:image``), relative to
    ``docs/``, e.g. ``assets/social.png`` (drawn by ``scripts/social-image.py``)."""
