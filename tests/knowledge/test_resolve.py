"""``knowledge.resolve``: the names people type, resolved to organisations with rapidfuzz.

Near-misses (typos, run-together words, abbreviations, partial names, place names, words around the
name) must resolve; nonsense must not. Where one name fits several organisations the match lists all
of them, so the engine can ask rather than guess.
"""

from __future__ import annotations

import random
import string

import pytest

from knowledge.resolve import EXACT, FUZZY, PARTIAL, Resolver, name_key, normalise


def defect(reason: str):
    return pytest.mark.xfail(reason=reason, strict=True)


@pytest.fixture(scope="module")
def resolver(kb) -> Resolver:
    org_types = {o.org_id: o.org_type for o in kb.organisations.values()}
    return Resolver.from_aliases(kb.aliases, org_types)


def resolved(resolver: Resolver, text: str) -> list[list[str]]:
    """The organisations of each name found in ``text``, in order (several = ambiguous)."""
    return [m.org_ids for m in resolver.resolve(text)]


def only(resolver: Resolver, text: str) -> str:
    """The one organisation ``text`` names; fails when it names none, several, or is ambiguous."""
    found = resolved(resolver, text)
    assert len(found) == 1 and len(found[0]) == 1, f"{text!r} resolved to {found}"
    return found[0][0]


# -- normalising ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, norm",
    [
        ("  How did   West-Mercia CRC do?! ", "how did west mercia crc do"),
        ("Kent, Surrey & Sussex", "kent surrey and sussex"),
        ("Bédford’s", "bedfords"),
        ("Community Rehabilitation Company", "crc"),
        ("National Probation Service", "nps"),
        ("Probation Delivery Units", "pdus"),
        ("", ""),
        ("😀 <b>", "b"),
    ],
)
def test_normalise(text, norm):
    assert normalise(text) == norm


@pytest.mark.parametrize(
    "name, key",
    [
        ("Durham Tees Valley Community Rehabilitation Company", "durham tees valley"),
        ("Probation Service – Wales region", "wales"),
        ("South West South Central Division, National Probation Service", "south west south central"),
        ("Portsmouth and the Isle of Wight PDU", "portsmouth and the isle of wight"),
        ("Sheffield Probation Delivery Unit", "sheffield"),
    ],
)
def test_name_key_keeps_only_the_identifying_words(name, key):
    assert name_key(name) == key


# -- near-misses resolve ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed, org_id",
    [
        ("Humbersde", "hlny-crc"),
        ("Cumbira", "pdu-cumbria"),
        ("Shefield", "pdu-sheffield"),
        ("Doncater", "pdu-doncaster"),
        ("Sunderlnd", "pdu-sunderland"),
        ("Mersyside", "merseyside-crc"),
        ("Northumbira CRC", "northumbria-crc"),
        ("Wakefeild", "pdu-wakefield"),
        ("Glocestershire", "bgsw-crc"),
        ("Kirklee", "pdu-kirklees"),
    ],
)
def test_typos_resolve(resolver, typed, org_id):
    assert only(resolver, typed) == org_id
    assert resolver.resolve(typed)[0].strength in (FUZZY, EXACT, PARTIAL)


@pytest.mark.parametrize(
    "typed, org_id",
    [
        ("westmercia crc", "wwm-crc"),
        ("westmercia nps", "nps-westmercia"),
        ("thamesvalley", "tv-crc"),
        ("northyorkshire", "pdu-north-yorkshire"),
        ("essexnorth", "pdu-essex-north"),
    ],
)
def test_run_together_words_resolve(resolver, typed, org_id):
    assert only(resolver, typed) == org_id


@pytest.mark.parametrize(
    "abbreviation, org_id",
    [
        ("DTV", "dtv-crc"),
        ("HLNY", "hlny-crc"),
        ("BGSW", "bgsw-crc"),
        ("DDC", "ddc-crc"),
        ("DLNR", "dlnr-crc"),
        ("BeNCH", "bench-crc"),
        ("SWM", "swm-crc"),
        ("CGM", "cgm-crc"),
        ("HIOW", "hiow-crc"),
        ("WWM", "wwm-crc"),
        ("LLR", "pdu-leicester-leicestershire-and-rutland"),
        ("KSS CRC", "kss-crc"),
        ("dtv", "dtv-crc"),
        ("hiow crc", "hiow-crc"),
    ],
)
def test_abbreviations_resolve(resolver, abbreviation, org_id):
    assert only(resolver, abbreviation) == org_id


