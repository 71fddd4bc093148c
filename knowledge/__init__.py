"""What we know: the data files, the SQLite knowledge base built from them, read-only queries over it,
and fuzzy resolution of the names people type to organisations.

Nothing here imports telegram or jinja2: the answer engine (``responses``) sits on top of this package.
"""

from knowledge.kb import KnowledgeBase, KnowledgeBaseError
from knowledge.paths import DATA_DIR, default_db_path

__all__ = ["DATA_DIR", "KnowledgeBase", "KnowledgeBaseError", "default_db_path"]
