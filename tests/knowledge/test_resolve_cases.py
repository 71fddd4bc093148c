"""``knowledge.resolve`` case by case: what the index holds, and how each rule of matching decides.

Most tests here build a small resolver from a handful of alias rows written out below, so every key,
part and whole name it must hold can be worked out by hand from the rules in the module's docstring.
Each test builds its own resolver (a few milliseconds): the index is made in ``from_aliases``, and a
resolver shared by a module would be built, and so checked under mutation, by its first test alone.
Scores are ``fuzz.ratio`` worked out by hand: ``100 * (1 - indel / (len(a) + len(b)))``, where the
indel distance counts the characters one string lacks and the other has.
"""

from __future__ import annotations

import pytest

from knowledge.resolve import (
    EXACT,
    FUZZY,
    PARTIAL,
    Match,
    Resolver,
    _distinctive,
    _tokens,
    _type_near,
    is_english_word,
    name_key,
    normalise,
)

TYPES = {
    "dtv-crc": "crc",
    "pdu-sh": "pdu",
    "pdu-iow": "pdu",
    "pdu-nel": "pdu",
    "pdu-kent": "pdu",
    "kss-crc": "crc",
    "pdu-rw": "pdu",
    "pdu-her": "pdu",
    "pdu-wye": "pdu",
    "pdu-leeds": "pdu",
    "pdu-cardiff": "pdu",
    "bench-crc": "crc",
    "thematic-race": "national",
    "thematic-recall": "national",
    "pdu-rcm": "pdu",
}
ALIASES = [
    ("Durham Tees Valley", "dtv-crc", "name"),
    ("DTV", "dtv-crc", "abbreviation"),
    ("Stockton and Hartlepool PDU", "pdu-sh", "name"),
    ("Isle of Wight", "pdu-iow", "place"),
    ("North East Lincolnshire", "pdu-nel", "name"),
    ("Kent PDU", "pdu-kent", "name"),
    ("Kent Surrey Sussex CRC", "kss-crc", "name"),
    ("Reading and Wokingham", "pdu-rw", "name"),
    ("Hull and East Riding", "pdu-her", "name"),
    ("Wye and Usk Valley", "pdu-wye", "name"),
    ("Leeds 2021", "pdu-leeds", "alias"),
    ("Cardiff and the Vale", "pdu-cardiff", "name"),
    ("Probation Service", "pdu-kent", "alias"),
    ("Probation Staff", "pdu-kent", "alias"),
    ("Youth Justice Team", "pdu-kent", "alias"),
    ("Recall in probation: a review", "thematic-recall", "name"),
    ("Bench", "bench-crc", "abbreviation"),
    ("Race equality in probation: the experiences of minority ethnic staff", "thematic-race", "name"),
    ("Redcar Cleveland and Middlesbrough PDU", "pdu-rcm", "name"),
]
RACE = ("race", "equality", "in", "probation", "the", "experiences", "of", "minority", "ethnic", "staff")


@pytest.fixture
def small() -> Resolver:
    return Resolver.from_aliases(ALIASES, TYPES)


def match(org_ids, start, end, text, strength, score, org_type=None, see_also=()):
    return Match(list(org_ids), start, end, text, strength, score, org_type, list(see_also))


def ratio(indel: int, a: str, b: str) -> object:
    """``fuzz.ratio`` of two strings whose indel distance was counted by hand."""
    return pytest.approx(100 * (1 - indel / (len(a) + len(b))))


# -- the index --------------------------------------------------------------------------------------------
def test_keys_are_the_names_without_their_kind_words(small):
    assert small.exact == {
        "durham tees valley": {"dtv-crc"},
        "dtv": {"dtv-crc"},
        "stockton and hartlepool": {"pdu-sh"},
        "isle of wight": {"pdu-iow"},
        "north east lincolnshire": {"pdu-nel"},
        "kent": {"pdu-kent"},
        "kent surrey sussex": {"kss-crc"},
        "reading and wokingham": {"pdu-rw"},
        "hull and east riding": {"pdu-her"},
        "wye and usk valley": {"pdu-wye"},
        "staff": {"pdu-kent"},
        "recall a review": {"thematic-recall"},
        "leeds 2021": {"pdu-leeds"},
        "cardiff and the vale": {"pdu-cardiff"},
        "bench": {"bench-crc"},
        "race equality the experiences of minority ethnic staff": {"thematic-race"},
        "redcar cleveland and middlesbrough": {"pdu-rcm"},
    }
    assert small.nospace == {k.replace(" ", ""): v for k, v in small.exact.items()}
    assert small.key_list == sorted(small.exact)


