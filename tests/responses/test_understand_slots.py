"""``responses.understand.Understander``: every slot a question fills, and how names and slots settle each other.

Each question here is checked against what it says in words ("which PDUs declined?" asks about PDUs whose
rating went down) and against organisation ids and region names read in ``knowledge/data/inspections.csv``,
never against another answer of the parser.
"""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.resolve import Resolver
from knowledge.vocabulary import Company, Vocabulary
from responses.query import Change, TimeSpan
from responses.understand import MAX_QUESTION, Understander

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def understander(engine):
    return engine.understander


@pytest.fixture(scope="module")
def understand(understander):
    def parse(question: str):
        return understander.understand(question, today=TODAY)

    return parse


# -- building an understander --------------------------------------------------------------------------------
#: Regions in inspections.csv that name the old NPS divisions' areas, not a region people filter by.
OLD_AREAS = ("Midlands", "South West South Central", "South East and Eastern")


def test_the_old_division_areas_are_not_regions_to_filter_by(engine, kb):
    understander = Understander(engine.resolver, kb.regions, {}, engine.vocabulary)
    assert set(OLD_AREAS) <= set(kb.regions)
    assert understander.regions == [r for r in kb.regions if r not in OLD_AREAS]
    for area in ("midlands", "south west south central", "south east and eastern"):
        assert understander.region_of(area) is None, area
    assert understander.region_of("london") == "London"
    assert understander.region_of("welsh") == "Wales"
    assert understander.region_of("sheffield") is None


def test_button_keys_are_looked_up_in_the_map_given(engine, kb):
    understander = Understander(engine.resolver, kb.regions, {"0a1b2c3d": "pdu-leeds"}, engine.vocabulary)
    q = understander.understand("/inspection #0a1b2c3d")
    assert (q.intent, q.org_ids) == ("summary", ["pdu-leeds"])


def test_company_names_come_from_the_vocabulary_given(engine, kb):
    question = "did Working Links run DDC CRC?"
    with_companies = Understander(engine.resolver, kb.regions, {}, engine.vocabulary)
    assert with_companies.understand(question).owner == "Working Links"
    without = Understander(engine.resolver, kb.regions, {})
    q = without.understand(question)
    assert q.owner is None
    assert q.org_ids == ["ddc-crc"]


def test_the_words_of_a_company_named_are_not_searched_for_places(engine, kb):
    """A company whose name holds a place's ("Leeds Partnership") is the company, not the Leeds PDU."""
    company = Company("Leeds Partnership", (("Leeds Partnership", "owner"),))
    understander = Understander(engine.resolver, kb.regions, {}, Vocabulary(companies={"leeds partnership": company}))
    q = understander.understand("which CRCs did Leeds Partnership run?")
    assert (q.owner, q.org_ids, q.ambiguous) == ("Leeds Partnership", [], None)
    q = understander.understand("did Leeds Partnership run Merseyside CRC?")
    assert (q.intent, q.owner, q.org_ids) == ("owner", "Leeds Partnership", ["merseyside-crc"])
    assert understander.understand("how did Leeds do?").org_ids == ["pdu-leeds"]


def test_a_greeting_is_never_read_as_a_name():
    """Even where a name is spelt like a greeting, "cheers" on its own is thanks, not that place."""
    resolver = Resolver.from_aliases([("Cheers", "pdu-cheers", "name")], {"pdu-cheers": "pdu"})
    understander = Understander(resolver, [], {})
    assert [m.org_ids for m in resolver.resolve("cheers")] == [["pdu-cheers"]]
    q = understander.understand("cheers")
    assert (q.intent, q.org_ids, q.ambiguous) == ("greeting", [], None)
    assert understander.understand("how did cheers do?").org_ids == ["pdu-cheers"]


# -- the text ---------------------------------------------------------------------------------------------------
def test_a_question_of_exactly_the_longest_length_is_read_whole(understand):
    question = "how did Sheffield do? " + "x" * (MAX_QUESTION - len("how did Sheffield do? "))
    assert len(question) == MAX_QUESTION
    assert not understand(question).truncated
    assert understand(question + "y").truncated


