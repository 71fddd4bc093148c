"""Fuzzy resolution of the names people type to organisations, with rapidfuzz.

People write "westmercia crc", "humbersde lincs", "DTV", "how did stockton do?", "Sheffield PDU". We
turn every organisation's names and aliases into *keys* (lower case, with the words that only say what
kind of body it is taken out: "Durham Tees Valley Community Rehabilitation Company" -> "durham tees
valley") and look for the stretch of the question that best matches a key:

1. **exact**: a stretch equals a key, or equals it with the spaces removed ("westmercia");
2. **partial**: a stretch equals a distinctive part of a key ("stockton" in "stockton and hartlepool");
3. **fuzzy**: a stretch is within a small edit distance of a key or a distinctive word ("humbersde").

A longer stretch beats a shorter one, then exact beats partial beats fuzzy. Kind words next to a name
("CRC", "NPS", "PDU", "region") narrow the organisations it may mean. When one stretch fits several
organisations equally well, all of them are returned and the caller asks which was meant: we never
guess between "Wales CRC" and "NPS Wales".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

EXACT, PARTIAL, FUZZY = 3, 2, 1

#: Words that say what kind of organisation is meant, mapped to our type codes.
TYPE_WORDS: dict[str, str] = {
    "crc": "crc",
    "crcs": "crc",
    "nps": "nps",
    "division": "nps",
    "divisions": "nps",
    "pdu": "pdu",
    "pdus": "pdu",
    "region": "region",
    "regions": "region",
    "regional": "region",
    # Youth justice services: the words and initials people and the services themselves use.
    "yjs": "yjs",
    "yjss": "yjs",
    "yot": "yjs",
    "yots": "yjs",
    "yos": "yjs",
    "yoss": "yjs",
    "youth": "yjs",
    "yjt": "yjs",
    "yjeis": "yjs",
    "yjps": "yjs",
    "yjtps": "yjs",
    "cypjs": "yjs",
    # "Leeds probation": any probation body, as against the youth service of the same place.
    "probation": "probation",
}
#: The type codes "probation" stands for.
PROBATION_TYPES = {"crc", "nps", "pdu", "region"}
_TYPE_PHRASES = [
    ("community rehabilitation companies", "crcs"),
    ("community rehabilitation company", "crc"),
    ("national probation service", "nps"),
    ("probation delivery units", "pdus"),
    ("probation delivery unit", "pdu"),
    ("delivery units", "pdus"),
    ("delivery unit", "pdu"),
]
#: Kinds of body found only by a whole name or alias: national reports have long titles of common words.
_WHOLE_NAME_ONLY = {"national"}
#: Words removed from names to make keys: they describe the kind of body, not which one.
_NAME_NOISE = {
    "probation",
    "service",
    "services",
    "company",
    "companies",
    "the",
    "dynamic",
    "inspection",
    "of",
    "public",
    "protection",
    "dipp",
    "in",
    "hm",
    "prison",
    "and",
    "national",
    "arrangements",
    "for",
    "division",
    # What youth justice services add to a place's name ("Reading Youth Justice and Prevention Service").
    "team",
    "prevention",
    "early",
    "intervention",
    "targeted",
    "combined",
    "justice",
    "offending",
    "young",
    "peoples",
    "children",
    "childrens",
    "engagement",
} | set(TYPE_WORDS)
#: Words too general to identify an organisation on their own.
_GENERIC = {
    "north",
    "south",
    "east",
    "west",
    "and",
    "the",
    "of",
    "city",
    "upon",
    "with",
    "central",
    "eastern",
    "valley",
    "county",
    "isle",
    "port",
    "greater",
    "riding",
    "vale",
    "st",
    "new",
    "in",
    "on",
    "midlands",
    "mids",
    "borough",
    "wight",
    "tyne",
    "england",
}
#: Everyday and domain words that must never be fuzzily read as a place ("staff" is not "Staffs").
COMMON_WORDS = {
    "a",
    "about",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "best",
    "better",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "either",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "like",
    "made",
    "make",
    "many",
    "me",
    "more",
    "most",
    "much",
    "my",
    "no",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "same",
    "say",
    "said",
    "says",
    "see",
    "she",
    "should",
    "show",
    "so",
    "some",
    "such",
    "tell",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yes",
    "please",
    "thanks",
    "thank",
    "hello",
    "hi",
    "hey",
    "inspection",
    "inspections",
    "inspected",
    "inspector",
    "inspectors",
    "inspectorate",
    "rated",
    "rating",
    "ratings",
    "rate",
    "good",
    "inadequate",
    "requires",
    "require",
    "improvement",
    "improvements",
    "outstanding",
    "poor",
    "bad",
    "worse",
    "worst",
    "improve",
    "improved",
    "improving",
    "change",
    "changed",
    "league",
    "table",
    "tables",
    "rank",
    "ranking",
    "ranked",
    "top",
    "bottom",
    "compare",
    "comparison",
    "versus",
    "vs",
    "latest",
    "recent",
    "newest",
    "last",
    "first",
    "second",
    "round",
    "history",
    "trend",
    "time",
    "since",
    "previous",
    "score",
    "scored",
    "scores",
    "points",
    "point",
    "owner",
    "owns",
    "owned",
    "run",
    "ran",
    "runs",
    "running",
    "people",
    "person",
    "supervise",
    "supervised",
    "supervising",
    "supervision",
    "caseload",
    "caseloads",
    "workload",
    "workloads",
    "staff",
    "staffing",
    "risk",
    "harm",
    "work",
    "leadership",
    "findings",
    "finding",
    "report",
    "reports",
    "published",
    "date",
    "year",
    "years",
    "number",
    "share",
    "percentage",
    "percent",
    "cases",
    "case",
    "services",
    "service",
    "probation",
    "national",
    "figures",
    "figure",
    "total",
    "count",
    "list",
    "name",
    "names",
    "organisation",
    "organisations",
    "body",
    "bodies",
    "unit",
    "units",
    "help",
    "start",
    "sources",
    "source",
    "find",
    "search",
    "topic",
    "topics",
    "detail",
    "details",
    "summary",
    "overall",
    "standard",
    "standards",
    "assessment",
    "planning",
    "reviewing",
    "delivery",
    "implementation",
    "court",
    "victims",
    "victim",
    "women",
    "unpaid",
    "gate",
    "safeguarding",
    "domestic",
    "abuse",
    "accommodation",
    "funding",
    "interventions",
    "diversity",
    "ict",
    "facilities",
    "information",
    "bench",
    "reading",
} | {
    # The words of youth justice work, which name thematic reports but never a place.
    "disposal",
    "disposals",
    "resettlement",
    "custody",
    "custodial",
    "children",
    "child",
    "remand",
    "diversion",
    "exploitation",
    "youth",
    "young",
    "justice",
    "offending",
    "reoffending",
    "education",
    "annual",
}

#: Words besides the kind words that show a question is about youth justice ("Children and Young
#: People's Justice Service", "Young People's Engagement and Justice Service").
_YOUTH_CUE = re.compile(r"\byoung (?:people|peoples|person|offenders?)\b|\bjustice (?:and \w+ )?services?\b|\bjuvenile")
_SPACE_RE = re.compile(r"\s+")
_NON_WORD_RE = re.compile(r"[^a-z0-9 ]+")


#: Strings up to this long are normalised once and remembered: words, names and regions recur in every
#: question, and ``normalise`` is pure.
_MEMO_LENGTH = 80


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, ``&`` read as "and", single spaces."""
    if len(text) <= _MEMO_LENGTH:  # pragma: no mutate (which strings are remembered, not what they become)
        return _normalise_short(text)
    return _normalise(text)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = _NON_WORD_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip()
    for phrase, word in _TYPE_PHRASES:
        if phrase in text:
            text = re.sub(rf"\b{phrase}\b", word, text)
    return text