def test_parts_of_names_are_the_distinctive_stretches(small):
    race = {"thematic-race"}
    assert small.partial == {
        "durham": {"dtv-crc"},
        "durham tees": {"dtv-crc"},
        "tees": {"dtv-crc"},
        "tees valley": {"dtv-crc"},
        "stockton": {"pdu-sh"},
        "hartlepool": {"pdu-sh"},
        "east lincolnshire": {"pdu-nel"},
        "lincolnshire": {"pdu-nel"},
        "kent": {"kss-crc"},
        "kent surrey": {"kss-crc"},
        "surrey": {"kss-crc"},
        "surrey sussex": {"kss-crc"},
        "sussex": {"kss-crc"},
        "wokingham": {"pdu-rw"},  # "reading" is an everyday word
        "hull": {"pdu-her"},  # four letters is enough; "east riding" is only compass and generic words
        "hull and east": {"pdu-her"},
        "leeds": {"pdu-leeds"},  # a year alone names nothing
        "wye and usk": {"pdu-wye"},  # short words may start a longer part, but are no part alone
        "usk valley": {"pdu-wye"},
        "cardiff": {"pdu-cardiff"},
        "redcar": {"pdu-rcm"},
        "redcar cleveland": {"pdu-rcm"},
        "cleveland": {"pdu-rcm"},
        "cleveland and middlesbrough": {"pdu-rcm"},
        "middlesbrough": {"pdu-rcm"},
        # A report's title: only runs of four words or more, never starting or ending with "the" or "of".
        "race equality the experiences": race,
        "experiences of minority ethnic": race,
        "equality the experiences of minority": race,
        "experiences of minority ethnic staff": race,
        "race equality the experiences of minority": race,
        "equality the experiences of minority ethnic": race,
        "race equality the experiences of minority ethnic": race,
        "equality the experiences of minority ethnic staff": race,
    }
    assert small.word_list == sorted(k for k in small.partial if " " not in k)


def test_whole_names_are_kept_longest_first_under_their_first_word(small):
    def whole(text):
        return tuple(text.split())

    assert small.full == {
        "race": [
            (RACE, frozenset({"thematic-race"})),
            (whole("race equality in probation"), frozenset({"thematic-race"})),
        ],
        "redcar": [(whole("redcar cleveland and middlesbrough pdu"), frozenset({"pdu-rcm"}))],
        "stockton": [(whole("stockton and hartlepool pdu"), frozenset({"pdu-sh"}))],
        "hull": [(whole("hull and east riding"), frozenset({"pdu-her"}))],
        "kent": [
            (whole("kent surrey sussex crc"), frozenset({"kss-crc"})),
            (whole("kent pdu"), frozenset({"pdu-kent"})),
        ],
        "cardiff": [(whole("cardiff and the vale"), frozenset({"pdu-cardiff"}))],
        "wye": [(whole("wye and usk valley"), frozenset({"pdu-wye"}))],
        # The head of "Recall in probation: a review" is three words, and no whole name: only the title is.
        "recall": [(whole("recall in probation a review"), frozenset({"thematic-recall"}))],
    }
    # Only a national report's whole title (five words or more) is found again by its distinctive words.
    entry = [(RACE, frozenset({"thematic-race"}))]
    recall = [(whole("recall in probation a review"), frozenset({"thematic-recall"}))]
    assert small.title_words == {
        **dict.fromkeys(("race", "equality", "experiences", "minority", "ethnic"), entry),
        **dict.fromkeys(("recall", "review"), recall),
    }


