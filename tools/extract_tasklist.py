"""Rebuild data/tasklist.yaml from the published text in data/source/.

The annex of 乐政办发〔2023〕43号 is a table flattened to text: one cell per
paragraph, blank lines between cells, a lone U+00A0 for a blank cell, and key
works that ran over a page break repeated as continuation rows.  This script
reads that text back into works, targets and measures, verbatim, and writes
the YAML the app loads.  Run it with ``python tools/extract_tasklist.py``;
the fidelity test checks the committed YAML against the same source, so the
YAML may be edited by hand only where the source is kept word for word.

The goal annotations (``deadline`` and ``goal`` of a target, ``goal`` of a
headline goal) are a person's review, not in the source: they are read from
the file being replaced and written back beside the same ids, so regenerating
never loses them.  An item whose text changed keeps its annotation and is named
on stderr for a second look (the loader refuses a quote no longer in the text).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "source" / "yueqing-private-economy-measures-2023.txt"
TARGET = ROOT / "data" / "tasklist.yaml"

BLANK = "\u00a0"
NUMERALS = "一二三四五六七八九十"
PILLAR_RE = re.compile(rf"^([{NUMERALS}])、(.+)$")
TITLE_RE = re.compile(rf"^\(([{NUMERALS}]+)\)(.+)$")
# "1.text" as printed; "6对审计" (a missing dot in the source) still counts as
# item 6.  One or two digits only, so "2023年…" is text, not item 2023.
NUMBER_RE = re.compile(r"^(\d{1,2})(?!\d)(\.?)(.*)$", re.S)
STAGE_START = {"长期实施", "2023-"}

ALIASES = {"市公安": "市公安局"}

HEADLINE_GOALS = [
    ("2023", "全面推动惠企政策降本减负35亿元以上"),
    ("2023", "全年民间投资增速超10%"),
    ("2023", "民营企业工业供地占比达到70%以上"),
    ("2023", "确保80%以上新增能耗用于民间投资项目"),
    ("2023", "问题化解率达95%以上"),
    ("2025", "市场经营主体突破24万户"),
    ("2025", "R&D经费支出占GDP比重达3.2%左右"),
    ("2025", "数字经济核心产业增加值占GDP比重达13%左右"),
]


def split_number(paragraph: str) -> tuple[int | None, str, str]:
    """Return (number, prefix as printed, text) of a list paragraph."""
    m = NUMBER_RE.match(paragraph)
    if not m:
        return None, "", paragraph
    return int(m.group(1)), m.group(1) + m.group(2), m.group(3)


def annex_rows(lines: list[str]) -> list[list[str]]:
    """Split the annex into table rows, each a list of paragraphs."""
    start = lines.index("分管领导/联络员") + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("抄送:"))
    rows: list[list[str]] = []
    for line in lines[start:end]:
        if not line:
            continue
        if line.isdigit():
            rows.append([line])
        elif rows:
            rows[-1].append(line)
    return rows


def parse_row(row: list[str]) -> dict:
    """Name the cells of one row: seq, pillar, title, body, stage, units, people."""
    seq, rest = int(row[0]), row[1:]
    pillar = None
    if PILLAR_RE.match(rest[0]):
        pillar, rest = rest[0], rest[1:]
    title, rest = rest[0], rest[1:]
    stage_at = next(i for i, p in enumerate(rest) if p in STAGE_START)
    body, tail = rest[:stage_at], rest[stage_at:]
    if tail[0] == "2023-":
        stage, tail = tail[0] + tail[1], tail[2:]
    else:
        stage, tail = tail[0], tail[1:]
    units, leader, liaison = tail
    return {
        "seq": seq, "pillar": pillar, "title": title, "body": body,
        "stage": stage, "units": units, "leader": leader, "liaison": liaison,
    }


def merge_body(work: dict, body: list[str]) -> None:
    """Add a row's target and measure paragraphs to a work, skipping repeats."""
    targets, measures = work["targets"], work["measures"]
    in_targets = True  # every row starts with its target cell
    for paragraph in body:
        if paragraph == BLANK:
            continue
        number, prefix, text = split_number(paragraph)
        if in_targets and any(t["text"] == text and t.get("no") == number for t in targets):
            continue  # a continuation row repeats the targets already read
        item = {"no": number, "text": text} if number is not None else {"text": text}
        if prefix and prefix != f"{number}.":
            item["prefix"] = prefix
        if in_targets and (number is None and not targets or number == len(targets) + 1):
            targets.append(item)
            continue
        in_targets = False
        if number != len(measures) + 1:
            raise SystemExit(f"work {work['seq']}: measure {number} out of order: {paragraph[:30]}")
        measures.append(item)


def stage_of(text: str) -> dict:
    m = re.fullmatch(r"(\d{4})-(\d{4})年", text)
    if m:
        return {"text": text, "start": int(m.group(1)), "end": int(m.group(2))}
    return {"text": text}