_normalise_short = lru_cache(maxsize=16384)(_normalise)


def name_key(name: str) -> str:
    """The identifying words of a name: "Probation Service – Wales region" -> "wales"."""
    words = normalise(name).split()
    kept = [w for w in words if w not in _NAME_NOISE or w in {"and", "of", "the"}]
    # "and"/"of"/"the" stay inside a name ("isle of wight") but not at either end.
    while kept and kept[0] in {"and", "of", "the"}:
        kept.pop(0)
    while kept and kept[-1] in {"and", "of", "the"}:
        kept.pop()
    return " ".join(kept)


@dataclass
class Match:
    """A stretch of the question and the organisations it may name (best first; several = ambiguous)."""

    org_ids: list[str]
    start: int
    end: int  # token positions in ``tokens`` of the normalised question, end exclusive
    text: str
    strength: int  # EXACT, PARTIAL or FUZZY
    score: float
    org_type: str | None = None  # a kind word next to the name, if any
    see_also: list[str] = field(default_factory=list)  # bodies of the other kind the name also fits

    @property
    def ambiguous(self) -> bool:
        return len(self.org_ids) > 1


@dataclass
class _Candidate:
    org_ids: set[str]
    strength: int
    score: float


#: How strongly a stretch names something: (sure, length, strength, score, -start); larger is better.
_Rank = tuple[bool, int, int, float, int]
#: A stretch of a question that may name organisations: its rank (which holds the strength and score of
#: the match), start, end, the organisations, the kind word beside it, and the organisations to offer too.
_Span = tuple[_Rank, int, int, set[str], str | None, set[str]]


