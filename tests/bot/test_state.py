"""bot.state: the state database's migrations, follows and update records, on real SQLite files."""

from __future__ import annotations

import sqlite3

import pytest

from bot.state import ALL, CORE, ORG, REGION, TYPE, Migration, StateDB, StateError, Target, default_state_path


@pytest.fixture
def path(tmp_path):
    return tmp_path / "state.db"


def test_a_new_file_is_migrated_in_wal_mode_and_records_its_version(path):
    db = StateDB(path)
    assert db.versions()[CORE] == 1
    db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert {"follows", "kb_updates", "schema_versions"} <= tables


def test_follows_persist_across_opens(path):
    db = StateDB(path)
    assert db.follow(1001, Target(ORG, "pdu-sheffield")) is True
    assert db.follow(1001, Target(ORG, "pdu-sheffield")) is False  # already followed
    db.follow(-100, Target(REGION, "Wales"))
    db.close()
    again = StateDB(path)
    assert again.follows(1001) == [Target(ORG, "pdu-sheffield")]
    assert again.followers() == {1001: {Target(ORG, "pdu-sheffield")}, -100: {Target(REGION, "Wales")}}
    assert again.versions()[CORE] == 1  # opening again migrates nothing


def test_unfollow_forget_and_move(path):
    db = StateDB(path)
    for target in (Target(ORG, "a"), Target(TYPE, "pdu"), Target(ALL)):
        db.follow(5, target)
    assert db.unfollow(5, Target(TYPE, "pdu")) is True
    assert db.unfollow(5, Target(TYPE, "pdu")) is False
    db.move_chat(5, 6)
    assert db.follows(5) == [] and db.follows(6) == [Target(ALL), Target(ORG, "a")]
    assert db.forget_chat(6) == 2
    assert db.followers() == {}


def test_another_module_adds_its_own_tables_and_later_steps(path):
    first: list[Migration] = ["create table feed_items (id integer primary key, url text not null)"]
    StateDB(path, migrations={"feed": first}).close()

    def add_seen(conn: sqlite3.Connection) -> None:
        conn.execute("alter table feed_items add seen int")

    db = StateDB(path, migrations={"feed": [*first, add_seen]})
    assert db.versions() == {CORE: 1, "feed": 2}
    with db.transaction() as conn:
        conn.execute("insert into feed_items (url, seen) values ('u', 1)")
    assert [tuple(r) for r in db.query("select url, seen from feed_items")] == [("u", 1)]


def test_a_failing_migration_leaves_the_previous_version(path):
    with pytest.raises(StateError, match="cannot migrate"):
        StateDB(path, migrations={"bad": ["create table ok_one (x)", "this is not sql"]})
    assert StateDB(path).versions()["bad"] == 1


def test_registered_migrations_may_only_grow(monkeypatch):
    from bot import state
    from bot.state import register_migrations

    monkeypatch.setattr(state, "_registry", dict(state._registry))  # leave the real registry as it was
    register_migrations("test-only", ["create table t1 (x)"])
    register_migrations("test-only", ["create table t1 (x)", "create table t2 (x)"])
    with pytest.raises(ValueError):
        register_migrations("test-only", ["create table other (x)"])


def test_an_unusable_file_is_a_one_line_error(tmp_path):
    bad = tmp_path / "state.db"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StateError, match=r"state\.db"):
        StateDB(bad)


def test_updates_are_recorded_for_latest(path):
    db = StateDB(path)
    assert db.last_update() is None
    db.record_update("abc", 300, None, at="2026-01-01T00:00:00+00:00")
    db.record_update("def", 301, [{"kind": "new", "org_id": "x"}])
    last = db.last_update()
    assert last is not None
    assert (last.data_sha256, last.inspections, last.changes) == ("def", 301, [{"kind": "new", "org_id": "x"}])


def test_default_path_is_beside_the_knowledge_base(tmp_path):
    assert default_state_path(tmp_path / "kb" / "probation.db") == (tmp_path / "kb" / "state.db").resolve()


def test_the_latest_note_says_when_and_what():
    from bot.reload import update_note
    from bot.state import KbUpdate

    at = "2027-01-14T09:05:00+00:00"
    assert update_note(None) == ""
    assert (
        update_note(KbUpdate(at, "s", 1, None)) == "The knowledge base in use was built 14 January 2027 at 09:05 UTC."
    )
    assert "no inspection was added or changed" in update_note(KbUpdate(at, "s", 1, []))
    change = {
        "kind": "new",
        "inspection_id": "x-2027",
        "org_id": "x",
        "org_name": "Xtown Probation Delivery Unit",
        "org_type": "pdu",
        "region": None,
        "before": None,
        "after": "Good",
    }
    rerated = {**change, "kind": "rating", "org_name": "Y CRC", "before": "Good", "after": "Inadequate"}
    assert update_note(KbUpdate(at, "s", 2, [change, rerated])) == (
        "The knowledge base was last updated 14 January 2027 at 09:05 UTC: new inspection of Xtown PDU; "
        "changed rating for Y CRC."
    )
