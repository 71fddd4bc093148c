"""``knowledge.vocabulary``: our thesaurus and company list load, and faults name their file and line."""

from __future__ import annotations

import shutil

import pytest

from knowledge.paths import DATA_DIR
from knowledge.vocabulary import VocabularyError, load_vocabulary


@pytest.fixture
def data(tmp_path):
    for name in ("thesaurus.csv", "companies.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def test_the_real_files_load_and_every_company_names_a_real_owner(kb):
    vocab = load_vocabulary(DATA_DIR, kb.owners)
    assert vocab.companies and vocab.terms
    for company in vocab.companies.values():
        for owner, _relation in company.owners:
            assert kb.owned_by(owner), owner


@pytest.mark.parametrize(
    "name, line, expect",
    [
        ("thesaurus.csv", "caseload,\n", r"thesaurus.csv:\d+: empty term"),
        ("thesaurus.csv", "staffing,caseload\n", r"thesaurus.csv:\d+: term 'caseload' is already under 'caseload'"),
        ("thesaurus.csv", 'caseload,"unclosed\n', r"thesaurus.csv:\d+:"),
        ("companies.csv", "Acme,Acme Ltd,owner\n", r"companies.csv:\d+: owner 'Acme Ltd' is not an owner"),
        ("companies.csv", "Acme,Seetec,bought\n", r"companies.csv:\d+: relation 'bought'"),
        ("companies.csv", "Acme,Seetec\n", r"companies.csv:\d+: row has the wrong number of cells"),
    ],
)
def test_a_fault_names_the_file_and_line(kb, data, name, line, expect):
    with open(data / name, "a", encoding="utf-8") as f:
        f.write(line)
    lines = (data / name).read_text(encoding="utf-8").count("\n")
    with pytest.raises(VocabularyError, match=expect) as caught:
        load_vocabulary(data, kb.owners)
    assert f"{name}:{lines}:" in str(caught.value) or (name == "thesaurus.csv" and "unclosed" in line)


def test_a_missing_column_is_reported(data):
    (data / "thesaurus.csv").write_text("idea,word\nx,y\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"thesaurus.csv:1: missing column"):
        load_vocabulary(data)


def test_kb_check_reports_our_word_lists_too(capsys, data, tmp_path):
    """``probation-bot kb check`` names a fault in thesaurus.csv or companies.csv by file and line."""
    import shutil as sh

    from bot.cli import main

    folder = tmp_path / "all"
    sh.copytree(DATA_DIR, folder, ignore=sh.ignore_patterns("*.db"))
    with open(folder / "companies.csv", "a", encoding="utf-8") as f:
        f.write("Acme,Nobody Ltd,owner\n")
    code = main(["kb", "check", "--data", str(folder)])
    out = capsys.readouterr().out
    lines = (folder / "companies.csv").read_text(encoding="utf-8").count("\n")
    assert code != 0 and f"companies.csv:{lines}: owner 'Nobody Ltd'" in out
