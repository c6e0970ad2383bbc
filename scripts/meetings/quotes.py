"""Quotations checked against their sources: what the site quotes is its sources' words.

Each source in an event's list keeps, in ``passages``, the paragraphs of it
that the records quote or name, word for word as published. Every field of the
data model marked as a source's words (:data:`~meetings.model.QUOTATION`,
:data:`~meetings.model.NAME`) must be found in a passage of each source cited
beside it (:meth:`~meetings.model.Record.quotations`), after white space is
made single spaces:

* a name (a title, a speaker, a project) as whole words of one passage;
* a quotation (a summary, a role, an announcement), each paragraph on its
  own, as whole sentences of one passage: it starts where a sentence of the
  passage starts and ends where one ends, unless it starts or ends with "…";
  words left out inside it are marked with "…" too.

The only other change allowed is a spelling correction the source lists
(``corrections``: misspelt, corrected), which the pages show. Anything else, a
changed word, an unmarked cut, is a problem at the place of the first word that
differs, naming the field and the source, with the nearest passage as the hint.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .load import Document
from .model import NAME, QUOTATION, Event, Record, Source
from .problems import Problem, field_path

__all__ = ["NAME", "QUOTATION", "Words", "check_quotations", "normal", "paragraphs_of"]

CUT = "…"
_SENTENCE_END = ".!?"
_CLOSING = "”’\"')]"
_OPENING = "“‘\"'(["
_PUNCTUATION = ",.;:!?" + _CLOSING + _OPENING
_PARAGRAPH = re.compile(r"\n\s*\n")
_ADVICE = (
    "quote it word for word and mark a cut with '…' (a missing passage goes under the "
    "source's 'passages', a misspelling it mends under its 'corrections')"
)


def normal(text: str) -> str:
    """Text as the checks read it: runs of white space as one space, none at the ends."""
    return " ".join(text.split())


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Words:
    """A source's words as the checks read them: its title and passages, as published
    and with its spelling corrections, each passage on a line of its own."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.passages = [normal(p) for p in (source.title or "", *source.passages) if p.strip()]
        published = "\n".join(self.passages)
        corrected = published
        for correction in source.corrections:
            corrected = _replace_word(corrected, correction.misspelt, correction.corrected)
        self.texts = (published,) if corrected == published else (published, corrected)

    def has_name(self, name: str) -> bool:
        """Whether ``name`` is whole words of a passage."""
        wanted = normal(name)
        return any(_word_at(text, wanted) is not None for text in self.texts)

    def has_quotation(self, paragraph: str) -> bool:
        """Whether ``paragraph`` is whole sentences of a passage, its cuts marked with "…"."""
        wanted = normal(paragraph)
        if any(_quoted_in(text, [wanted], False, False) for text in self.texts):
            return True  # as written (the passage may itself hold a "…")
        segments, lead, trail = _segments(wanted)
        return bool(segments) and any(_quoted_in(t, segments, lead, trail) for t in self.texts)

    def uses(self, misspelt: str) -> bool:
        """Whether a passage writes ``misspelt`` as a word."""
        return _word_at(self.texts[0], misspelt) is not None


def _replace_word(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new.replace("\\", "\\\\"), text)


def _word_at(text: str, words: str) -> int | None:
    """Where ``words`` occur in ``text`` as whole words, or None."""
    at = text.find(words)
    while at != -1:
        if _starts_word(text, at) and _ends_word(text, at + len(words), len(text)):
            return at
        at = text.find(words, at + 1)
    return None


def _starts_word(text: str, at: int) -> bool:
    """Whether ``at`` is not inside a word of ``text``."""
    return not (at and _is_word(text[at - 1]) and _is_word(text[at]))


def _ends_word(text: str, end: int, limit: int) -> bool:
    """Whether ``end`` (at most ``limit``, the end of its passage) is not inside a word."""
    return not (end < limit and _is_word(text[end]) and _is_word(text[end - 1]))


def _segments(quotation: str) -> tuple[list[str], bool, bool]:
    """The parts of a quotation between its cuts, and whether it starts or ends with one."""
    parts = [part.strip() for part in quotation.split(CUT)]
    return [part for part in parts if part], parts[0] == "", parts[-1] == ""


def _starts_sentence(text: str, at: int) -> bool:
    """Whether a sentence of a passage (or what follows a colon) starts at ``at``."""
    before = text[max(0, at - 16) : at].rstrip(" " + _OPENING)
    if not before:
        return True
    return before[-1] == "\n" or before.rstrip(_CLOSING)[-1:] in _SENTENCE_END + ":"


def _ends_sentence(text: str, end: int, limit: int, words: str) -> bool:
    """Whether the quoted ``words``, ending at ``end``, end a sentence of their passage."""
    if end == limit:
        return True
    return words.rstrip(_CLOSING)[-1:] in _SENTENCE_END + ":" and not _is_word(text[end])


