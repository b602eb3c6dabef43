"""Propose the goal annotations of data/tasklist.yaml from the targets' own words, and report
where the file's reviewed annotations differ from the proposal.

The file holds what a person reviewed; this script only reads it. For every target and
headline goal it reads the verbatim text the way a reviewer starts — the deadline
(``2023年``, ``到2025年底``), each number with its unit and comparison word (``20名以上``,
``不低于90%``, ``突破60亿元``, ``百家以上``), and the words of the clause around it — and
prints, item by item, where the reviewed annotation says something else. A difference is
not an error: the reviewer knows better (a policy figure is no goal to attain, a clause's
words need trimming); the report keeps that review visible when either side changes.

    python tools/propose_targets.py                 # the differences, then the totals
    python tools/propose_targets.py --show W06-T03  # one item's proposal, as YAML to paste
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKLIST = ROOT / "data" / "tasklist.yaml"

UNIT_WORDS = ("万人次", "万人", "万户", "亿元", "万元", "人次", "场次", "名", "人", "户", "家", "个", "项",
              "件", "场", "亩", "%", "日")
# "2000万" counts money (科技创新券2000万): 万 alone is 万元.
UNIT_ALIASES = {"万": "万元"}
NUMBER = re.compile(
    r"(?P<num>\d+(?:\.\d+)?|[百千十])(?P<mag>千)?(?P<yu>余)?(?P<unit>"
    + "|".join(UNIT_WORDS) + r"|万(?!美))?")
AFTER = (("以上", "≥"), ("以下", "≤"), ("以内", "≤"), ("左右", "≈"))
BEFORE = (("不少于", "≥"), ("不低于", "≥"), ("不超过", "≤"), ("不少", "≥"), ("超过", ">"), ("突破", ">"),
          ("高于", ">"), ("超", ">"), ("控制在", "≤"))
# Where a clause starts: its deadline and the words of intent that say nothing of what is measured.
LEADING = re.compile(r"^(?:(?:到|至)?\d{4}年(?:度|底前?|末|下半年)?|\d{4}下半年|力争|确保|实现|每年|年底前|年|[,,])*")
TRAILING = ("达到", "达", "为", "不少于", "不低于", "不超过", "超过", "突破", "高于", "超", "控制在", "保持",
            "均新增", "拓展至", "提高至", "累计")
MAGNITUDE = {"百": 100, "千": 1000, "十": 10}
DEADLINES = (
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(?:到|至)?(\d{4})(?:年)?(?:底|末|下半年)"),
    re.compile(r"(?:到|至)(\d{4})年"),
    re.compile(r"(\d{4})年(?!以来)"),
)


@dataclass(frozen=True)
class Proposed:
    """One metric as the text suggests it."""

    metric: str
    value: str
    unit: str
    compare: str
    quote: str


def propose_deadline(text: str) -> str | None:
    """The item's own deadline in its words: a year, or a date printed in full."""
    for pattern in DEADLINES:
        m = pattern.search(text)
        if m:
            if len(m.groups()) == 3:
                return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            return m.group(1)
    return None


def _is_year(text: str, m: re.Match) -> bool:
    after = text[m.end("num"):m.end("num") + 1]
    return len(m.group("num")) == 4 and after in ("年", "下") or text[m.start():m.start() + 5].endswith("年")


def _clauses(text: str) -> list[str]:
    """The clauses of the text, split at , ; and 。 (not at 、, which lists inside a phrase)."""
    return [c for c in re.split(r"[,,;;。]", text) if c]


def _metric_words(clause: str, quotes: list[str]) -> str:
    words = clause
    for quote in quotes:
        words = words.replace(quote, "", 1)
    words = LEADING.sub("", words, count=1).strip("、")
    changed = True
    while changed:
        changed = False
        for word in TRAILING:
            if words.endswith(word) and len(words) > len(word):
                words, changed = words[: -len(word)].strip("、"), True
    return words.strip()


def _value(m: re.Match) -> str:
    num = m.group("num")
    value = MAGNITUDE[num] if num in MAGNITUDE else float(num) if "." in num else int(num)
    if m.group("mag"):
        value *= MAGNITUDE[m.group("mag")]
    return str(value)


def propose_metrics(text: str) -> list[Proposed]:
    """Each number of the text that states a goal, with its unit, comparison and words."""
    out: list[Proposed] = []
    previous_words = ""
    for clause in _clauses(text):
        found = []
        for m in NUMBER.finditer(clause):
            num, unit = m.group("num"), m.group("unit") or ""
            if _is_year(clause, m):
                continue
            tail, head = clause[m.end():], clause[:m.start()]
            compare = next((sym for word, sym in AFTER if tail.startswith(word)), None)
            if m.group("yu"):
                compare = ">"
            if num in MAGNITUDE and not compare:
                continue  # 百日集中执行: a name, not a goal; 百家以上 and 十余场 are goals
            if not unit and not (compare and re.search(r"(达|达到|为)$", head)):
                continue  # a bare number (a name such as 12366, a typo such as 增速1) is no goal
            word_before = next((word for word, _ in BEFORE if head.endswith(word)), "")
            compare = compare or dict(BEFORE).get(word_before) or "≥"
            end = m.end() + next((len(word) for word, _ in AFTER if tail.startswith(word)), 0)
            found.append((m, clause[m.start() - len(word_before):end], compare, unit))
        words = _metric_words(clause, [quote for _, quote, _, _ in found]) or previous_words
        if found:
            previous_words = words
        for m, quote, compare, unit in found:
            out.append(Proposed(words, _value(m), UNIT_ALIASES.get(unit, unit), compare, quote))
    return out