@pytest.mark.parametrize(
    "question, command",
    [("/league crc", "league"), ("/Compare Leeds vs Sheffield", "compare"), ("league crc", None)],
)
def test_the_command_typed_is_kept(understand, question, command):
    assert understand(question).command == command


@pytest.mark.parametrize(
    "question, org_id",
    [
        ("how did N Yorks do?", "pdu-north-yorkshire"),
        ("how did N. Yorks do?", "pdu-north-yorkshire"),
        ("how did W Yorks do", "west-yorkshire-crc"),
        ("how did Northants do?", "pdu-northamptonshire"),
        ("how did NORTHANTS do?", "pdu-northamptonshire"),
    ],
)
def test_short_forms_of_counties_name_the_county(understand, question, org_id):
    assert understand(question).org_ids == [org_id]


# -- names -------------------------------------------------------------------------------------------------------
def test_a_company_named_is_not_read_as_a_place(understand):
    # "Working" is close to Woking (pdu-surrey), but "Working Links" is the company that ran DDC CRC.
    q = understand("did Working Links run DDC CRC?")
    assert (q.intent, q.org_ids, q.owner) == ("owner", ["ddc-crc"], "Working Links")
    q = understand("which CRCs did Working Links run?")
    assert (q.intent, q.org_ids, q.owner, q.org_type) == ("owned_by", [], "Working Links", "crc")


def test_a_body_named_twice_is_named_once(understand, kb):
    key = kb.organisation("pdu-sheffield").short_key
    assert understand(f"/inspection #{key} Sheffield").org_ids == ["pdu-sheffield"]
    assert understand("Sheffield or Sheffield?").org_ids == ["pdu-sheffield"]


def test_only_the_first_ambiguous_name_is_asked_about(understand):
    # Durham: DTV CRC or the County Durham PDU; Bristol: BGSW CRC or the Bristol PDU.
    q = understand("compare Durham and Bristol")
    assert q.org_ids == []
    assert q.ambiguous is not None and set(q.ambiguous.org_ids) == {"dtv-crc", "pdu-county-durham-and-darlington"}


@pytest.mark.parametrize(
    "question, org_ids, see_also",
    [
        ("how did Leeds do", ["pdu-leeds"], ["yjs-leeds"]),
        ("how did the youth service in Leeds do", ["yjs-leeds"], ["pdu-leeds"]),
        ("compare Leeds and Sheffield", ["pdu-leeds", "pdu-sheffield"], ["yjs-leeds", "yjs-sheffield"]),
        ("how did NPS Wales do", ["nps-wales"], []),
    ],
)
def test_the_other_kind_of_body_of_the_same_place_is_offered(understand, question, org_ids, see_also):
    q = understand(question)
    assert (q.org_ids, q.see_also) == (org_ids, see_also)


# -- a region beside a body ---------------------------------------------------------------------------------
def test_a_region_after_a_body_says_where_it_is(understand):
    q = understand("how did Leeds do in Yorkshire and the Humber")
    assert (q.intent, q.org_ids, q.region) == ("summary", ["pdu-leeds"], None)
    q = understand("how did Brighton do in Kent Surrey and Sussex")
    assert (q.intent, q.org_ids) == ("summary", ["pdu-brighton-and-east-sussex"])


@pytest.mark.parametrize("question", ["how did Sheffield do in Yorkshire", "how did Sheffield do in yorkshire?"])
def test_a_short_region_name_that_fits_several_bodies_is_a_place_beside_a_body(understand, question):
    """ "Yorkshire" alone could be South or West Yorkshire CRC, North Yorkshire PDU or the region; after
    "Sheffield" it only says where Sheffield is."""
    q = understand(question)
    assert (q.intent, q.org_ids, q.ambiguous) == ("summary", ["pdu-sheffield"], None)


def test_a_short_region_name_compared_with_a_body_is_still_asked_about(understand):
    q = understand("compare Sheffield and Yorkshire")
    assert q.org_ids == ["pdu-sheffield"] and q.ambiguous is not None
    assert {"region-yorkshire-and-the-humber", "pdu-north-yorkshire"} <= set(q.ambiguous.org_ids)


