"""A synthetic knowledge base 100 times the size of the real one, generated at bench time.

``make_synthetic_data(out_dir, factor)`` writes a data folder that ``knowledge.build.build`` accepts: the
real rows, plus ``factor - 1`` synthetic copies of every inspection, standard rating and finding, each
copy about a new organisation with an invented place name. Everything invented is marked as such:
organisation names start with "Synthetic ", ids with ``syn-``, and every source URL is on the reserved
``.invalid`` domain (RFC 2606), so no synthetic fact can pass for a real one or link anywhere real.

The folder is written under ``benchmarks/synthetic/`` (git-ignored) or wherever the caller says, and
is never shipped. Generation is deterministic.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from knowledge.paths import DATA_DIR

SYNTHETIC_PREFIX = "Synthetic "
SYNTHETIC_HOST = "synthetic-probation-data.invalid"
_ONSET = ("br", "th", "h", "w", "k", "m", "d", "gr", "st", "l", "c", "f", "p", "r", "s", "tr", "v", "bl", "g", "n")
_VOWEL = ("a", "e", "i", "o", "u", "ea", "ou", "ai")
_CODA = ("ck", "rn", "ll", "sh", "nd", "m", "rt", "x", "lb", "sk")
_ENDING = (
    "moor",
    "ford",
    "ley",
    "by",
    "wick",
    "ton",
    "field",
    "bury",
    "ham",
    "stead",
    "worth",
    "mouth",
    "dale",
    "cott",
    "hurst",
    "ridge",
    "combe",
    "wood",
    "thorpe",
    "holm",
)
#: How each organisation type is written after its place name (name, alias).
_TYPE_WORDS = {
    "CRC": ("Community Rehabilitation Company", "CRC"),
    "NPS division": ("Division, National Probation Service", "NPS"),
    "PDU": ("Probation Delivery Unit", "PDU"),
    "Probation region": ("region", "region"),
    "Other": ("probation services", "probation"),
}


def _short_key(org_id: str) -> str:
    # The same 8-character key the loader derives (knowledge.loader.short_key); it must not collide.
    return hashlib.blake2b(org_id.encode(), digest_size=4).hexdigest()


def place_names(count: int, seed: int = 100) -> list[str]:
    """``count`` distinct invented place names ("Brelmoor", "Thouckford"), in a fixed shuffled order."""
    names = [(o + v + c).capitalize() + e for o in _ONSET for v in _VOWEL for c in _CODA for e in _ENDING]
    if count > len(names):
        raise ValueError(f"only {len(names)} place names available, {count} asked for")
    random.Random(seed).shuffle(names)
    return names[:count]


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _url(url: str, copy: int) -> str:
    parts = urlsplit(url)
    return f"https://{SYNTHETIC_HOST}/copy-{copy:02d}/{parts.hostname or 'site'}{parts.path or '/'}"


def make_synthetic_data(out_dir: Path, factor: int = 100, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Write a data folder with ``factor`` times the organisations, inspections and findings of ``data_dir``.

    Caveats and subjects (national reports) are multiplied with them. National figures, the seed list
    and any other file are copied as they are (they describe the country, not one organisation).
    Returns the row counts written.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    scaled = {
        "inspections.csv",
        "standard_ratings.csv",
        "findings.csv",
        "subjects.csv",
        "aliases.csv",
        "caveats.csv",
        "local_authority_regions.csv",
    }
    for path in sorted(data_dir.iterdir()):
        if path.is_file() and path.name not in scaled:  # national figures, the seed list, notes: as they are
            shutil.copyfile(path, out_dir / path.name)

    ins_header, inspections = _read(data_dir / "inspections.csv")
    std_header, standards = _read(data_dir / "standard_ratings.csv")
    fnd_header, findings = _read(data_dir / "findings.csv")
    sub_header, subjects = _read(data_dir / "subjects.csv")
    ali_header, aliases = _read(data_dir / "aliases.csv")
    cav_header, caveats = _read(data_dir / "caveats.csv") if (data_dir / "caveats.csv").is_file() else ([], [])
    lar_path = data_dir / "local_authority_regions.csv"
    lar_header, regions_of = _read(lar_path) if lar_path.is_file() else ([], [])

    org_ids = sorted({r["org_id"] for r in inspections})
    copies = range(1, factor)
    names = iter(place_names(len(org_ids) * len(copies)))
    taken_keys = {_short_key(o) for o in org_ids}
    # Each (copy, real org) becomes one synthetic organisation with its own invented place.
    new_org: dict[tuple[int, str], tuple[str, str]] = {}
    for k in copies:
        for org_id in org_ids:
            place = next(names)
            syn_id = f"syn-{k:02d}-{org_id}"
            while _short_key(syn_id) in taken_keys:  # keep button keys unique, as the loader demands
                syn_id += "-x"
            taken_keys.add(_short_key(syn_id))
            new_org[(k, org_id)] = (syn_id, place)

    out_ins, out_std, out_fnd, out_sub, out_ali = (
        list(inspections),
        list(standards),
        list(findings),
        list(subjects),
        list(aliases),
    )
    out_cav = list(caveats)
    out_lar = list(regions_of)
    inspection_ids = {r["inspection_id"] for r in inspections}
    subject_ids = {r["subject_id"] for r in subjects}
    for k in copies:
        new_iid = {}
        for r in inspections:
            syn_id, place = new_org[(k, r["org_id"])]
            long_word, short_word = _TYPE_WORDS.get(r["org_type"], ("probation", "probation"))
            iid = f"syn-{k:02d}-{r['inspection_id']}"
            new_iid[r["inspection_id"]] = iid
            out_ins.append(
                {
                    **r,
                    "inspection_id": iid,
                    "org_id": syn_id,
                    "organisation": f"{SYNTHETIC_PREFIX}{place} {long_word}",
                    "aliases": f"{SYNTHETIC_PREFIX}{place} {short_word};{place} {short_word}",
                    "source_url": _url(r["source_url"], k),
                    "source_title": f"Synthetic benchmark page {k} ({r['source_title'] or 'untitled'})",
                    "notes": "Synthetic row generated for benchmarking; not a real inspection.",
                }
            )
        for r in subjects:
            out_sub.append(
                {
                    **r,
                    "subject_id": f"syn-{k:02d}-{r['subject_id']}",
                    "title": f"{SYNTHETIC_PREFIX}copy {k} of: {r['title']}",
                }
            )
        for r in standards:
            out_std.append({**r, "inspection_id": new_iid[r["inspection_id"]], "source_url": _url(r["source_url"], k)})
        for r in findings:
            subject = r["inspection_id"]
            if subject in inspection_ids:
                subject = new_iid[subject]
            elif subject in subject_ids:
                subject = f"syn-{k:02d}-{subject}"
            else:
                continue  # a fault in the real data is the loader's to report, not ours to multiply
            out_fnd.append({**r, "inspection_id": subject, "source_url": _url(r["source_url"], k)})
        for r in caveats:
            if r["inspection_id"] in new_iid:
                out_cav.append({**r, "inspection_id": new_iid[r["inspection_id"]]})
        for org_id in org_ids:
            syn_id, place = new_org[(k, org_id)]
            out_ali.append({**dict.fromkeys(ali_header, ""), "alias": place, "org_id": syn_id, "kind": "place"})
        for r in regions_of:  # each synthetic youth service lies in the region of the service it copies
            out_lar.append(
                {**r, "org_id": new_org[(k, r["org_id"])][0], "local_authorities": new_org[(k, r["org_id"])][1]}
            )

    _write(out_dir / "inspections.csv", ins_header, out_ins)
    _write(out_dir / "standard_ratings.csv", std_header, out_std)
    _write(out_dir / "findings.csv", fnd_header, out_fnd)
    _write(out_dir / "subjects.csv", sub_header, out_sub)
    _write(out_dir / "aliases.csv", ali_header, out_ali)
    if cav_header:
        _write(out_dir / "caveats.csv", cav_header, out_cav)
    if lar_header:
        _write(out_dir / "local_authority_regions.csv", lar_header, out_lar)
    return {
        "organisations": len(org_ids) * factor,
        "inspections": len(out_ins),
        "findings": len(out_fnd),
        "standard_ratings": len(out_std),
        "aliases_csv": len(out_ali),
    }
