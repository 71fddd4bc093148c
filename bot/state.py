"""The bot's own small database: which chats follow what, and what the last knowledge base update added.

The knowledge base is read-only and replaced whole by each build, so anything the bot must remember
across restarts lives here instead: one SQLite file (``STATE_DB``, by default ``state.db`` beside the
knowledge base) in WAL mode, so a reader never waits for a writer. It holds chat ids and what they
follow, never message text or names.

Its schema is versioned per *component*, so other modules can keep their own tables in the same file
without touching this one: a module calls :func:`register_migrations` once at import time with its
ordered list of migrations (SQL scripts or functions of a connection), and every :class:`StateDB`
opened afterwards brings that component up to date at start-up, in one transaction per step. The
versions reached are in the table ``schema_versions(component, version)``. Migrations are only ever
appended to, never edited, once released.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

#: One migration step: an SQL script, or a function that does the step with the connection given.
Migration = str | Callable[[sqlite3.Connection], None]

#: The component whose tables this module keeps.
CORE = "core"
ORG, REGION, TYPE, ALL = "org", "region", "type", "all"
KINDS = (ORG, REGION, TYPE, ALL)
STATE_FILE_NAME = "state.db"
#: How long a writer waits for another connection's write to finish before giving up.
BUSY_TIMEOUT_MS = 5000

_CORE_MIGRATIONS: list[Migration] = [
    # 1: what each chat follows, and the knowledge base updates the bot has put live.
    """
    create table follows (
        chat_id integer not null,
        kind text not null check (kind in ('org', 'region', 'type', 'all')),
        value text not null default '',
        since text not null,
        primary key (chat_id, kind, value)
    ) without rowid;
    create index follows_target on follows (kind, value);
    create table kb_updates (
        id integer primary key,
        at text not null,
        data_sha256 text not null,
        inspections integer not null,
        changes text
    );
    """,
]

_registry: dict[str, list[Migration]] = {CORE: _CORE_MIGRATIONS}
_registry_lock = threading.Lock()


class StateError(Exception):
    """The state database cannot be opened or migrated (one-line message naming the file)."""


def register_migrations(component: str, migrations: Sequence[Migration]) -> None:
    """Declare ``component``'s tables: ``migrations[n]`` takes it from version ``n`` to ``n + 1``.

    Call once at import time of the module that owns the tables; a second call for the same component
    must pass the same list extended (steps already released never change), so re-imports are harmless.
    """
    if component == CORE:
        raise ValueError("the core component's migrations belong to bot.state")
    with _registry_lock:
        known = _registry.get(component, [])
        if list(migrations[: len(known)]) != known:
            raise ValueError(f"migrations of {component!r} may only be appended to")
        _registry[component] = list(migrations)


def default_state_path(kb_path: str | Path) -> Path:
    """Where the state lives when ``STATE_DB`` is not set: beside the knowledge base."""
    return Path(kb_path).expanduser().resolve().parent / STATE_FILE_NAME


def state_path(setting: str | None, kb_path: str | Path) -> Path:
    """The state database to open: ``STATE_DB`` if set, else the default beside the knowledge base."""
    return Path(setting).expanduser() if setting else default_state_path(kb_path)


def utc_now() -> str:
    """The time now, as stored: ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, order=True)
class Target:
    """Something a chat can follow: one body (``org``: its org_id), a region, a type code, or everything."""

    kind: str
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown follow kind {self.kind!r}")


@dataclass(frozen=True)
class KbUpdate:
    """One knowledge base put live: when, which data, and what it changed (None: not known, e.g. at start-up)."""

    at: str
    data_sha256: str
    inspections: int
    changes: list[dict[str, str | None]] | None