def test_a_title_split_with_a_dash_keeps_its_head_as_a_whole_name():
    r = Resolver.from_aliases([("Serious Further Offences Work – annual report", "sfo", "name")], {"sfo": "national"})
    assert ("serious", "further", "offences", "work") in [w for w, _ in r.full["serious"]]
    assert "serious further offences work" not in r.exact  # the head alone is not a key


# -- helpers ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, norm",
    [
        ("People's", "peoples"),
        ("People\u2019s", "peoples"),
        ("Children & Families", "children and families"),
        ("Cafe\u0301", "cafe"),
        ("ＤＴＶ", "dtv"),  # full-width letters: compatibility forms are read as plain ones
        ("A community rehabilitation companies survey", "a crcs survey"),
        ("probation delivery units", "pdus"),
        ("two delivery units", "two pdus"),
        ("a delivery unit", "a pdu"),
        ("the national probation service", "the nps"),
        ("x" * 81 + " & Co", "x" * 81 + " and co"),
    ],
)
def test_normalise_reads_punctuation_accents_and_kind_phrases(text, norm):
    assert normalise(text) == norm


@pytest.mark.parametrize(
    "name, key",
    [
        ("Service of the Isle of Wight", "isle of wight"),
        ("Leeds and the Probation Service", "leeds"),
        ("The Probation Service", ""),
        ("Of", ""),
        ("Hull and East Riding", "hull and east riding"),
        ("Reading Youth Justice and Prevention Service", "reading"),
        ("Probation Service and Leeds", "leeds"),
        ("Leeds Division of the Probation Service", "leeds"),
    ],
)
def test_name_key_trims_joining_words_at_either_end(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    "tokens, i, j, kind",
    [
        (["wales", "nps"], 0, 1, "nps"),
        (["wales", "region"], 0, 1, "region"),
        (["leeds", "and", "pdu"], 0, 1, None),
        (["leeds", "wales"], 1, 2, None),
        (["region", "wales"], 1, 2, None),  # only some kind words may come first
        (["crc", "wales", "x"], 1, 2, "crc"),
        (["nps", "wales"], 1, 2, "nps"),
        (["pdu", "leeds"], 1, 2, "pdu"),
        (["yjs", "leeds"], 1, 2, "yjs"),
        (["yot", "leeds"], 1, 2, "yjs"),
        (["yos", "leeds"], 1, 2, "yjs"),
        (["youth", "leeds"], 1, 2, None),
        (["leeds"], 0, 1, None),
    ],
)
def test_a_kind_word_counts_right_after_a_name_or_right_before_it(tokens, i, j, kind):
    assert _type_near(tokens, i, j) == kind


def test_tokens_keep_what_was_typed_beside_each_normalised_word():
    assert _tokens("S&W, (Leeds)! DTV/HLNY") == (
        ["S&W", "S&W", "S&W", "Leeds", "DTV", "HLNY"],
        ["s", "and", "w", "leeds", "dtv", "hlny"],
    )
    assert _tokens("one two three four", 2) == (["one", "two"], ["one", "two"])


def test_distinctive_words_are_long_and_not_everyday_or_kind_words():
    assert _distinctive(("hull", "abc", "work", "team", "probation", "sheffield", "remand")) == {"hull", "sheffield"}


@pytest.mark.parametrize(
    "word, english",
    [("caseload", True), ("walking", True), ("staff", True), ("shefield", False), ("humbersde", False)],
)
def test_english_words_are_the_dictionary_and_the_everyday_list(word, english):
    assert is_english_word(word) is english


# -- exact, partial and fuzzy stretches -----------------------------------------------------------------------
def test_run_together_words_within_a_stretch_are_exact(small):
    assert small.resolve("durham teesvalley") == [match(["dtv-crc"], 0, 2, "durham teesvalley", EXACT, 100.0)]
    assert small.resolve("DurhamTeesValley") == [match(["dtv-crc"], 0, 1, "durhamteesvalley", EXACT, 100.0)]


def test_a_distinctive_part_is_partial(small):
    assert small.resolve("tees valley") == [match(["dtv-crc"], 0, 2, "tees valley", PARTIAL, 100.0)]
    assert small.resolve("wokingham") == [match(["pdu-rw"], 0, 1, "wokingham", PARTIAL, 100.0)]


