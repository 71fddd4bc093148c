"""Questions to time the engine with: the shared question set plus thousands generated from the data.

Generation is deterministic (a seeded ``random.Random``), so two runs time the same questions. Every
organisation name and alias is asked about with several paraphrases, some with a typo injected into
the name, and the set-level questions (league, list, count, figures, findings) cover every filter the
engine understands.
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

from knowledge.kb import KnowledgeBase

SHARED_QUESTIONS = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "questions.json"

#: How people ask about one organisation; ``{n}`` is the name as they type it.
ORG_TEMPLATES = (
    "how did {n} do?",
    "What rating did {n} get?",
    "{n}",
    "tell me about {n}",
    "who ran {n}?",
    "has {n} improved since the last inspection?",
    "how many people does {n} supervise",
    "what did inspectors say about staffing at {n}?",
    "what was {n}'s score",
    "when was {n} inspected",
    "standards breakdown for {n}",
    "/inspection {n}",
    "/history {n}",
    "is {n} any good",
    "{n} caseloads",
)
RATINGS = ("outstanding", "good", "requires improvement", "inadequate", "needs improvement", "failing")
TYPES = ("CRCs", "NPS divisions", "PDUs", "regions", "probation delivery units", "community rehabilitation companies")
PROGRAMMES = ("in the first round", "in the second round", "in 2019", "in 2021 to 2023", "in 2023 to 2025", "")
SET_TEMPLATES = (
    "which {t} were rated {r} {p}?",
    "how many {t} were rated {r} {p}?",
    "list the {r} {t} {p}",
    "league table of {t} {p}",
    "/league {t} {p}",
    "how many {t} got {r}",
)
TOPIC_WORDS = (
    "caseloads",
    "staffing",
    "domestic abuse",
    "safeguarding",
    "risk of harm",
    "leadership",
    "victims",
    "women",
    "unpaid work",
    "through the gate",
    "court work",
    "accommodation",
    "IT systems",
    "funding",
    "diversity",
    "interventions",
    "assessment",
    "planning",
    "reviewing",
    "facilities",
    "vacancies",
    "morale",
    "housing",
    "sentence plans",
)
TOPIC_TEMPLATES = (
    "what did inspectors say about {w}?",
    "/find {w}",
    "{w} problems at CRCs",
    "what were the concerns about {w} in PDUs",
    "findings on {w} in {region}",
)
FIGURE_TEMPLATES = (
    "how many {m}?",
    "what share of {m}",
    "{m} nationally",
    "what was the number of {m} in {y}",
)
MISC = (
    "hi",
    "help",
    "/start",
    "/help",
    "/about",
    "/sources",
    "/latest",
    "latest inspections",
    "who are you",
    "where does the data come from",
    "thanks",
    "/league",
    "/league 2019",
    "/compare",
    "/inspection",
    "which PDU scored 0 out of 27?",
    "who scored 27 out of 27",
    "asdfghjkl qwerty",
    "what is the weather",
    "/nonsense command",
    "best and worst regions",
    "top 10 PDUs",
    "bottom of the league",
)


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip in ``word``: a letter dropped, doubled, swapped with the next, or replaced."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 5:
        return word
    i = rng.choice(letters[1:-1])
    how = rng.randrange(4)
    if how == 0:
        return word[:i] + word[i + 1 :]
    if how == 1:
        return word[:i] + word[i] + word[i:]
    if how == 2 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def shared_questions() -> list[str]:
    if not SHARED_QUESTIONS.is_file():
        return []
    return [case["q"] for case in json.loads(SHARED_QUESTIONS.read_text(encoding="utf-8"))]


def generated_questions(
    kb: KnowledgeBase, *, seed: int = 5, typo_share: float = 0.3, templates_per_name: int | None = None
) -> list[str]:
    """Questions about every organisation name and alias, and about sets, figures and findings; no duplicates.

    ``templates_per_name`` (default: all of them) picks that many paraphrases per name, rotating
    through the templates so each is used evenly; the 100x benchmark uses a few per name.
    """
    rng = random.Random(seed)
    out: list[str] = []
    names = sorted({alias for alias, _org, _kind in kb.aliases})
    per = len(ORG_TEMPLATES) if templates_per_name is None else templates_per_name
    for k, name in enumerate(names):
        for j in range(per):
            template = ORG_TEMPLATES[(k + j) % len(ORG_TEMPLATES)]
            typed = name
            if rng.random() < typo_share:
                words = name.split()
                at = rng.randrange(len(words))
                words[at] = typo(words[at], rng)
                typed = " ".join(words)
            if rng.random() < 0.3:
                typed = typed.lower()
            out.append(template.format(n=typed))
    for t in TYPES:
        for r in RATINGS:
            for p in PROGRAMMES:
                out.append(rng.choice(SET_TEMPLATES).format(t=t, r=r, p=p).strip())
    regions = kb.regions or ["London"]
    for region in regions:
        out += [
            f"league table for {region}",
            f"which PDUs in {region} were rated good?",
            f"how many PDUs in {region} were inadequate",
            f"how did {region} do?",
        ]
    for w in TOPIC_WORDS:
        for template in TOPIC_TEMPLATES:
            out.append(template.format(w=w, region=rng.choice(regions)))
    for fig in kb.all_figures:
        metric = fig.metric[0].lower() + fig.metric[1:]
        template = rng.choice(FIGURE_TEMPLATES)
        out.append(template.format(m=metric, y=rng.choice(("2018", "2019", "2020"))))
    for points in range(0, 28, 3):
        out.append(f"which PDUs scored {points} out of 27?")
    out += MISC
    return list(dict.fromkeys(q for q in out if q.strip()))


def all_questions(kb: KnowledgeBase) -> list[str]:
    """The shared questions first, then the generated ones (duplicates removed)."""
    return list(dict.fromkeys(shared_questions() + generated_questions(kb)))