def test_kss_alone_names_the_crc_and_the_region(resolver):
    """KSS is the CRC's abbreviation and the region's alias in the data: both are offered."""
    (orgs,) = resolved(resolver, "KSS")
    assert {"kss-crc", "region-kent-surrey-sussex"} <= set(orgs)


@pytest.mark.parametrize(
    "place, org_id",
    [
        ("Hartlepool", "pdu-stockton-and-hartlepool"),
        ("Stockton", "pdu-stockton-and-hartlepool"),
        ("Middlesbrough", "pdu-redcar-cleveland-and-middlesbrough"),
        ("Portsmouth", "pdu-portsmouth-isle-of-wight"),
        ("Huddersfield", "pdu-kirklees"),
        ("Swansea", "pdu-swansea-neath-port-talbot"),
        ("Cardiff", "pdu-cardiff-and-the-vale"),
        ("Plymouth", "ddc-crc"),
        ("Tyne and Wear", "northumbria-crc"),
        ("Leicester", "pdu-leicester-leicestershire-and-rutland"),
    ],
)
def test_place_names_resolve(resolver, place, org_id):
    assert only(resolver, place) == org_id


@pytest.mark.parametrize(
    "place, org_ids",
    [
        ("Teesside", {"dtv-crc", "pdu-stockton-and-hartlepool", "pdu-redcar-cleveland-and-middlesbrough"}),
        ("Lincs", {"hlny-crc", "pdu-east-and-west-lincolnshire", "pdu-north-and-north-east-lincolnshire"}),
        ("Staffs", {"swm-crc", "pdu-staffordshire-stoke"}),
        ("IoW", {"hiow-crc", "pdu-portsmouth-isle-of-wight"}),
        ("Isle of Wight", {"hiow-crc", "pdu-portsmouth-isle-of-wight"}),
    ],
)
def test_place_names_shared_by_several_organisations_list_them_all(resolver, place, org_ids):
    assert [set(o) for o in resolved(resolver, place)] == [org_ids]


@pytest.mark.parametrize(
    "typed, org_id",
    [
        ("Lincs CRC", "hlny-crc"),
        ("Staffs PDU", "pdu-staffordshire-stoke"),
        ("IoW CRC", "hiow-crc"),
        ("Teesside CRC", "dtv-crc"),
        ("Durham PDU", "pdu-county-durham-and-darlington"),
        ("Wales NPS", "nps-wales"),
        ("NPS Wales", "nps-wales"),
        ("Wales region", "region-wales"),
    ],
)
def test_a_kind_word_picks_one_of_several(resolver, typed, org_id):
    assert only(resolver, typed) == org_id


@pytest.mark.parametrize(
    "partial, org_id",
    [
        ("Norfolk and Suffolk", "norfolk-suffolk-crc"),
        ("Cwm Taf", "pdu-cwm-taf-morgannwg"),
        ("Blackburn", "pdu-blackburn-with-darwen"),
        ("Knowsley", "pdu-knowsley-st-helens"),
        ("Barking and Dagenham", "pdu-barking-dagenham-havering"),
        ("Birmingham North", "pdu-birmingham-north-east-solihull"),
    ],
)
def test_partial_names_resolve(resolver, partial, org_id):
    assert only(resolver, partial) == org_id


@pytest.mark.parametrize(
    "question, org_id",
    [
        ("how did Sheffield do?", "pdu-sheffield"),
        ("what rating did the Thames Valley CRC get last time?", "tv-crc"),
        ("tell me about Hartlepool please", "pdu-stockton-and-hartlepool"),
        ("is humbersde lincs crc any good", "hlny-crc"),
        ("Has Gwent PDU improved since 2022?", "pdu-gwent"),
        ("what did inspectors say about risk in Cumbira", "pdu-cumbria"),
    ],
)
def test_names_are_found_among_other_words(resolver, question, org_id):
    assert only(resolver, question) == org_id