class StateDB:
    """The state database, open and migrated. Safe to share between the event loop and worker threads."""

    def __init__(self, path: str | Path, migrations: Mapping[str, Sequence[Migration]] | None = None):
        """Open (creating if needed) and migrate ``path`` (``":memory:"`` for a throwaway one).

        ``migrations`` defaults to every registered component's; raises ``StateError`` on failure.
        """
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
            if self.path != ":memory:":
                self._conn.execute("pragma journal_mode = wal")
            self._conn.execute("pragma synchronous = normal")
        except (sqlite3.Error, OSError) as exc:
            raise StateError(f"cannot open the state database {self.path}: {exc}") from None
        self._lock = threading.RLock()
        with _registry_lock:
            wanted = dict(_registry if migrations is None else {CORE: _CORE_MIGRATIONS, **migrations})
        try:
            self._migrate(wanted)
        except sqlite3.Error as exc:
            self._conn.close()
            raise StateError(f"cannot migrate the state database {self.path}: {exc}") from None

    # -- the connection, for this module and the ones that register migrations ------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction (``BEGIN IMMEDIATE``), committed on success."""
        with self._lock:
            self._conn.execute("begin immediate")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("rollback")
                raise
            self._conn.execute("commit")

    def query(self, sql: str, params: Sequence[object] | Mapping[str, object] = ()) -> list[sqlite3.Row]:
        """Rows of one read-only statement."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def versions(self) -> dict[str, int]:
        """Each component's schema version."""
        return {r["component"]: r["version"] for r in self.query("select component, version from schema_versions")}

    def _migrate(self, wanted: Mapping[str, Sequence[Migration]]) -> None:
        self._conn.execute(
            "create table if not exists schema_versions (component text primary key, version integer not null)"
        )
        for component, steps in wanted.items():
            for _ in steps:
                # Re-read inside the transaction: another process may have migrated meanwhile.
                with self.transaction() as conn:
                    row = conn.execute(
                        "select version from schema_versions where component = ?", (component,)
                    ).fetchone()
                    version = row[0] if row else 0
                    if version >= len(steps):
                        break
                    step = steps[version]
                    if callable(step):
                        step(conn)
                    else:
                        for statement in _statements(step):
                            conn.execute(statement)
                    conn.execute(
                        "insert into schema_versions (component, version) values (?, ?) "
                        "on conflict (component) do update set version = excluded.version",
                        (component, version + 1),
                    )

    # -- follows ------------------------------------------------------------------------------
    def follow(self, chat_id: int, target: Target) -> bool:
        """Make ``chat_id`` follow ``target``; False if it already did."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "insert or ignore into follows (chat_id, kind, value, since) values (?, ?, ?, ?)",
                (chat_id, target.kind, target.value, utc_now()),
            )
            return cursor.rowcount > 0

    def unfollow(self, chat_id: int, target: Target) -> bool:
        """Stop ``chat_id`` following ``target``; False if it did not."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "delete from follows where chat_id = ? and kind = ? and value = ?", (chat_id, target.kind, target.value)
            )
            return cursor.rowcount > 0

    def forget_chat(self, chat_id: int) -> int:
        """Remove everything ``chat_id`` follows (it blocked the bot, or left); how many follows went."""
        with self.transaction() as conn:
            return conn.execute("delete from follows where chat_id = ?", (chat_id,)).rowcount

    def move_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup with a new id: its follows go with it."""
        with self.transaction() as conn:
            conn.execute(
                "insert or ignore into follows (chat_id, kind, value, since) "
                "select ?, kind, value, since from follows where chat_id = ?",
                (new_id, old_id),
            )
            conn.execute("delete from follows where chat_id = ?", (old_id,))

    def follows(self, chat_id: int) -> list[Target]:
        """What ``chat_id`` follows, in a stable order."""
        return [
            Target(r["kind"], r["value"])
            for r in self.query("select kind, value from follows where chat_id = ? order by kind, value", (chat_id,))
        ]

    def followers(self) -> dict[int, set[Target]]:
        """Every chat that follows anything, with what it follows."""
        out: dict[int, set[Target]] = {}
        for r in self.query("select chat_id, kind, value from follows order by chat_id"):
            out.setdefault(r["chat_id"], set()).add(Target(r["kind"], r["value"]))
        return out

    # -- knowledge base updates ----------------------------------------------------------------
    def record_update(
        self, data_sha256: str, inspections: int, changes: list[dict[str, str | None]] | None, at: str | None = None
    ) -> None:
        """Remember that a knowledge base went live (for /latest)."""
        with self.transaction() as conn:
            conn.execute(
                "insert into kb_updates (at, data_sha256, inspections, changes) values (?, ?, ?, ?)",
                (
                    at or utc_now(),
                    data_sha256,
                    inspections,
                    None if changes is None else json.dumps(changes, ensure_ascii=False),
                ),
            )

    def last_update(self) -> KbUpdate | None:
        """The most recent knowledge base put live, if any."""
        rows = self.query("select at, data_sha256, inspections, changes from kb_updates order by id desc limit 1")
        if not rows:
            return None
        r = rows[0]
        return KbUpdate(
            at=r["at"],
            data_sha256=r["data_sha256"],
            inspections=r["inspections"],
            changes=None if r["changes"] is None else json.loads(r["changes"]),
        )


def _statements(script: str) -> list[str]:
    """An SQL script's statements, split where sqlite says a statement is complete."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out
