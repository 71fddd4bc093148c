"""Our own word lists, kept as data: a small domain thesaurus and the companies that owned CRCs.

``thesaurus.csv`` groups words people use for one idea ("short-staffed", "vacancies", "posts
unfilled"), so a question finds a figure by what it means rather than by the figure's own wording.
``companies.csv`` maps the names people use for a company to the owner text in ``inspections.csv``,
with how they relate: ``owner`` (the same company), ``led`` (it led the consortium that owned the CRCs)
or ``took over`` (it took over that owner's CRCs, as the data's notes say).

Both files are read and checked here; a fault raises ``VocabularyError`` naming the file and line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from knowledge.paths import DATA_DIR
from knowledge.resolve import normalise

THESAURUS_COLUMNS = ("concept", "term")
COMPANY_COLUMNS = ("name", "owner", "relation")
COMPANY_RELATIONS = ("owner", "led", "took over")


class VocabularyError(ValueError):
    """A fault in one of our word lists, as ``file:line: message`` lines."""


@dataclass(frozen=True)
class Company:
    """A company people may name, and the owner texts whose CRCs a question about it covers."""

    name: str
    owners: tuple[tuple[str, str], ...]  # (owner text as in inspections.csv, relation)


@dataclass
class Vocabulary:
    #: normalised term -> concept; the terms of each concept, normalised
    concept_of: dict[str, str] = field(default_factory=dict)
    terms: dict[str, list[str]] = field(default_factory=dict)
    #: normalised company name -> company
    companies: dict[str, Company] = field(default_factory=dict)

    def for_owners(self, owners: list[str]) -> Vocabulary:
        """This vocabulary with only the company links to owners this knowledge base names (a rebuilt
        knowledge base may spell an owner differently; a link to nothing would list nothing)."""
        known = set(owners)
        companies = {k: Company(c.name, tuple(o for o in c.owners if o[0] in known)) for k, c in self.companies.items()}
        return Vocabulary(self.concept_of, self.terms, {k: c for k, c in companies.items() if c.owners})

    def concepts_in(self, norm: str) -> tuple[str, ...]:
        """The concepts named in ``norm``; a term inside a longer matched term ("caseload" in "probation
        caseload") does not count on its own."""
        named = [t for t in self.concept_of if f" {t} " in f" {norm} "]
        named = [t for t in named if not any(t != u and f" {t} " in f" {u} " for u in named)]
        return tuple(dict.fromkeys(self.concept_of[t] for t in named))

    def company_in(self, norm: str) -> Company | None:
        """The longest company name written in ``norm``."""
        found = [k for k in self.companies if f" {k} " in f" {norm} "]
        return self.companies[max(found, key=len)] if found else None


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise VocabularyError(f"{path}:0: cannot read file: {exc}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise VocabularyError(f"{path}:1: missing column(s): {', '.join(missing)}")
    rows, problems = [], []
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(row.get(c) is None for c in columns):
                problems.append(f"{path}:{line}: row has the wrong number of cells")
                continue
            values = {c: (row[c] or "").strip() for c in columns}
            empty = [c for c in columns if not values[c]]
            if empty:
                problems.append(f"{path}:{line}: empty {', '.join(empty)}")
                continue
            rows.append((line, values))
    except csv.Error as exc:
        problems.append(f"{path}:{reader.line_num}: malformed CSV: {exc}")
    if problems:
        raise VocabularyError("\n".join(problems))
    return rows


def load_vocabulary(data_dir: Path = DATA_DIR, owners: list[str] | None = None) -> Vocabulary:
    """Read and check ``thesaurus.csv`` and ``companies.csv``; ``owners`` (the data's owner texts), when
    given, must include every owner a company row names."""
    vocab = Vocabulary()
    problems: list[str] = []
    path = Path(data_dir) / "thesaurus.csv"
    for line, row in _rows(path, THESAURUS_COLUMNS):
        term = normalise(row["term"])
        concept = row["concept"].lower()
        if not term:
            problems.append(f"{path}:{line}: term {row['term']!r} has no letters or digits")
        elif vocab.concept_of.get(term, concept) != concept:
            problems.append(f"{path}:{line}: term {row['term']!r} is already under {vocab.concept_of[term]!r}")
        else:
            vocab.concept_of[term] = concept
            vocab.terms.setdefault(concept, []).append(term)
    path = Path(data_dir) / "companies.csv"
    grouped: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for line, row in _rows(path, COMPANY_COLUMNS):
        if row["relation"] not in COMPANY_RELATIONS:
            problems.append(f"{path}:{line}: relation {row['relation']!r} is not one of {', '.join(COMPANY_RELATIONS)}")
            continue
        if owners is not None and row["owner"] not in owners:
            problems.append(f"{path}:{line}: owner {row['owner']!r} is not an owner in inspections.csv")
            continue
        key = normalise(row["name"])
        grouped.setdefault(key, (row["name"], []))[1].append((row["owner"], row["relation"]))
    if problems:
        raise VocabularyError("\n".join(problems))
    vocab.companies = {k: Company(name, tuple(owned)) for k, (name, owned) in grouped.items()}
    return vocab


@lru_cache(maxsize=4)
def cached_vocabulary(data_dir: Path = DATA_DIR, owners: tuple[str, ...] | None = None) -> Vocabulary:
    """``load_vocabulary`` once per folder and owner list: every engine on one data folder shares it."""
    return load_vocabulary(data_dir, list(owners) if owners is not None else None)