@pytest.mark.parametrize("text", ["reading", "Reading", "2021", "20211", "valley", "wye", "east riding", "isl"])
def test_everyday_words_years_and_generic_parts_name_nothing(small, text):
    assert small.resolve(text) == []


def test_an_everyday_key_counts_only_written_like_a_name_or_beside_a_kind_word(small):
    assert small.resolve("bench") == []
    assert small.resolve("BeNCH") == [match(["bench-crc"], 0, 1, "bench", EXACT, 100.0)]
    assert small.resolve("bench crc") == [match(["bench-crc"], 0, 1, "bench", EXACT, 100.0, "crc")]


def test_one_misspelt_word_is_read_as_a_distinctive_word(small):
    # "durhm" lacks the "a" of "durham": one character over 5 + 6.
    assert small.resolve("durhm") == [match(["dtv-crc"], 0, 1, "durhm", FUZZY, ratio(1, "durhm", "durham"))]
    # Six letters may be further off (85) than five (90): "stoktn" lacks the "c" and an "o" of "stockton", 85.7.
    assert small.resolve("stoktn") == [match(["pdu-sh"], 0, 1, "stoktn", FUZZY, ratio(2, "stoktn", "stockton"))]


def test_several_misspelt_words_are_read_against_whole_keys_only_when_close(small):
    typed = "durhm tes vlley"  # three letters short of "durham tees valley": 90.9, above 90
    assert small.resolve(typed) == [
        match(["dtv-crc"], 0, 3, typed, FUZZY, ratio(3, typed, "durham tees valley")),
    ]
    assert small.resolve("drhm tes vally") == []  # four short: 87.5, above 85 but not 90


@pytest.mark.parametrize(
    "typed, start, end",
    [
        ("a redcr clevland and midlesbrough", 1, 5),
        ("redcr clevland and midlesbrough a", 0, 4),
    ],
)
def test_an_everyday_word_at_either_end_is_not_part_of_a_misspelt_name(small, typed, start, end):
    inner = " ".join(typed.split()[start:end])
    assert small.resolve(typed) == [
        match(["pdu-rcm"], start, end, inner, FUZZY, ratio(3, inner, "redcar cleveland and middlesbrough"))
    ]


def test_an_everyday_word_inside_splits_a_misspelt_name_but_joining_words_do_not(small):
    # "an" is not "and": two names, both Stockton and Hartlepool, read as one (the first of them).
    assert small.resolve("stocktn an hartlepol") == [
        match(["pdu-sh"], 0, 1, "stocktn", FUZZY, ratio(1, "stocktn", "stockton"))
    ]
    typed = "stocktn and hartlepol"
    assert small.resolve(typed) == [match(["pdu-sh"], 0, 3, typed, FUZZY, ratio(2, typed, "stockton and hartlepool"))]
    assert small.resolve("isl of wight") == [
        match(["pdu-iow"], 0, 3, "isl of wight", FUZZY, ratio(1, "isl of wight", "isle of wight"))
    ]
    typed = "cardif and the vale"
    assert small.resolve(typed) == [match(["pdu-cardiff"], 0, 4, typed, FUZZY, ratio(1, typed, "cardiff and the vale"))]


def test_a_whole_name_as_typed_beats_the_key_inside_it(small):
    assert small.resolve("kent") == [match(["pdu-kent"], 0, 1, "kent", EXACT, 100.0)]
    assert small.resolve("kent crc") == [match(["kss-crc"], 0, 1, "kent", PARTIAL, 100.0, "crc")]
    assert small.resolve("Kent PDU") == [match(["pdu-kent"], 0, 2, "kent pdu", EXACT, 100.0)]
    assert small.resolve("kent surrey sussex crc") == [match(["kss-crc"], 0, 4, "kent surrey sussex crc", EXACT, 100.0)]


