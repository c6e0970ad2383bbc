"""Work kept from one build of ``mkdocs serve`` to the next, by what it was made from.

Each stage that does work per record (validation, the related meetings, the
pages, their heads, the open data) takes an optional :class:`Memo`: a
function called with a *key* and a function that makes the result. The key
holds everything the result is made from: the record (its entry, which is
the same object from one build to the next only while its file's text and
its event's are unchanged), its event, the other entries it shows, and the
settings and templates of the build (a *scope*). Without a memo (``mkdocs
build``, ``meetings render``), every result is made; in ``mkdocs serve`` the
plugin keeps a :class:`KeptWork`, so an edit re-does only the work of what it
changed.

A key must name everything its result depends on: a result kept under a key
that misses a dependency is a stale page. ``tests/test_preview.py`` edits a
record, an event, a template and a shared topic while ``mkdocs serve`` runs
and compares every file served with a fresh build of the same files.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar

T = TypeVar("T")


class Memo(Protocol):
    def __call__(self, key: Hashable, make: Callable[[], T], /) -> T: ...


class Key:
    """A key whose hash is worked out once: one that a build looks up in several stages,
    or that holds many entries (an event's meetings, the whole site)."""

    __slots__ = ("_hash", "parts")

    def __init__(self, *parts: Hashable) -> None:
        self.parts = parts
        self._hash = hash(parts)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, Key) and self._hash == other._hash and self.parts == other.parts
        )

    def __repr__(self) -> str:
        return f"Key{self.parts!r}"


def no_memo(key: Hashable, make: Callable[[], T], /) -> T:
    """Every result made anew: what a single build does."""
    return make()


def scoped(memo: Memo, scope: Hashable) -> Memo:
    """``memo`` with ``scope`` (a build's settings, its templates) added to every key."""
    if memo is no_memo:
        return memo

    def kept(key: Hashable, make: Callable[[], T], /) -> T:
        return memo((scope, key), make)

    return kept


class KeptWork:
    """Results kept by key, for the next build: those the last build used.

    A stage asks for the result of a whole event (its pages, say) before those of
    its records, which it asks for only when the event's changed. A result made
    while another is made is kept as a part of it: when the whole is used, its
    parts are too, so that the next change to the event finds them.
    """

    def __init__(self) -> None:
        self._last: dict[Hashable, tuple[object, list[Hashable]]] = {}
        self._now: dict[Hashable, tuple[object, list[Hashable]]] = {}
        self._making: list[list[Hashable]] = []

    def __call__(self, key: Hashable, make: Callable[[], T], /) -> T:
        if self._making:
            self._making[-1].append(key)
        now = self._now
        found = now.get(key)
        if found is None:
            found = self._last.get(key)
            if found is None:
                found = self._make(make)
            else:
                self._keep_parts(found[1])
            now[key] = found
        return found[0]  # type: ignore[return-value]

    def _make(self, make: Callable[[], T]) -> tuple[T, list[Hashable]]:
        parts: list[Hashable] = []
        self._making.append(parts)
        try:
            return make(), parts
        finally:
            self._making.pop()

    def _keep_parts(self, parts: list[Hashable]) -> None:
        last, now = self._last, self._now
        while parts:
            more: list[Hashable] = []
            for part in parts:
                found = last.get(part)
                if found is not None and part not in now:
                    now[part] = found
                    more += found[1]
            parts = more

    def done(self) -> None:
        """A build ended: keep what it used (and the parts of that), for the next one."""
        self._last, self._now = self._now, {}

    def __len__(self) -> int:
        return len(self._last)