def test_a_region_after_an_ambiguous_name_says_where_it_is(understand):
    q = understand("how did Durham do in Yorkshire and the Humber")
    assert (q.intent, q.org_ids) == ("summary", [])
    assert set(q.ambiguous.org_ids) == {"dtv-crc", "pdu-county-durham-and-darlington"}


def test_a_region_compared_with_a_body_is_the_regions_inspection(understand):
    q = understand("compare Leeds with Yorkshire and the Humber")
    assert (q.intent, q.org_ids) == ("compare", ["pdu-leeds", "region-yorkshire-and-the-humber"])


@pytest.mark.parametrize(
    "question, org_id",
    [
        ("how did NPS Wales do", "nps-wales"),
        ("/inspection NPS Wales", "nps-wales"),
        ("/history NPS Wales", "nps-wales"),
    ],
)
def test_a_region_word_inside_a_name_is_not_a_filter(understand, question, org_id):
    q = understand(question)
    assert q.org_ids == [org_id]
    assert q.region is None


def test_a_region_word_that_is_not_part_of_the_name_stays_a_filter(understand):
    q = understand("how did Cardiff do among Welsh PDUs")
    assert (q.org_ids, q.region, q.org_type) == (["pdu-cardiff-and-the-vale"], "Wales", "pdu")


# -- words inside names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question, intent, topics",
    [
        # "Race equality in probation" is a thematic report's title: its "race" is not the topic of race.
        ("Race equality in probation", "summary", ()),
        ("/inspection Race equality in probation", "summary", ()),
        ("what did Race equality in probation say about staffing", "findings", ("staffing",)),
    ],
)
def test_words_of_a_title_are_not_topics(understand, question, intent, topics):
    q = understand(question)
    assert (q.intent, q.org_ids, q.topics) == (intent, ["thematic-race-equality"], topics)


@pytest.mark.parametrize(
    "question, org_id",
    [
        ("how did Greater Manchester DIPP go", "dipp-greater-manchester"),
        ("what did the South West DIPP find", "dipp-south-west"),
        ("/inspection South West DIPP", "dipp-south-west"),
    ],
)
def test_the_kind_of_inspection_in_a_name_is_not_a_filter(understand, question, org_id):
    q = understand(question)
    assert (q.intent, q.org_ids) == ("summary", [org_id])
    assert q.collection is None


# -- slash commands -------------------------------------------------------------------------------------------
def test_a_name_in_a_league_command_is_shown_in_place_not_asked_about(understand):
    q = understand("/league Sheffield")
    assert (q.intent, q.org_ids, q.ambiguous) == ("league", ["pdu-sheffield"], None)
    q = understand("/league crc Merseyside")
    assert (q.intent, q.org_type, q.org_ids) == ("league", "crc", ["merseyside-crc"])
    q = understand("/league Durham")  # an ambiguous name is not asked about: the table is shown
    assert (q.intent, q.org_ids, q.ambiguous) == ("league", [], None)


@pytest.mark.parametrize(
    "question, intent, org_ids",
    [
        ("/find staffing at Sheffield", "findings", ["pdu-sheffield"]),
        ("/frobnicate Sheffield", "unknown_command", ["pdu-sheffield"]),
        ("/owners Sheffield", "owners", []),
        ("/latest Sheffield", "latest", []),
    ],
)
def test_which_commands_keep_the_names_typed(understand, question, intent, org_ids):
    q = understand(question)
    assert (q.intent, q.org_ids, q.ambiguous) == (intent, org_ids, None)


@pytest.mark.parametrize(
    "question, change, direction",
    [
        ("/changed pdu", None, "up"),  # no size or direction given: improvements
        ("/changed pdu declined", None, "down"),
        ("/changed pdu from good to inadequate", Change("Good", "Inadequate"), None),
        ("/league pdu", None, None),
    ],
)
def test_changed_command_direction(understand, question, change, direction):
    q = understand(question)
    assert (q.org_type, q.change, q.direction) == ("pdu", change, direction)


