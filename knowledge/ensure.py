"""Open the knowledge base a command asked for, building the bundled one on first use.

A fresh install has the data files but no database yet; rather than make people run a build step
first, the bundled database is built when it is missing or older than the data. An explicit path
(``--db`` or ``PROBATION_KB``) is opened as it is: we never overwrite a file somebody pointed us at.
"""

from __future__ import annotations

import sys
from pathlib import Path

from knowledge.build import BuildError
from knowledge.kb import KnowledgeBase, KnowledgeBaseError
from knowledge.local import build_with_local, is_current_with_local
from knowledge.paths import BUNDLED_DB, DATA_DIR, default_db_path, local_data_dir


def open_knowledge_base(path: str | Path | None = None, *, quiet: bool = False) -> KnowledgeBase:
    """Return a read-only ``KnowledgeBase``; raise ``KnowledgeBaseError`` with a one-line reason."""
    target = Path(path) if path else default_db_path()
    local = local_data_dir()
    if target.resolve() == BUNDLED_DB.resolve() and not is_current_with_local(target, DATA_DIR, local):
        if not quiet:
            print(f"Building the knowledge base at {target} ...", file=sys.stderr)
        try:
            build_with_local(DATA_DIR, target, local)
        except BuildError as exc:
            raise KnowledgeBaseError(
                f"the bundled data is invalid: {exc.problems[0]} ({len(exc.problems)} problem(s))"
            ) from None
        except OSError as exc:
            raise KnowledgeBaseError(f"cannot build the knowledge base at {target}: {exc.strerror or exc}") from None
    return KnowledgeBase(target)