@dataclass
class Resolver:
    """Resolves names in questions; build once per knowledge base (it indexes every alias)."""

    org_types: dict[str, str]  # org_id -> type code
    exact: dict[str, set[str]] = field(default_factory=dict)
    nospace: dict[str, set[str]] = field(default_factory=dict)
    partial: dict[str, set[str]] = field(default_factory=dict)
    key_list: list[str] = field(default_factory=list)
    word_list: list[str] = field(default_factory=list)
    max_span: int = 7
    #: Whole names of four words or more, as token tuples by first token: typed out in full, a name is
    #: that organisation even when its words alone say nothing ("HM Prison and Probation Service – ...").
    full: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = field(default_factory=dict)
    #: Report titles (national bodies), by each of their distinctive words: a title typed with a typo or two
    #: is still that report when most of its distinctive words are there and the whole is a close match.
    title_words: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = field(default_factory=dict)
    # Caches for the fuzzy tier (the index above never changes once built).
    _pools: dict[tuple[int, int, float], list[str]] = field(default_factory=dict, repr=False, compare=False)
    _by_length: dict[int, dict[int, list[int]]] = field(default_factory=dict, repr=False, compare=False)
    _ordered: dict[int, tuple[set[str], list[str] | None]] = field(default_factory=dict, repr=False, compare=False)
    _fuzzy_memo: dict[tuple[str, bool], tuple[tuple[str, float], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def from_aliases(cls, aliases: list[tuple[str, str, str]], org_types: dict[str, str]) -> Resolver:
        """Index ``(alias, org_id, kind)`` rows; names and aliases alike."""
        r = cls(org_types=org_types)
        full: dict[tuple[str, ...], set[str]] = {}
        heads = [
            (re.split(r":| – | - ", a)[0], o, k)
            for a, o, k in aliases
            if org_types.get(o) in _WHOLE_NAME_ONLY and re.search(r":| – | - ", a)
        ]
        for alias, org_id, kind in list(aliases) + [(*h[:2], "head") for h in heads]:
            whole = tuple(_tokens(alias)[1])
            key = name_key(alias)
            if len(whole) >= 4 or (
                len(whole) >= 2
                and len(key.split()) < len(whole)
                and kind != "head"
                and any(w not in COMMON_WORDS and w not in _NAME_NOISE for w in whole)
            ):
                full.setdefault(whole, set()).add(org_id)  # "KSS DIPP": the kind word tells the two apart
            if not key or kind == "head":  # a report's title before its colon names it only in full
                continue
            r.exact.setdefault(key, set()).add(org_id)
            r.nospace.setdefault(key.replace(" ", ""), set()).add(org_id)
            words = key.split()
            # A report's title: its single words ("joint", "needs", "2022") name nothing; four in a row still do.
            shortest = 4 if org_types.get(org_id) in _WHOLE_NAME_ONLY else 1
            for size in range(shortest, len(words)):  # every run of words shorter than the whole key
                for i in range(len(words) - size + 1):
                    part = words[i : i + size]
                    if part[0] in {"and", "of", "the"} or part[-1] in {"and", "of", "the"}:
                        continue
                    if all(w in _GENERIC for w in part):
                        continue
                    if size == 1 and (len(part[0]) < 4 or part[0] in COMMON_WORDS or part[0].isdigit()):
                        continue
                    r.partial.setdefault(" ".join(part), set()).add(org_id)
        for whole, orgs in sorted(full.items(), key=lambda kv: -len(kv[0])):
            r.full.setdefault(whole[0], []).append((whole, frozenset(orgs)))
            if len(whole) >= 5 and all(org_types.get(o) in _WHOLE_NAME_ONLY for o in orgs):
                for w in _distinctive(whole):
                    r.title_words.setdefault(w, []).append((whole, frozenset(orgs)))
        r.key_list = sorted(r.exact)
        r.word_list = sorted(k for k in r.partial if " " not in k)
        return r

    # -- matching one stretch -------------------------------------------------------------------
    def _candidates(self, span: list[str], raw_span: list[str], type_near: bool) -> list[_Candidate]:
        """Every tier of organisations this stretch may name, strongest first."""
        s = " ".join(span)
        common = all(w in COMMON_WORDS for w in span)
        # A key that is an everyday word ("bench", "see") counts only when written like a name
        # (BeNCH, SEE) or with a kind word beside it ("bench crc").
        shouted = any(not w.islower() for w in raw_span)
        if common and not (shouted or type_near):
            return []
        tiers: list[_Candidate] = []
        hits = self.exact.get(s) or self.nospace.get(s.replace(" ", ""))
        if hits:
            tiers.append(_Candidate(hits, EXACT, 100.0))  # the index's own set: never changed
        hits = self.partial.get(s)
        if hits:
            tiers.append(_Candidate(hits, PARTIAL, 100.0))
        # (Stretches with a kind word in them never get here: ``resolve`` skips them.)
        if tiers or common or span[0] in COMMON_WORDS or span[-1] in COMMON_WORDS:
            return tiers
        # Fuzzy matching is for misspelt names. A real English word ("working", "stroke", "bright")
        # is not a misspelling of a place ("Woking", "Stoke", "Brighton"), and a connecting word
        # inside a stretch ("north vs essex") means it is not one name.
        if len(span) == 1 and is_english_word(s):
            return tiers
        if any(w in COMMON_WORDS and w not in {"and", "of", "the"} for w in span[1:-1]):
            return tiers
        best = self._fuzzy(s, len(span) == 1)
        if best:
            top = max(score for _, score in best)
            near = [key for key, score in best if score >= top - 0.01]
            # Like the exact tiers: a whole name wins over a part of a longer one.
            orgs = set().union(*(self.exact.get(k, set()) for k in near))
            orgs = orgs or set().union(*(self.partial.get(k, set()) for k in near))
            tiers.append(_Candidate(orgs, FUZZY, top))
        return tiers

    _FUZZY_MEMO_SIZE = 8192

    def _fuzzy(self, s: str, single_word: bool) -> tuple[tuple[str, float], ...]:
        """Keys (and, for one word, distinctive words) within the fuzzy cutoff of ``s``: up to 6 of each."""
        memo_key = (s, single_word)
        found = self._fuzzy_memo.get(memo_key)  # pragma: no mutate (a miss only recomputes the same answer)
        if found is not None:
            return found
        # One misspelt word may be far off ("cumbira"); several words must be closer ("south wales"
        # is not "south west").
        cutoff = 90.0 if " " in s or len(s) < 6 else 85.0
        best: list[tuple[str, float]] = []
        for choices in (self.key_list, self.word_list) if single_word else (self.key_list,):
            pool = self._pool(choices, len(s), cutoff)
            for key, score, _ in process.extract(s, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=6):
                best.append((key, score))
        if len(self._fuzzy_memo) >= self._FUZZY_MEMO_SIZE:  # pragma: no mutate (when to forget: same answers)
            self._fuzzy_memo.clear()
        found = self._fuzzy_memo[memo_key] = tuple(best)
        return found

    def _pool(self, choices: list[str], length: int, cutoff: float) -> list[str]:
        """The choices whose length allows ``fuzz.ratio >= cutoff`` against a string of ``length``, in order.

        ``fuzz.ratio`` is ``100 * (1 - indel / (a + b))`` and the indel distance is at least ``|a - b|``,
        so a choice can reach the cutoff only if ``|a - b| <= (1 - cutoff / 100) * (a + b)``. The others
        would be scored and dropped; leaving them out (one spare character each side, and the original
        order kept, so ties still go to the earlier key) changes no result and saves most of the work
        on a large knowledge base.
        """
        which = id(choices)  # the index's own lists, which live as long as the resolver
        pool_key = (which, length, cutoff)
        pool = self._pools.get(pool_key)  # pragma: no mutate (a miss only works the same pool out again)
        if pool is None:
            by_length = self._by_length.get(which)  # pragma: no mutate (likewise)
            if by_length is None:  # positions of the choices of each length, in order
                by_length = {}
                for n, c in enumerate(choices):
                    by_length.setdefault(len(c), []).append(n)
                self._by_length[which] = by_length  # pragma: no mutate (remembered only to save time)
            slack = 1.0 - cutoff / 100.0
            fits = [
                n
                for size, where in by_length.items()
                if abs(size - length) <= slack * (size + length) + 1
                for n in where
            ]
            pool = [choices[n] for n in sorted(fits)]
            self._pools[pool_key] = pool  # pragma: no mutate (likewise)
        return pool

    def _near_titles(self, tokens: list[str]) -> list[_Span]:
        """Report titles typed with small mistakes: most distinctive words present, and a close whole."""
        present = set(tokens)
        seen: dict[tuple[str, ...], frozenset[str]] = {}
        for w in present:
            for whole, orgs in self.title_words.get(w, ()):
                seen[whole] = orgs
        out: list[_Span] = []
        for whole, orgs in seen.items():
            words = _distinctive(whole)
            if len(words & present) < max(1, (len(words) + 1) // 2):
                continue
            inside = [k for k, t in enumerate(tokens) if t in whole]
            i, j = inside[0], inside[-1] + 1
            score = fuzz.ratio(" ".join(whole), " ".join(tokens[i:j]))
            if score >= 85:
                out.append(
                    (
                        (True, 900 + j - i, FUZZY, score, -i),
                        i,
                        j,
                        set(orgs),
                        None,
                        set(),
                    )
                )
        return out

    def _order(self, org_id: str) -> tuple[str, str]:
        """How organisations are listed: by type, then id."""
        return self.org_types.get(org_id, ""), org_id

    def _in_order(self, orgs: set[str]) -> list[str]:
        """``orgs`` by type, then id. A large set straight from the index (a word that many names share:
        at 100x scale sorting one took most of a question's time) is sorted once and remembered; the
        index's sets live as long as the resolver and never change, so their ``id`` is a safe key.
        Which sets are remembered changes only the time taken, never the order: the lines that only decide
        what is remembered are not mutated."""
        if len(orgs) > 16:  # pragma: no mutate
            if not self._ordered:  # pragma: no mutate (the index's large sets, found once; 0 marks it done)
                self._ordered.update(
                    {
                        id(v): (v, None)  # pragma: no mutate
                        for index in (self.exact, self.nospace, self.partial)
                        for v in index.values()
                        if len(v) > 16  # pragma: no mutate
                    }
                )
                self._ordered[0] = (set(), None)  # pragma: no mutate
            known = self._ordered.get(id(orgs))  # pragma: no mutate
            if known is not None and known[0] is orgs:  # one of the index's own sets
                ordered = known[1]
                if ordered is None:
                    ordered = sorted(orgs, key=self._order)
                    self._ordered[id(orgs)] = (orgs, ordered)  # pragma: no mutate
                return list(ordered)
        return sorted(orgs, key=self._order)

    def _pick(
        self, tiers: list[_Candidate], org_type: str | None, youth_asked: bool
    ) -> tuple[_Candidate | None, set[str], set[str]]:
        """The tier a stretch names, the organisations in it, and the ones to offer beside them.

        A kind word next to the name ("Leeds PDU", "Leeds YOT") decides alone. Otherwise a place that
        has both a probation body and a youth justice service ("Leeds", "Gwent") means the probation
        body, with the youth service offered as well; when the question says youth, YOT, YOS or YJS
        anywhere, it is the other way round. This holds across tiers: "Cwm Taf" is the whole name of
        the youth service but part of the PDU's, and still means the PDU unless youth is asked for.
        Where several bodies of the preferred kind fit, the choice is among them and the others are
        still offered beside it.
        """

        def youth(o: str) -> bool:
            return self.org_types.get(o) == "yjs"

        if org_type:

            def fits(o: str) -> bool:
                kind = self.org_types.get(o)
                return kind in PROBATION_TYPES if org_type == "probation" else kind == org_type

            for tier in tiers:
                orgs = {o for o in tier.org_ids if fits(o)}
                if orgs:
                    # The same place's body of the other kind is still offered beside it.
                    other = next(
                        (
                            {o for o in t.org_ids if youth(o) != (org_type == "yjs") and not fits(o)}
                            for t in tiers
                            if any(youth(o) != (org_type == "yjs") for o in t.org_ids)
                        ),
                        set(),
                    )
                    return tier, orgs, {o for o in other if self.org_types.get(o) != "national"}
            return None, set(), set()
        if not tiers:
            return None, set(), set()
        first = tiers[0]

        def side(tier: _Candidate, want_youth: bool) -> set[str]:
            return {o for o in tier.org_ids if youth(o) == want_youth}

        wanted = next(((t, side(t, youth_asked)) for t in tiers if side(t, youth_asked)), None)
        other = next((side(t, not youth_asked) for t in tiers if side(t, not youth_asked)), set())
        if wanted is None or not other:
            return first, first.org_ids, set()
        tier, orgs = wanted
        return tier, orgs, other

    # -- whole questions --------------------------------------------------------------------------
    def resolve(self, text: str, max_matches: int = 4, max_tokens: int = 60) -> list[Match]:
        """Find up to ``max_matches`` names in ``text``, in the order they appear.

        Only the first ``max_tokens`` words are read: names come early in real questions, and this
        bounds the work on a pasted essay.
        """
        raw_tokens, tokens = _tokens(text, max_tokens)
        # What each stretch may name does not depend on which stretches are already taken, so it is
        # worked out once here; each round below then picks the best stretch still free.
        spans: list[_Span] = []
        for i, token in enumerate(tokens):
            for whole, named in self.full.get(token, ()):
                j = i + len(whole)
                if tuple(tokens[i:j]) == whole:  # a whole name typed out beats any stretch inside it
                    spans.append(
                        (
                            (True, 1000 + j - i, EXACT, 100.0, -i),
                            i,
                            j,
                            set(named),
                            None,
                            set(),
                        )
                    )
        if len(tokens) >= 5 and not spans:
            spans.extend(self._near_titles(tokens))
        whole_names = len(spans)
        # "youth offending", "youth justice": the second word is part of the kind, not of a name (whole
        # names above are read first, as typed: "Leeds Youth Justice Service" in full is that service).
        tokens = [
            ("yjs" if k and tokens[k - 1] == "youth" and t in {"offending", "justice"} else t)
            for k, t in enumerate(tokens)
        ]
        youth_asked = any(TYPE_WORDS.get(t) == "yjs" for t in tokens) or bool(_YOUTH_CUE.search(" ".join(tokens)))
        for i in range(len(tokens)):
            if tokens[i] in TYPE_WORDS:
                continue
            for j in range(min(len(tokens), i + self.max_span), i, -1):
                if any(t in TYPE_WORDS for t in tokens[i:j]):
                    continue
                org_type = _type_near(tokens, i, j)
                tiers = self._candidates(tokens[i:j], raw_tokens[i:j], org_type is not None)
                cand, orgs, also = self._pick(tiers, org_type, youth_asked)
                if cand is None and org_type is not None:
                    # No body of the kind beside the name ("Wigan YOS", where only Wigan PDU is inspected): the
                    # name still names what it surely names, and the answer says it is of another kind.
                    cand, orgs, also = self._pick([t for t in tiers if t.strength > FUZZY], None, youth_asked)
                if cand is None:
                    continue
                # A sure match (a whole or partial name) beats a guess however long the guess.
                rank = (cand.strength > FUZZY, j - i, cand.strength, cand.score, -i)
                spans.append((rank, i, j, orgs, org_type, also))
        # A whole name typed out ("Cwm Taf YJS") still offers what the name inside it offers (the PDU).
        for n in range(whole_names):
            rank, i, j, orgs, org_type, _ = spans[n]
            inner = [sp for sp in spans[whole_names:] if i <= sp[1] and sp[2] <= j and sp[3] & orgs]
            if inner:
                spans[n] = (rank, i, j, orgs, org_type, max(inner, key=lambda sp: sp[0])[5] - orgs)
        taken = [False] * len(tokens)
        matches: list[Match] = []
        while len(matches) < max_matches:
            free = [span for span in spans if not any(taken[span[1] : span[2]])]
            if not free:
                break
            rank, i, j, orgs, org_type, also = max(free, key=lambda span: span[0])  # ranks are never equal
            for k in range(i, j):
                taken[k] = True
            matches.append(
                Match(
                    self._in_order(orgs),
                    i,
                    j,
                    " ".join(tokens[i:j]),
                    rank[2],  # strength
                    rank[3],  # score
                    org_type,
                    see_also=self._in_order(also),
                )
            )
        matches.sort(key=lambda m: m.start)
        # "humbersde lincs crc": two stretches naming the same single organisation are one name.
        merged: list[Match] = []
        for m in matches:
            if merged and merged[-1].org_ids == m.org_ids and not m.ambiguous:
                merged[-1].org_type = merged[-1].org_type or m.org_type
                continue
            merged.append(m)
        return merged


def _distinctive(words: tuple[str, ...]) -> set[str]:
    """The words of a title that say which report it is (not "the", "inspection", "probation")."""
    return {w for w in words if len(w) >= 4 and w not in COMMON_WORDS and w not in _NAME_NOISE}


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """A dictionary of English words (GCIDE, from the english-words package), loaded on first use."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


def is_english_word(word: str) -> bool:
    """True for a dictionary word; a misspelt place name ("shefield", "cumbira") is not one."""
    return word in COMMON_WORDS or word in _english_words()


def _tokens(text: str, max_tokens: int | None = None) -> tuple[list[str], list[str]]:
    """The words of ``text`` as typed and normalised, one normalised word each: a token that normalises
    to several words ("S&W") is repeated so positions stay aligned."""
    flat_raw, flat = [], []
    for raw in _raw_tokens(text)[:max_tokens]:
        for part in normalise(raw).split():
            flat_raw.append(raw)
            flat.append(part)
    return flat_raw, flat


def _raw_tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;:!?()\[\]{}\"/]+", text) if t]


def _type_near(tokens: list[str], i: int, j: int) -> str | None:
    """A kind word right after (or right before) the stretch ``tokens[i:j]``."""
    if j < len(tokens) and tokens[j] in TYPE_WORDS:
        return TYPE_WORDS[tokens[j]]
    if i > 0 and tokens[i - 1] in TYPE_WORDS and tokens[i - 1] in {"nps", "crc", "pdu", "yjs", "yot", "yos"}:
        return TYPE_WORDS[tokens[i - 1]]
    return None