# -- slots ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question, org_type, programme",
    [
        ("youth services inspected in 2018-19", "yjs", None),  # a year, not the CRCs' first round
        ("youth services in the first youth programme", "yjs", "youth 2018-24"),
        ("CRCs in round one", "crc", "2018-19 first round"),
    ],
)
def test_programme(understand, question, org_type, programme):
    q = understand(question)
    assert (q.org_type, q.programme) == (org_type, programme)


def test_a_stretch_of_time_is_a_span_not_a_year(understand):
    q = understand("PDUs rated inadequate since 2023")
    assert q.span == TimeSpan(date(2023, 1, 1), TODAY)
    assert q.year is None
    q = understand("PDUs rated inadequate in 2023")
    assert (q.span, q.year) == (None, 2023)


@pytest.mark.parametrize(
    "question, rating, change, direction",
    [
        ("which PDUs went from good to inadequate", None, Change("Good", "Inadequate"), None),
        ("which PDUs improved", None, None, "up"),
        ("which PDUs got better", None, None, "up"),
        ("which PDUs went up", None, None, "up"),
        ("which PDUs declined", None, None, "down"),
        ("which PDUs got worse", None, None, "down"),
        ("which good PDUs declined", "Good", None, "down"),
        ("which PDUs were good", "Good", None, None),
    ],
)
def test_change_and_direction(understand, question, rating, change, direction):
    q = understand(question)
    assert q.intent in {"changed", "list"}
    assert (q.rating, q.change, q.direction) == (rating, change, direction)


def test_a_standard_named_with_a_rating(understand):
    q = understand("which CRCs were rated outstanding for through the gate")
    assert (q.intent, q.org_type, q.rating, q.standard) == ("standard_list", "crc", "Outstanding", "Through the Gate")
    assert q.topics == ()  # "through the gate" names the standard, not the topic


def test_through_the_gate_without_a_rating_is_a_topic(understand):
    q = understand("what did inspectors say about through the gate")
    assert q.standard is None
    assert q.topics == ("through-the-gate",)


def test_a_measure_of_a_named_body(understand):
    q = understand("how many cases did inspectors read at Sheffield")
    assert (q.intent, q.org_ids, q.measure) == ("measure", ["pdu-sheffield"], "cases inspected")


def test_thesaurus_words_name_concepts(understand):
    # thesaurus.csv: "short staffed" is a term of the concept staffing.
    assert understand("were PDUs short-staffed").concepts == ("staffing",)
    assert understand("how did Sheffield do").concepts == ()


@pytest.mark.parametrize(
    "question, share",
    [
        ("what % of PDUs were good", True),
        ("what per cent of PDUs were good", True),
        ("what Per Cent of PDUs were good", True),
        ("the share of PDUs rated good", True),
        ("how many in Wales were good", True),
        ("how many PDUs were good", False),
    ],
)
def test_asks_share(understand, question, share):
    assert understand(question).asks_share is share


@pytest.mark.parametrize(
    "question, collection, topics",
    [
        ("the covid reviews", "covid", ()),  # "reviews" names the kind of report, not the reviewing standard
        ("covid reviews of staffing", "covid", ("staffing",)),
        ("what did inspectors say about reviewing", None, ("reviewing",)),
        ("which inspections during covid stopped", "covid", ()),
        ("how many DIPP inspections were there", "dipp", ()),
    ],
)
def test_collection_and_topics(understand, question, collection, topics):
    q = understand(question)
    assert (q.collection, q.topics) == (collection, topics)


@pytest.mark.parametrize(
    "question, collection",
    [
        # covid is a thesaurus concept (thesaurus.csv): a figure about it is not about the covid reviews.
        ("when did inspections stop for covid", None),
        ("what percentage of covid reviews were about staffing", None),
        # DIPP is no concept: a figure about DIPP inspections stays about them.
        ("what share of DIPP inspections found problems", "dipp"),
    ],
)
def test_a_figure_about_a_concept_is_not_about_a_kind_of_inspection(understand, question, collection):
    q = understand(question)
    assert (q.intent, q.collection) == ("search", collection)