@pytest.mark.parametrize(
    "text, expected",
    [
        ("compare Doncaster and Sheffield", [["pdu-doncaster"], ["pdu-sheffield"]]),
        ("Essex South vs Essex North", [["pdu-essex-south"], ["pdu-essex-north"]]),
        ("West Kent vs East Kent", [["pdu-west-kent"], ["pdu-east-kent"]]),
        ("Manchester North or Liverpool North", [["pdu-manchester-north"], ["pdu-liverpool-north"]]),
        pytest.param("Essex North vs Essex South", [["pdu-essex-north"], ["pdu-essex-south"]]),
    ],
)
def test_two_names_in_one_question_come_in_order(resolver, text, expected):
    assert resolved(resolver, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("South Wales"),
        "North Mercia",
        "East Sheffield",
    ],
)
def test_a_near_miss_never_names_a_different_place(kb, resolver, text):
    """Whatever a made-up place resolves to must at least share a word with it."""
    words = set(normalise(text).split())
    for orgs in resolved(resolver, text):
        for org_id in orgs:
            assert words & set(normalise(kb.organisation(org_id).name).split()) - {"north", "south", "east", "west"}, (
                f"{text!r} resolved to {org_id}"
            )


def test_a_name_written_twice_is_one_name(resolver):
    assert resolved(resolver, "humbersde lincs crc") == [["hlny-crc"]]


HARD_NAMES = ["national-hmpps", "nps-westmercia"]


def test_every_organisation_is_found_by_its_own_name(kb, resolver):
    """Each organisation's full name resolves to it (alone, or among several with the same name)."""
    missing = []
    for org in kb.organisations.values():
        if org.org_id in HARD_NAMES:
            continue
        found = resolved(resolver, org.name)
        if not found or org.org_id not in found[0]:
            missing.append((org.name, found))
    assert not missing, missing


@pytest.mark.parametrize("org_id", HARD_NAMES)
def test_hard_full_names_resolve_alone(kb, resolver, org_id):
    assert only(resolver, kb.organisation(org_id).name) == org_id


# -- ambiguity ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, org_ids",
    [
        ("Wales", {"wales-crc", "nps-wales", "region-wales"}),
        ("Durham", {"dtv-crc", "pdu-county-durham-and-darlington"}),
        ("Kent", {"kss-crc", "pdu-east-kent", "pdu-west-kent", "region-kent-surrey-sussex", "dipp-kent-surrey-sussex"}),
        ("Essex", {"essex-crc", "pdu-essex-north", "pdu-essex-south"}),
        ("West Mercia", {"wwm-crc", "nps-westmercia"}),
        ("Liverpool", {"merseyside-crc", "pdu-liverpool-north"}),
    ],
)
def test_ambiguous_names_list_every_candidate(resolver, name, org_ids):
    matches = resolver.resolve(name)
    assert len(matches) == 1 and matches[0].ambiguous
    assert set(matches[0].org_ids) == org_ids


# -- nonsense does not -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "asdfghjkl",
        "the cat sat on the mat",
        "banana",
        "qwertyuiop",
        "zzzzzz",
        "lorem ipsum dolor sit amet",
        "how are you today",
        "what is the weather like",
        "pizza",
        "xyzzy plugh",
        "12345",
        "good",
        "inadequate",
        "league",
        "staff",
        "bench",
        "see",
        "probation",
        "the",
        "",
        "   ",
        "!!!",
        "😀😀",
        "<script>alert(1)</script>",
    ],
)
def test_nonsense_and_everyday_words_resolve_to_nothing(resolver, text):
    assert resolver.resolve(text) == []


EVERYDAY = "fuzzily read as a place name: an everyday word must not name an organisation"


@pytest.mark.parametrize(
    "word",
    [
        "walking",
        "networking",
        "sorry",
        "having",
        "lead",
        "needs",
        "better",
        "under",
        "central",
        "country",
        pytest.param("working"),
        pytest.param("dealing"),
        pytest.param("healing"),
        pytest.param("stealing"),
        pytest.param("bright"),
        pytest.param("stroke"),
        pytest.param("southern"),
    ],
)
def test_everyday_words_near_a_place_name_resolve_to_nothing(resolver, word):
    assert resolver.resolve(word) == []


def test_random_letters_resolve_to_nothing(kb, resolver):
    """Hundreds of random strings, none of them a name or alias we hold, must match no organisation."""
    rng = random.Random(20240601)
    keys = {name_key(alias) for alias, _, _ in kb.aliases} | {
        name_key(alias).replace(" ", "") for alias, _, _ in kb.aliases
    }
    hits = []
    for _ in range(600):
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 14)))
        if word in keys:
            continue
        found = resolved(resolver, word)
        if found:
            hits.append((word, found))
    assert not hits, hits


def test_long_input_is_bounded(resolver):
    """Only the first words are read, so a pasted essay costs no more than a question."""
    assert resolved(resolver, "banana " * 5000 + "Sheffield") == []
    assert resolved(resolver, "Sheffield " + "banana " * 5000) == [["pdu-sheffield"]]