def _annotated(item) -> tuple[list[Proposed] | None, bool]:
    goal = item.goal
    if goal.qualitative:
        return [], True
    if not goal.numeric:
        return None, False
    return [Proposed(m.metric, m.value, m.unit, m.compare, m.quote) for m in goal.metrics], True


def compare_item(ident: str, text: str, item, deadline: str | None, *, own_deadline: bool = True) -> list[str]:
    """The lines reporting where ``item``'s annotation and the proposal for ``text`` differ.

    ``own_deadline`` is False for a headline goal: its year heads its paragraph (2023年,…),
    outside the goal's own words, so the text cannot suggest one.
    """
    proposed = propose_metrics(text)
    filed, annotated = _annotated(item)
    lines = []
    if not annotated:
        shown = "; ".join(f"{p.compare}{p.value}{p.unit}" for p in proposed) or "qualitative"
        return [f"{ident}: not annotated; the text suggests {shown}"]
    assert filed is not None
    if not filed and proposed:
        shown = "; ".join(f"{p.quote}" for p in proposed)
        lines.append(f"{ident}: qualitative in the file; the text has numbers: {shown}")
    elif filed and not proposed:
        lines.append(f"{ident}: {len(filed)} metric(s) in the file; the text suggests none")
    elif filed:
        if [f.quote for f in filed] != [p.quote for p in proposed]:
            lines.append(f"{ident}: quotes: file {[f.quote for f in filed]} / text {[p.quote for p in proposed]}")
        by_quote = {p.quote: p for p in proposed}
        for n, f in enumerate(filed, 1):
            p = by_quote.get(f.quote)
            if p is None:
                continue
            for field in ("value", "unit", "compare", "metric"):
                mine, theirs = getattr(f, field), getattr(p, field)
                if mine != theirs:
                    lines.append(f"{ident}: metric {n} {field}: file {mine!r} / text {theirs!r}")
    if own_deadline and deadline != (proposal := propose_deadline(text)):
        lines.append(f"{ident}: deadline: file {deadline!r} / text {proposal!r}")
    return lines


def report(path: Path = TASKLIST) -> list[str]:
    """Every difference between the file's annotations and the proposal, then the totals."""
    from supervise_tui.domain.tasklist import load_tasklist

    tasklist = load_tasklist(path)
    lines: list[str] = []
    counts = {"numeric": 0, "qualitative": 0, "not annotated": 0, "differ": 0}
    entries = [(g.id, g.text, g, None, False) for g in tasklist.indicators]
    entries += [(i.id, i.text, i, i.deadline, True) for i in tasklist.items if i.kind == "target"]
    for ident, text, item, deadline, own in entries:
        found = compare_item(ident, text, item, deadline, own_deadline=own)
        kind = "numeric" if item.goal.numeric else "qualitative" if item.goal.qualitative else "not annotated"
        counts[kind] += 1
        counts["differ"] += bool(found) and kind != "not annotated"
        lines += found
    lines.append(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return lines


def show(ident: str, path: Path = TASKLIST) -> list[str]:
    """One item's proposal as YAML lines to paste under it."""
    from supervise_tui.domain.tasklist import load_tasklist

    tasklist = load_tasklist(path)
    texts = {g.id: g.text for g in tasklist.indicators} | {i.id: i.text for i in tasklist.items}
    if ident not in texts:
        raise SystemExit(f"no target or headline goal {ident}")
    text = texts[ident]
    lines = [f"# {ident}: {text}"]
    if deadline := propose_deadline(text):
        lines.append(f"deadline: '{deadline}'")
    metrics = propose_metrics(text)
    if not metrics:
        return lines + ["goal: qualitative"]
    lines.append("goal:")
    for p in metrics:
        lines += [f"- metric: {p.metric}", f"  value: '{p.value}'"] + ([f"  unit: '{p.unit}'"] if p.unit else []) \
            + [f"  compare: '{p.compare}'", f"  quote: {p.quote}"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=TASKLIST, help="the task list (default: data/tasklist.yaml)")
    parser.add_argument("--show", metavar="ID", help="print one item's proposal as YAML")
    args = parser.parse_args(argv)
    for line in show(args.show.upper(), args.file) if args.show else report(args.file):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