@pytest.mark.parametrize(
    "question, collection, org_type",
    [
        ("youth thematic reports", "youth thematic", None),  # the reports are about youth work
        ("youth services in Wales", None, "yjs"),
        ("list the youth offending teams", None, "yjs"),
        ("thematic reports about youthful offenders in CRCs", "youth thematic", "crc"),
    ],
)
def test_youth_thematic_reports_are_not_youth_services(understand, question, collection, org_type):
    q = understand(question)
    assert (q.collection, q.org_type) == (collection, org_type)


def test_out_of_scope(understand):
    q = understand("how did HMP Belmarsh do")
    assert (q.intent, q.out_of_scope) == ("out_of_scope", "prisons")
    assert understand("how did Sheffield do").out_of_scope is None


@pytest.mark.parametrize(
    "question, latest",
    [
        ("latest PDU inspections", True),
        ("newest CRC reports", True),
        ("which PDU was inspected last", True),
        ("which CRC was rated last", True),
        ("the last CRC inspected", True),
        ("inspections in the new youth programme", False),  # "new" is part of the programme's name
        ("league of CRCs", False),
    ],
)
def test_latest(understand, question, latest):
    assert understand(question).latest is latest


def test_the_new_youth_programme_is_a_programme(understand):
    q = understand("inspections in the new youth programme")
    assert (q.programme, q.latest) == ("youth 2025-", False)


@pytest.mark.parametrize(
    "question, worst_first",
    [("worst PDUs", True), ("bottom CRCs", True), ("best and worst PDUs", False), ("best PDUs", False)],
)
def test_worst_first(understand, question, worst_first):
    q = understand(question)
    assert (q.intent, q.worst_first) == ("league", worst_first)


@pytest.mark.parametrize(
    "question, intent, inspected",
    [
        ("which PDUs have been inspected", "list", True),
        ("which CRCs had an inspection", "list", True),
        ("rank the PDUs that have been inspected", "league", True),
        ("league of the CRCs inspected", "league", True),
        ("how many PDUs have been inspected", "count", False),
        ("which PDUs were good", "list", False),
        ("has Sheffield been inspected", "summary", False),
    ],
)
def test_inspected(understand, question, intent, inspected):
    q = understand(question)
    assert (q.intent, q.inspected) == (intent, inspected)


# -- follow-ups ---------------------------------------------------------------------------------------------------
def test_with_orgs_reads_the_question_again_as_if_they_were_named(understander):
    q = understander.understand("who owns it?", today=TODAY)
    named = understander.with_orgs(q, ["merseyside-crc"])
    assert (named.intent, named.org_ids, named.ambiguous) == ("owner", ["merseyside-crc"], None)
    assert q.org_ids == []  # the question itself is left as it was


def test_with_orgs_drops_an_ambiguous_name(understander):
    q = understander.understand("how did Durham do", today=TODAY)
    assert q.ambiguous is not None
    named = understander.with_orgs(q, ["dtv-crc"])
    assert (named.intent, named.org_ids, named.ambiguous) == ("summary", ["dtv-crc"], None)


def test_with_orgs_keeps_the_place_named(understander):
    q = understander.understand("how did it do among Welsh services?", today=TODAY)
    named = understander.with_orgs(q, ["pdu-cardiff-and-the-vale"])
    assert (named.intent, named.org_ids, named.region) == ("summary", ["pdu-cardiff-and-the-vale"], "Wales")


def test_with_orgs_on_a_question_about_a_set_in_a_region_keeps_the_set(understander):
    """ "how many were inadequate in Wales" asks about the bodies in Wales, whoever was named before."""
    q = understander.understand("how many were inadequate in Wales", today=TODAY)
    named = understander.with_orgs(q, ["pdu-cardiff-and-the-vale"])
    assert (named.intent, named.org_ids, named.region, named.rating) == ("count", [], "Wales", "Inadequate")