def _quoted_in(text: str, segments: Sequence[str], lead: bool, trail: bool) -> bool:
    """Whether the segments occur in this order in one passage of ``text`` (passages
    are its lines): the first starting a sentence (or, after a cut, a word), the
    last ending one (or, before a cut, a word), the others whole words."""
    first = segments[0]
    at = text.find(first)
    while at != -1:
        limit = text.find("\n", at)
        limit = len(text) if limit == -1 else limit
        starts = _starts_word(text, at) if lead else _starts_sentence(text, at)
        if starts and _rest_in(text, at, limit, segments, trail):
            return True
        at = text.find(first, at + 1)
    return False


def _rest_in(text: str, at: int, limit: int, segments: Sequence[str], trail: bool) -> bool:
    """With the first segment at ``at``: each segment ends where a cut can follow it,
    and each later one is found after the one before it (the earliest that fits),
    before ``limit``, the end of the passage; the last ends a sentence unless cut."""
    position = at
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        start = at if index == 0 else text.find(segment, position, limit)
        while start != -1:
            end = start + len(segment)
            fits_start = index == 0 or _starts_word(text, start)
            if last and not trail:
                fits_end = _ends_sentence(text, end, limit, segment)
            else:
                fits_end = _ends_word(text, end, limit)
            if fits_start and fits_end:
                break
            start = -1 if index == 0 else text.find(segment, start + 1, limit)
        if start == -1:
            return False
        position = start + len(segment)
    return True


# --------------------------------------------------------------------------
# The check of every record of an event
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Quoted:
    """One field holding a source's words, as a record gives it."""

    path: tuple[Any, ...]
    kind: str
    text: str
    cites: tuple[str, ...]


def check_quotations(
    event: Event,
    event_document: Document,
    records: Iterable[tuple[Record, Document]],
) -> list[Problem]:
    """Every quoted field of the event's records, found in each source cited beside it;
    and every spelling correction of its sources, used by a passage."""
    words: dict[str, Words] = {}
    for source in event.sources:  # a second source with one id is reported elsewhere
        words.setdefault(source.id, Words(source))
    problems: list[Problem] = []
    for index, source in enumerate(event.sources):
        own = Words(source) if source.corrections else None
        for number, correction in enumerate(source.corrections):
            if own is not None and not own.uses(correction.misspelt):
                where = ("sources", index, "corrections", number, "misspelt")
                message = (
                    f"'{correction.misspelt}' is in none of the passages of source "
                    f"'{source.id}': list a correction only for a word its passages misspell, "
                    "as published"
                )
                problems.append(_at(event_document, where, message))
    for record, document in records:
        for path, kind, text, cites in record.quotations():
            for source_id in cites:
                found = words.get(source_id)
                if found is None:
                    continue  # an id not listed: reported by the check of citations
                problem = _check(Quoted(path, kind, text, cites), found, document, event_document)
                if problem:
                    problems.append(problem)
    return problems


def _check(
    quoted: Quoted, words: Words, document: Document, event_document: Document
) -> Problem | None:
    if quoted.kind == NAME:
        if words.has_name(quoted.text):
            return None
        return _name_problem(quoted, words, document, event_document)
    offset = 0
    for paragraph in paragraphs_of(quoted.text):
        if not words.has_quotation(paragraph):
            return _quotation_problem(quoted, paragraph, offset, words, document, event_document)
        offset += len(paragraph.split())
    return None


def paragraphs_of(text: str) -> list[str]:
    """A quotation's paragraphs (a blank line starts one), each checked on its own."""
    return [part for part in _PARAGRAPH.split(text) if part.strip()]


def _source_named(words: Words, event_document: Document) -> str:
    return f"source '{words.source.id}' ({event_document.file})"


def _name_problem(
    quoted: Quoted, words: Words, document: Document, event_document: Document
) -> Problem:
    name = normal(quoted.text)
    size = len(name.split())
    windows = {
        " ".join(tokens[i : i + size])
        for passage in words.passages
        for tokens in [passage.split()]
        for i in range(max(1, len(tokens) - size + 1))
    }
    windows = {window.strip(_PUNCTUATION) for window in windows}
    close = difflib.get_close_matches(name, sorted(windows), n=1, cutoff=0.5)
    hint = (
        f"the nearest words there are '{close[0]}'"
        if close
        else "no passage names anything like it"
    )
    message = (
        f"'{name}' is not in the words of {_source_named(words, event_document)}: {hint}; {_ADVICE}"
    )
    return _at(document, quoted.path, message)


