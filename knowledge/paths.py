"""Where the data files and the built database live.

The data files ship inside the package (``knowledge/data``). The database is built from them into
``knowledge/probation.db`` beside this file, or wherever ``PROBATION_KB`` points. Rows approved on
this server live in ``LOCAL_DATA`` and are merged into every build (``knowledge.local``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
BUNDLED_DB = PACKAGE_DIR / "probation.db"


def local_data_dir() -> Path | None:
    """The local data folder merged into every build (``$LOCAL_DATA``), or None when not set."""
    env = os.environ.get("LOCAL_DATA", "").strip()
    return Path(env).expanduser() if env else None


def default_db_path() -> Path:
    """The knowledge base to use: ``$PROBATION_KB`` if set, else the bundled one."""
    env = os.environ.get("PROBATION_KB", "").strip()
    return Path(env).expanduser() if env else BUNDLED_DB