def units_of(text: str) -> dict:
    names = text.split("、")
    leads = [n[1:] for n in names if n.startswith("*")]
    lead = leads[0] if leads else names[0]
    co = [n.lstrip("*") for n in names if n.lstrip("*") != lead]
    return {"text": text, "lead": lead, "co": co}


def person(cell: str) -> str:
    return "" if cell == BLANK else cell


def build(lines: list[str]) -> dict:
    pillars: list[dict] = []
    works: dict[int, dict] = {}
    current_pillar = None
    for cells in map(parse_row, annex_rows(lines)):
        if cells["pillar"]:
            numeral, title = PILLAR_RE.match(cells["pillar"]).groups()
            current_pillar = f"P{NUMERALS.index(numeral) + 1}"
            if all(p["id"] != current_pillar for p in pillars):
                pillars.append({"id": current_pillar, "numeral": numeral, "title": title})
        seq = cells["seq"]
        if seq not in works:
            numeral, title = TITLE_RE.match(cells["title"]).groups()
            works[seq] = {
                "id": f"W{seq:02d}", "seq": seq, "numeral": numeral,
                "pillar": current_pillar, "title": title,
                "stage": stage_of(cells["stage"]), "units": units_of(cells["units"]),
                "leader": person(cells["leader"]), "liaison": person(cells["liaison"]),
                "targets": [], "measures": [],
            }
        merge_body(works[seq], cells["body"])
    for work in works.values():
        for kind, letter in (("targets", "T"), ("measures", "M")):
            for i, item in enumerate(work[kind], 1):
                item_id = f"{work['id']}-{letter}{i:02d}"
                work[kind][i - 1] = {"id": item_id, **item}
    return {"pillars": pillars, "works": list(works.values())}


def document(lines: list[str]) -> dict:
    text = "\n".join(lines)

    def after(label: str) -> str:
        i = next(i for i, line in enumerate(lines) if line.strip() == f"• {label}:")
        return next(line for line in lines[i + 1:] if line.strip()).strip().lstrip("• ")

    printed = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日印发", text)
    return {
        "doc_number": after("文号"),
        "title": "乐清市促进民营经济高质量发展若干举措",
        "notice_title": lines[2].strip(),
        "issuer": "乐清市人民政府办公室",
        "publishing_office": after("发布机构"),
        "index_number": after("索引号"),
        "topic": after("主题分类"),
        "written_date": after("成文日期"),
        "printed_date": "{}-{:02d}-{:02d}".format(*map(int, printed.groups())),
        "validity": after("有效性"),
        "annex_title": "乐清市促进民营经济高质量发展若干举措“1+N”任务清单",
    }


def indicators(lines: list[str]) -> list[dict]:
    text = "\n".join(lines)
    out = []
    for i, (year, goal) in enumerate(HEADLINE_GOALS, 1):
        assert goal in text, goal
        out.append({"id": f"G{i:02d}", "year": year, "text": goal})
    return out


ANNOTATIONS = ("deadline", "goal")  # in this order, after an item's text


def reviewed(path: Path) -> dict[str, dict]:
    """id → {"text", "deadline", "goal"} of every annotated item and headline goal in ``path``."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = list(data.get("indicators") or [])
    for work in data.get("works") or []:
        entries += (work.get("targets") or []) + (work.get("measures") or [])
    return {e["id"]: {k: e[k] for k in ("text", *ANNOTATIONS) if k in e}
            for e in entries if any(k in e for k in ANNOTATIONS)}


def keep_annotations(data: dict, old: dict[str, dict]) -> list[str]:
    """Put each reviewed annotation back beside its id; the ids whose text changed under it."""
    entries = list(data["indicators"])
    for work in data["works"]:
        entries += work["targets"] + work["measures"]
    changed = []
    for entry in entries:
        found = old.get(entry["id"])
        if found is None:
            continue
        if found.get("text") != entry["text"]:
            changed.append(entry["id"])
        entry.update({k: found[k] for k in ANNOTATIONS if k in found})
    return changed


def main() -> int:
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    data = {
        "schema": 1,
        "document": document(lines),
        "indicators": indicators(lines),
        "aliases": ALIASES,
        **build(lines),
    }
    changed = keep_annotations(data, reviewed(TARGET))
    header = (
        "# 乐政办发〔2023〕43号 附件: “1+N”任务清单 — the task list supervise-tui loads.\n"
        "# Texts are verbatim from data/source/; typos of the source are kept as printed.\n"
        "# Ids (W05, W05-T07, W05-M10) are stable business keys: keep them when editing.\n"
        "# deadline and goal are a person's review of each target's words (see README);\n"
        "# tools/propose_targets.py reports where they differ from what the text suggests.\n"
        "# Regenerate with: python tools/extract_tasklist.py (the review is kept)\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    TARGET.write_text(header + body, encoding="utf-8")
    for ident in changed:
        print(f"{ident}: its text changed; review its deadline and goal", file=sys.stderr)
    works = data["works"]
    print(
        f"{len(works)} works, {sum(len(w['targets']) for w in works)} targets, "
        f"{sum(len(w['measures']) for w in works)} measures -> {TARGET.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