def _quotation_problem(
    quoted: Quoted,
    paragraph: str,
    offset: int,
    words: Words,
    document: Document,
    event_document: Document,
) -> Problem:
    """The first word of the paragraph that the nearest passage does not have, and why."""
    tokens = normal(paragraph).split()
    plain = [(i, token) for i, token in enumerate(tokens) if token != CUT]
    mine = [token.strip(CUT) or token for _, token in plain]
    passages = [normal(p) for p in _corrected_passages(words)]
    best, best_score = "", (-1.0, -1.0)
    for passage in passages:
        matcher = difflib.SequenceMatcher(None, mine, passage.split(), autojunk=False)
        found = sum(block.size for block in matcher.get_matching_blocks())
        score = (found / max(len(mine), 1), matcher.ratio())  # most of its words, then closest
        if score > best_score:
            best, best_score = passage, score
    best_ratio = best_score[0]
    theirs = best.split()
    where, what = 0, "it is not whole sentences of a passage, and no '…' marks a cut"
    matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    if best_ratio < 0.5:
        what = "no passage of it has these words"
    for tag, i1, i2, j1, j2 in matcher.get_opcodes() if best_ratio >= 0.5 else ():
        after_cut = _cut_before(tokens, plain, i1)
        if tag in ("replace", "delete"):
            where = plain[i1][0]
            said = " ".join(mine[i1:i2])
            if tag == "delete":
                what = f"'{said}' is not in the nearest passage"
                break
            size = i2 - i1
            has = theirs[j2 - size : j2] if after_cut else theirs[j1 : j1 + size]
            verb, noun = ("is", "word") if size == 1 else ("are", "words")
            what = (
                f"'{said}' {verb} not the source's {noun}: "
                f"the nearest passage has '{' '.join(has)}'"
            )
            break
        if tag == "insert" and 0 < i1 < len(mine) and not after_cut:
            where = plain[i1][0]
            left_out = " ".join(theirs[j1:j2][:8]) + (" …" if j2 - j1 > 8 else "")
            what = f"'{left_out}' is left out before '{mine[i1]}' without a '…'"
            break
    else:
        if best_ratio < 0.5:
            pass
        elif plain and not tokens[0].startswith(CUT) and not _starts_at_sentence(best, mine):
            what = (
                "it starts inside a sentence of the nearest passage: start it with '…', "
                "or quote the whole sentence"
            )
        elif plain and not tokens[-1].endswith(CUT):
            where = plain[-1][0]
            what = (
                "it ends inside a sentence of the nearest passage: end it with '…', "
                "or quote the whole sentence"
            )
    hint = _excerpt(theirs, best, mine)
    reads = "reads" if best in words.passages else "reads, with the source's corrections,"
    message = (
        f"not the words of {_source_named(words, event_document)}: {what}; the nearest "
        f'passage {reads} "{hint}"; {_ADVICE}'
    )
    line, column = _word_place(document, quoted.path, offset + where)
    return Problem(document.file, line, column, field_path(quoted.path), message)


def _cut_before(tokens: list[str], plain: list[tuple[int, str]], index: int) -> bool:
    """Whether a "…" stands just before the ``index``-th word of the quotation (a
    word of ``plain``, the quotation's ``tokens`` that are not a "…" alone)."""
    before = plain[index - 1][0] if index else -1
    after = plain[index][0] if index < len(plain) else len(tokens)
    return any(CUT in token for token in tokens[max(before, 0) : after + 1]) and (
        index > 0 or tokens[0].startswith(CUT)
    )


def _corrected_passages(words: Words) -> list[str]:
    return words.texts[-1].split("\n")


def _starts_at_sentence(passage: str, mine: list[str]) -> bool:
    at = passage.find(" ".join(mine[:3]))
    return at == -1 or _starts_sentence(passage, at)


def _excerpt(theirs: list[str], passage: str, mine: list[str], width: int = 24) -> str:
    """The nearest passage, or its part that matches the quotation best, for the hint."""
    if len(theirs) <= width:
        return passage
    matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    start = max(0, (blocks[0].b if blocks else 0) - 3)
    end = min(len(theirs), start + width)
    text = " ".join(theirs[start:end])
    return ("… " if start else "") + text + (" …" if end < len(theirs) else "")


def _word_place(document: Document, path: tuple[Any, ...], index: int) -> tuple[int, int]:
    """The line and column of the ``index``-th word of the value at ``path`` in the file.

    Folding and line breaks keep a text's words as written, so they are counted
    from where the value starts (after a ``>-`` or ``|`` line, after a quote).
    """
    place = document.locations.of_value(path)
    lines = document.text.splitlines()
    line, column = place.line, place.column
    if not 0 < line <= len(lines):
        return line, column
    start = column - 1
    rest = lines[line - 1][start:]
    if rest[:1] and rest[0] in ">|":
        line, start = line + 1, 0  # a block scalar's text starts on the next line
    elif rest[:1] and rest[0] in "\"'":
        start += 1
    for number in range(line, len(lines) + 1):
        text = lines[number - 1]
        for match in _tokens(text, start if number == line else 0):
            if index == 0:
                return number, match + 1
            index -= 1
    return place.line, place.column


def _tokens(text: str, start: int) -> Iterator[int]:
    for match in re.finditer(r"\S+", text[start:]):
        yield start + match.start()


def _at(document: Document, path: tuple[Any, ...], message: str) -> Problem:
    place = document.locations.of_value(path)
    return Problem(document.file, place.line, place.column, field_path(path), message)