def test_at_most_six_equally_close_keys_are_offered():
    names = [f"Kelmarsh{c}" for c in "abcdefg"]
    r = Resolver.from_aliases([(n, f"k-{n[-1]}", "name") for n in names], {f"k-{n[-1]}": "pdu" for n in names})
    (m,) = r.resolve("kelmarsh")  # one letter short of each of the seven
    assert m.org_ids == [f"k-{c}" for c in "abcdef"] and m.ambiguous
    assert (m.strength, m.score) == (FUZZY, ratio(1, "kelmarsh", "kelmarsha"))


def test_organisations_without_a_type_are_listed_first():
    r = Resolver.from_aliases([("Wessex", "a-typed", "name"), ("Wessex", "z-untyped", "name")], {"a-typed": "pdu"})
    assert r.resolve("wessex")[0].org_ids == ["z-untyped", "a-typed"]


# -- the length window of the fuzzy tier ---------------------------------------------------------------------
def test_the_fuzzy_pool_holds_the_lengths_that_can_reach_the_cutoff_in_their_order():
    # |a - b| <= (1 - cutoff / 100) * (a + b) + 1 for a string of 10: 8 to 13 at 90, 7 to 14 at 85.
    choices = ["x" * n for n in range(20, 0, -1)]
    r = Resolver(org_types={})
    assert r._pool(choices, 10, 90.0) == ["x" * n for n in range(13, 7, -1)]
    assert r._pool(choices, 10, 85.0) == ["x" * n for n in range(14, 6, -1)]
    other = ["y" * n for n in range(1, 21)]
    assert r._pool(other, 10, 90.0) == ["y" * n for n in range(8, 14)]  # each list its own pool


# -- report titles typed with mistakes -----------------------------------------------------------------------
TITLE = "Alpha bravo charlie delta echo kilo golf hotel"
LONG_TITLE = "Alpha bravo charlie delta echo foxtrot golf hotel"


@pytest.fixture
def titles() -> Resolver:
    return Resolver.from_aliases(
        [(TITLE, "report", "name"), (LONG_TITLE, "long", "name")], {"report": "national", "long": "national"}
    )


def test_a_title_with_words_left_out_is_still_that_report_down_to_85(titles):
    typed = "alpha charlie echo kilo golf hotel"  # 12 of 46 characters left out: exactly 85
    assert titles.resolve(typed) == [match(["report"], 0, 6, typed, FUZZY, 85.0)]
    # One letter more and it is 84: not that report, and nothing else either.
    assert titles.resolve(typed + "s") == []
    assert [(m.org_ids, m.start, m.end, m.strength) for m in titles.resolve("about " + typed)] == [
        (["report"], 1, 7, FUZZY)
    ]


def test_a_title_needs_half_its_distinctive_words(titles):
    four = "alpha bravvo charliie delta echoo foxtrot golff hotel"  # 4 of 8 words as written
    assert titles.resolve(four) == [match(["long"], 0, 8, four, FUZZY, ratio(4, four, LONG_TITLE.lower()))]
    # 3 of 8 are too few, though the whole is as close (95); and any seven words of it are too far off (< 90).
    three = "alpha bravvo charliie delta echoo foxtrott golff hotel"
    assert titles.resolve(three) == []


def test_a_title_typed_in_full_is_exact(small):
    typed = " ".join(RACE)
    assert small.resolve(typed) == [match(["thematic-race"], 0, 10, typed, EXACT, 100.0)]
    typo = typed.replace("probation", "probaton")
    assert small.resolve(typo) == [match(["thematic-race"], 0, 10, typo, FUZZY, ratio(1, typo, typed))]


