"""The shared question set (``../shared/eval``) passes in full through ``probation-bot ask --json``.

Skipped when the shared folder is not beside the repository. The runner is called exactly as the
project's ``make eval`` does, but against the session's knowledge base, so the bundled one is untouched.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

EVAL = SHARED / "eval"
RUNNER = EVAL / "run_eval.py"
SCRIPT = Path(sys.executable).parent / "probation-bot"

pytestmark = [
    pytest.mark.skipif(not RUNNER.exists(), reason=f"no shared question set at {EVAL}"),
    pytest.mark.skipif(not SCRIPT.exists(), reason=f"{SCRIPT} is not installed"),
]


def test_shared_question_set_passes(kb_path):
    cmd = f"{shlex.quote(str(SCRIPT))} ask --json --db {shlex.quote(str(kb_path))}"
    p = subprocess.run([sys.executable, str(RUNNER), "--cmd", cmd, "-v"], capture_output=True, text=True, timeout=300)
    last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    m = re.fullmatch(r"(\d+) passed, (\d+) failed", last)
    assert m, f"unexpected runner output:\n{p.stdout}\n{p.stderr}"
    cases = json.loads((EVAL / "questions.json").read_text(encoding="utf-8"))
    assert (int(m.group(1)), int(m.group(2))) == (len(cases), 0), p.stdout
    assert p.returncode == 0