# -- the real knowledge base: probation bodies and youth services of one place -----------------------------
# knowledge/data: Leeds has "Leeds Probation Delivery Unit" (pdu-leeds) and "Leeds Youth Justice Service"
# (yjs-leeds); both names come down to the key "leeds".
@pytest.fixture
def real(kb) -> Resolver:
    return Resolver.from_aliases(kb.aliases, {o.org_id: o.org_type for o in kb.organisations.values()})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Leeds", match(["pdu-leeds"], 0, 1, "leeds", EXACT, 100.0, None, ["yjs-leeds"])),
        ("Leeds YOT", match(["yjs-leeds"], 0, 1, "leeds", EXACT, 100.0, "yjs", ["pdu-leeds"])),
        ("youth offending Leeds", match(["yjs-leeds"], 2, 3, "leeds", EXACT, 100.0, "yjs", ["pdu-leeds"])),
        ("youth justice Leeds", match(["yjs-leeds"], 2, 3, "leeds", EXACT, 100.0, "yjs", ["pdu-leeds"])),
        ("youth justice in Leeds", match(["yjs-leeds"], 3, 4, "leeds", EXACT, 100.0, None, ["pdu-leeds"])),
        ("how is youth work in Leeds", match(["yjs-leeds"], 5, 6, "leeds", EXACT, 100.0, None, ["pdu-leeds"])),
        ("young people in Leeds", match(["yjs-leeds"], 3, 4, "leeds", EXACT, 100.0, None, ["pdu-leeds"])),
        ("Leeds justice services", match(["yjs-leeds"], 0, 1, "leeds", EXACT, 100.0, None, ["pdu-leeds"])),
        ("Leeds probation", match(["pdu-leeds"], 0, 1, "leeds", EXACT, 100.0, "probation", ["yjs-leeds"])),
    ],
)
def test_a_place_with_both_kinds_of_body_means_the_one_asked_about_and_offers_the_other(real, text, expected):
    assert real.resolve(text) == [expected]


def test_a_whole_name_typed_out_offers_what_the_place_inside_it_offers(real):
    (m,) = real.resolve("Leeds Youth Justice Service")
    assert (m.org_ids, m.start, m.end, m.strength, m.score) == (["yjs-leeds"], 0, 4, EXACT, 100.0)
    assert (m.org_type, m.see_also) == (None, ["pdu-leeds"])


def test_a_name_written_twice_keeps_the_kind_word_of_either(real):
    # knowledge/data/aliases.csv: "Lincs" is Humberside, Lincolnshire & North Yorkshire CRC and two PDUs.
    (m,) = real.resolve("humbersde lincs crc")
    assert (m.org_ids, m.start, m.org_type) == (["hlny-crc"], 0, "crc")
    # and the names after it are still read.
    assert [m.org_ids for m in real.resolve("humbersde lincs crc or Sunderland")] == [["hlny-crc"], ["pdu-sunderland"]]


def test_at_most_the_asked_number_of_names_in_the_order_typed(real):
    text = "Sheffield, Doncaster, Wakefield, Sunderland, Cumbria"
    four = [["pdu-sheffield"], ["pdu-doncaster"], ["pdu-wakefield"], ["pdu-sunderland"]]
    assert [m.org_ids for m in real.resolve(text)] == four
    assert [m.org_ids for m in real.resolve(text, max_matches=2)] == four[:2]
    assert [m.org_ids for m in real.resolve("Sunderland Sheffield")] == [["pdu-sunderland"], ["pdu-sheffield"]]


def test_a_five_word_title_is_read_past_an_everyday_word_inside_it():
    r = Resolver.from_aliases([("Alpha bravo in delta echo", "report", "name")], {"report": "national"})
    # Four words are a key (without "in"), never a title typed with mistakes.
    assert r.resolve("alpha bravo delta echo") == [match(["report"], 0, 4, "alpha bravo delta echo", EXACT, 100.0)]
    typed = "alpha bravo in delta echoo"  # "in" keeps it from being one stretch; 3 of 4 distinctive words
    assert r.resolve(typed) == [
        match(
            ["report"],
            0,
            4,
            "alpha bravo in delta",
            FUZZY,
            ratio(5, "alpha bravo in delta", "alpha bravo in delta echo"),
        )
    ]


@pytest.fixture
def exeter() -> Resolver:
    """One name shared by a youth service, a PDU, a CRC and a national report."""
    types = {"yjs-exeter": "yjs", "pdu-exeter": "pdu", "exeter-crc": "crc", "thematic-exeter": "national"}
    return Resolver.from_aliases([("Exeter", org, "name") for org in types], types)


@pytest.mark.parametrize(
    "text, expected",
    [
        # A kind word decides; the bodies of the other kind are offered, but never a national report.
        ("Exeter YOT", match(["yjs-exeter"], 0, 1, "exeter", EXACT, 100.0, "yjs", ["exeter-crc", "pdu-exeter"])),
        ("Exeter PDU", match(["pdu-exeter"], 0, 1, "exeter", EXACT, 100.0, "pdu", ["yjs-exeter"])),
        ("Exeter CRC", match(["exeter-crc"], 0, 1, "exeter", EXACT, 100.0, "crc", ["yjs-exeter"])),
        # No kind word: everything but the youth service, listed by type then id, the youth service offered.
        (
            "Exeter",
            match(["exeter-crc", "thematic-exeter", "pdu-exeter"], 0, 1, "exeter", EXACT, 100.0, None, ["yjs-exeter"]),
        ),
        (
            "youth work in Exeter",
            match(["yjs-exeter"], 3, 4, "exeter", EXACT, 100.0, None, ["exeter-crc", "thematic-exeter", "pdu-exeter"]),
        ),
    ],
)
def test_a_name_shared_across_kinds(exeter, text, expected):
    assert exeter.resolve(text) == [expected]


def test_a_title_with_two_distinctive_words_needs_only_one():
    r = Resolver.from_aliases([("Alpha in the bravo work", "report", "name")], {"report": "national"})
    typed = "alpha in the bravvo work"  # "alpha" as written; "in" inside keeps it from being one stretch
    assert r.resolve(typed) == [match(["report"], 0, 5, typed, FUZZY, ratio(1, typed, "alpha in the bravo work"))]


def test_only_a_report_title_is_cut_at_a_dash():
    r = Resolver.from_aliases([("Kent Surrey and Sussex - South East", "kss-crc", "alias")], {"kss-crc": "crc"})
    assert r.full == {"kent": [(("kent", "surrey", "and", "sussex", "south", "east"), frozenset({"kss-crc"}))]}


def test_a_key_typed_as_it_is_names_its_own_bodies_before_the_run_together_form():
    r = Resolver.from_aliases([("Tees Valley", "tv-one", "name"), ("Teesvalley", "tv-two", "name")], {})
    assert [m.org_ids for m in r.resolve("tees valley")] == [["tv-one"]]
    assert [m.org_ids for m in r.resolve("teesvalley")] == [["tv-two"]]


@pytest.mark.parametrize(
    "text",
    [
        "wight of isle",  # the words of a name in another order are not that name
        "hartle pool",  # several words are read against whole names only, not against one distinctive word
    ],
)
def test_misspelt_stretches_are_compared_letter_by_letter_with_whole_keys(small, text):
    assert small.resolve(text) == []


def test_the_other_kind_is_offered_from_whichever_tier_holds_it():
    types = {"yjs-avon": "yjs", "pdu-avon-somerset": "pdu"}
    r = Resolver.from_aliases([("Avon", "yjs-avon", "name"), ("Avon and Somerset", "pdu-avon-somerset", "name")], types)
    # "avon" is the youth service's whole key and a part of the PDU's.
    assert r.resolve("Avon YOT") == [match(["yjs-avon"], 0, 1, "avon", EXACT, 100.0, "yjs", ["pdu-avon-somerset"])]


def test_only_the_first_sixty_words_are_read(real):
    assert [m.org_ids for m in real.resolve("banana " * 59 + "Sunderland")] == [["pdu-sunderland"]]
    assert real.resolve("banana " * 60 + "Sunderland") == []


def test_a_sure_part_beats_a_longer_guess(small):
    # "tees valley" is a part of the key (sure); "durhm tees valley" only a close guess, though longer. Both
    # stretches left name Durham Tees Valley, so they are one name: the first, the misspelt word.
    assert small.resolve("durhm tees valley") == [match(["dtv-crc"], 0, 1, "durhm", FUZZY, ratio(1, "durhm", "durham"))]


def test_what_a_whole_name_offers_comes_from_the_names_inside_it_only(real):
    leeds, thames = real.resolve("Leeds Youth Justice Service and Thames Valley")
    assert (leeds.org_ids, leeds.see_also) == (["yjs-leeds"], ["pdu-leeds"])
    assert (thames.org_ids, thames.see_also) == (["tv-crc"], [])
