"""Rewrite old citations of the external specification into citations of docs/rules.md.

Usage: python scripts/cite_rules.py [--check] [ROOT]

Code used to cite the shared specification by section only: the word `SPEC` followed by a
section sign and a number (`§7`), sometimes a sub-number (`§7.2`), a range (`§3–4`), a list
(`§5, §6`), a quoted phrase, or a seed reference (`001 §5.2`). Each such citation in the .py,
.html and .md files under ROOT (the repository by default; `.venv` and `.git` are skipped) is
rewritten to the sub-rule of docs/rules.md it meant, for example `rules.md §7.5`. A bare
`(§2)` later on a line that cites the specification is rewritten the same way.

Which sub-rule a citation means is decided by its words, never by its file's path, so the
table keeps working while files move between apps: for each old section the table lists
patterns in order; a pattern is tried first against the citation's own stretch of the line,
then the whole line, then the line with its neighbours, and the first match wins. A citation
that no pattern recognises is left unchanged and listed, to be added to the table.

A citation is longer than before, so in .py files a line pushed past the line length (100)
is fitted again: a section rule `# --- … ---` loses dashes, a trailing comment moves above its
code, and comment or docstring text carries its last words over to the next line of the same
paragraph (or to a new line).

Running it again changes nothing: rewritten citations no longer look like old ones.
`--check` only reports (exit status 1 when something would change or is unmapped).
"""

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = {".py", ".html", ".md"}
LINE_LENGTH = 100
SKIP_DIRS = {".venv", ".git", "node_modules", "__pycache__", "var", "staticfiles"}

# The old citation: section, optional sub-number, range or list of further sections, then an
# optional seed reference or editorial note that rules.md now carries itself (dropped).
CITATION = re.compile(
    r"SPEC[ ]§(?P<section>\d+)(?:\.(?P<sub>\d+))?"
    r"(?:[–-](?P<range_end>\d+))?"
    r"(?P<more>(?:,[ ]§\d+)*)"
    r"(?P<seed>,[ ]00\d[ ]§[\w.]+|[ ]\(00\d[ ]§[\w.]+\))?"
    r"(?P<note>[ ]/[ ]brief)?"
)
BARE = re.compile(r"(?<=\()§(?P<section>\d+)(?=\))")
LITERALS = {'SPEC: every "configurable"': ("rules.md §0.5: every setting", "§0.5")}


@dataclass(frozen=True)
class Rule:
    old: str  # the old section key: "7", or "3-4" for a range, "5,6" for a list
    where: str  # a pattern the citation's context must contain (case-insensitive)
    new: str  # the sub-rule(s) it becomes


def _rules(old: str, *pairs: tuple[str, str]) -> list[Rule]:
    return [Rule(old, where, new) for where, new in pairs]


TABLE: list[Rule] = [
    *_rules(
        "1",
        (r"head office never|never edits|read-only", "§1.3"),
        (r"also sells|manager (also )?sells", "§1.2"),
        (r"approver|decides|decision", "§1.8"),
        (r"own (request|plan|claim)", "§1.5"),
        (r"head office everything|their regions|sees|visible|scope", "§1.1"),
    ),
    *_rules(
        "2",
        (r"blank", "§2.6"),
        (r"one active|active (holder|salesperson)|history kept", "§2.2"),
        (r"office|belongs to the manager", "§2.3"),
        (r"draw|抓阄", "§2.4"),
        (r"territory lines?|across|outside|cross-territory", "§2.5"),
        (r"divisions|tree|province", "§2.1"),
    ),
    *_rules(
        "3",
        (r"credit|dealers only|bad debt|dispute", "§3.8"),
        (r"company property; a handover", "§3.6, §3.7"),
        (r"company property|reassign", "§3.6"),
        (r"hand ?over|leaver|departing|successor|notify", "§3.7"),
        (r"first sale|prospects? (with a first sale )?(becomes?|into) (a )?customers?", "§3.1"),
        (r"准客户|成交客户", "§3.1"),
        (r"bulk import|prospect list|preview|half-imported|all or nothing|every line", "§3.5"),
        (r"duplicate|normali[sz]ed|mainland", "§3.4"),
        (r"small customer|direct store", "§3.9"),
        (r"name, position, phone|contact", "§3.3"),
        (r"new prospect", "§3.4"),
        (r"import", "§3.5"),
    ),
    *_rules(
        "3-4",
        (r"classification and follow-up", "§4.1, §4.2, §3.9"),
        (r"book of business|customer page", "§3.3, §4.2"),
    ),
    *_rules(
        "4",
        (r"exactly 50,000|exactly 15", "§4.3"),
        (r"latest estimate|larger of|average", "§4.4"),
        (r"cadence per class", "§4.2, §4.6"),
        (r"overdue|dashboard|follow-up queue", "§4.6"),
        (r"news|every night|nightly|recomputed|after each", "§4.5"),
        (r"phone call counts|cadence|class D|four classes", "§4.2"),
        (r"A/B/C/D", "§4.2"),
        (r"two axes|monthly demand", "§4.1"),
        (r"classif", "§4.2"),
    ),
    *_rules(
        "5",
        (r"drafting, routes", "§5.1, §5.2, §5.5"),
        (r"two managers|at once|concurren", "§1.9"),
        (r"before the trip starts", "§5.3"),
        (r"configurable amount|director|estimated cost", "§5.4"),
        (r"matched|completion", "§5.6"),
        (r"route|field planning|working (day|hours)|visits? the working day|480", "§5.5"),
        (r"state machine|status|transition|approve|reject|return|deciding|submitting", "§5.2"),
    ),
    *_rules(
        "5,6",
        (r"demo", "§5.2, §6.1"),
        (r"only writers|every change", "§5.2, §6.1"),
        (r"trip plans, planned visits and visit records", "§5.1, §6.1"),
    ),
    *_rules(
        "6",
        (r"fast form", "§6.1"),
        (r"logging.*(correction|lock)", "§6.1, §6.4"),
        (r"late entry|issue 4", "§6.3"),
        (r"fabricated|locked|locking|correction|kept in history", "§6.4"),
        (r"per territory|most-seen|territory's market|top (three|ten)", "§6.6"),
        (r"competitor", "§6.5"),
        (r"logging|log a visit|visit or call|visits and calls|visit records|fast form", "§6.1"),
    ),
    *_rules(
        "7",
        (r"menu entries", "§7.1, §7.3, §7.6"),
        (r"scoring job \(|results of the scoring", "§7.5–§7.11"),
        (r"assessment flags", "§7.7–§7.9"),
        (r"time zone|local month", "§7.2, §0.2"),
        (r"80%|probation", "§7.8, §7.9"),
        (r"unmet|carr(y|ies)", "§7.5"),
        (r"travel cost|gross profit;|efficiency", "§7.11"),
        (r"ranking|rank", "§7.10"),
        (r"first in a region|first-to-target|bonus", "§7.7"),
        (r"375,000|80,000|east china|worked example", "§7.4"),
        (r"assessment period", "§7.6"),
        (r"on-demand job|attainment page", "§7.6"),
        (r"quota|channel", "§7.3"),
        (r"scoring tests", "§7.3"),
        (r"order system|order lines|import|hand-entered|sales records", "§7.1"),
    ),
    *_rules(
        "7,8",
        (r"menu|sales, quotas, attainment and expenses", "§7.1, §7.3, §7.6, §8.1"),
    ),
    *_rules(
        "8",
        (r"items with unique invoices", "§8.1–§8.6"),
        (r"menu entries|demo expense claims", "§8.1"),
        (r"issue 5|plan adds|plan would add|planned vs spent", "§8.7"),
        (r"invoice number never|never appears twice", "§8.2"),
        (r"due by|5th", "§8.3"),
        (r"working days|decision is due", "§8.4"),
        (r"cap", "§8.5"),
        (r"advance[^s]|about 3,000", "§8.6"),
        (r"#\s*SPEC[ ]§8: expenses\.", "§8.3–§8.6"),
        (r"claims, their items and travel advances", "§8.1, §8.6"),
        (r"expense claims|only writers", "§8.1"),
    ),
]


@dataclass
class Outcome:
    path: Path
    line_number: int
    old: str
    new: str | None  # None: not recognised


def _key(match: re.Match) -> str:
    section = match.group("section")
    if match.groupdict().get("range_end"):
        return f"{section}-{match.group('range_end')}"
    more = re.findall(r"§(\d+)", match.groupdict().get("more") or "")
    return ",".join([section, *more])


def _choose(key: str, contexts: list[str]) -> str | None:
    rules = [rule for rule in TABLE if rule.old == key]
    for context in contexts:
        for rule in rules:
            if re.search(rule.where, context, flags=re.IGNORECASE):
                return rule.new
    return None


def _segment(line: str, matches: list[re.Match], index: int) -> str:
    start = matches[index - 1].end() if index else 0
    end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
    return line[start:end]


def rewrite_text(text: str, path: Path) -> tuple[str, list[Outcome]]:
    lines = text.split("\n")
    outcomes: list[Outcome] = []
    changed: list[int] = []
    for number, line in enumerate(lines):
        before = line
        for old, (new, cited) in LITERALS.items():
            if old in line:
                line = line.replace(old, new)
                outcomes.append(Outcome(path, number + 1, old, cited))
        matches = list(CITATION.finditer(line))
        if not matches:
            lines[number] = line
            continue
        window = "\n".join(lines[max(0, number - 1) : number + 2])
        pieces, position = [], 0
        bare_from = matches[0].start()
        for index, match in enumerate(matches):
            chosen = _choose(_key(match), [_segment(line, matches, index), line, window])
            pieces.append(line[position : match.start()])
            if chosen is None:
                pieces.append(match.group(0))
            else:
                pieces.append(f"rules.md {chosen}")
            position = match.end()
            outcomes.append(Outcome(path, number + 1, match.group(0), chosen))
        pieces.append(line[position:])
        line = "".join(pieces)
        lines[number] = line[:bare_from] + BARE.sub(
            lambda bare, line=line, number=number: _bare(bare, line, path, number, outcomes),
            line[bare_from:],
        )
        ruler, old_ruler = RULER.match(lines[number]), RULER.match(before)
        if ruler and old_ruler:  # a section rule keeps its length
            lines[number] = ruler["head"] + "-" * max(3, len(before) - len(ruler["head"]))
        if lines[number] != before and len(before) <= LINE_LENGTH:
            changed.append(number)
    if path.suffix == ".py":
        for number in reversed(changed):
            _fit(lines, number)
    return "\n".join(lines), outcomes


# --- fitting a lengthened line back into the line length --------------------------------------

RULER = re.compile(r"^(?P<head>\s*#.*?\s)(?P<dashes>-{3,})$")
TRAILING_COMMENT = re.compile(
    r"^(?P<indent>\s*)(?P<code>[^\s#\"'][^#\"']*?)\s+(?P<comment>#\s.*rules\.md.*)$"
)
NEW_CITATION = re.compile(r"rules\.md §\d+(?:\.\d+)?(?:(?:, |–)§\d+(?:\.\d+)?)*")
PARAGRAPH_BREAK = re.compile(r"^\s*(#\s*)?(\d+\.|-|\*|[A-Z][a-z]+:|\"\"\"|$)")


def _in_docstring(lines: list[str], number: int) -> bool:
    """Whether the line opens a docstring or continues one opened above it."""
    if lines[number].lstrip().startswith('"""'):
        return True
    return sum(line.count('"""') for line in lines[:number]) % 2 == 1


def _fit(lines: list[str], number: int) -> None:
    """Bring lines[number] back within LINE_LENGTH, carrying words over where needed."""
    line = lines[number]
    if len(line) <= LINE_LENGTH:
        return
    ruler = RULER.match(line)
    if ruler:
        lines[number] = ruler["head"] + "-" * max(3, LINE_LENGTH - len(ruler["head"]))
        return
    trailing = TRAILING_COMMENT.match(line)
    if trailing:
        lines[number : number + 1] = [
            trailing["indent"] + trailing["comment"],
            trailing["indent"] + trailing["code"],
        ]
        _fit(lines, number)
        return
    indent = re.match(r"\s*", line).group(0)
    is_comment = line.lstrip().startswith("# ")
    if not is_comment and not _in_docstring(lines, number):
        return  # code: left for a person to fit
    prefix = indent + "# " if is_comment else indent
    inside_citations = {
        position
        for citation in NEW_CITATION.finditer(line)
        for position in range(citation.start(), citation.end())
    }
    spaces = [
        position
        for position in range(len(prefix) + 4, min(len(line), LINE_LENGTH + 1))
        if line[position] == " " and position not in inside_citations
    ]
    if not spaces:
        return
    cut = spaces[-1]
    kept, carried = line[:cut].rstrip(), line[cut + 1 :]
    lines[number] = kept
    following = lines[number + 1] if number + 1 < len(lines) else ""
    same_paragraph = (
        following.startswith(prefix)
        and not following[len(prefix) :].startswith(" ")
        and not PARAGRAPH_BREAK.match(following)
        and not kept.rstrip().endswith(('"""', "."))
        and '"""' not in carried
    )
    if same_paragraph:
        lines[number + 1] = prefix + carried + " " + following[len(prefix) :]
    else:
        lines.insert(number + 1, prefix + carried)
    _fit(lines, number + 1)


def _bare(bare: re.Match, line: str, path: Path, number: int, outcomes: list[Outcome]) -> str:
    chosen = _choose(bare.group("section"), [line])
    outcomes.append(Outcome(path, number + 1, bare.group(0), chosen))
    if chosen is None:
        return bare.group(0)
    return chosen.split(",")[0]


def source_files(root: Path, skip: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in SKIP_DIRS for part in relative.parts[:-1]):
            continue
        if path.suffix in SUFFIXES and path.is_file() and path.resolve() != skip:
            found.append(path)
    return found


def missing_targets(rules_md: Path) -> list[str]:
    """Sub-rules the table points to that docs/rules.md does not define."""
    if not rules_md.exists():
        return []
    defined = set(re.findall(r"\*\*(§\d+\.\d+)", rules_md.read_text(encoding="utf-8")))
    cited = {ref for rule in TABLE for ref in re.findall(r"§\d+\.\d+", rule.new)}
    cited |= {cited for _new, cited in LITERALS.values()}
    return sorted(cited - defined)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--check", action="store_true", help="report only; write nothing")
    arguments = parser.parse_args(argv)
    root = Path(arguments.root).resolve()
    undefined = missing_targets(root / "docs" / "rules.md")
    if undefined:
        print(f"docs/rules.md does not define {', '.join(undefined)}; fix the table first")
        return 2
    rewritten, unmapped = 0, []
    for path in source_files(root, skip=Path(__file__).resolve()):
        text = path.read_text(encoding="utf-8")
        if "SPEC" not in text:
            continue
        new_text, outcomes = rewrite_text(text, path)
        for outcome in outcomes:
            where = f"{outcome.path.relative_to(root)}:{outcome.line_number}"
            if outcome.new is None:
                unmapped.append(f"{where}: {outcome.old}")
            else:
                rewritten += 1
                print(f"{where}: {outcome.old} → rules.md {outcome.new}")
        if new_text != text and not arguments.check:
            path.write_text(new_text, encoding="utf-8")
    verb = "would rewrite" if arguments.check else "rewrote"
    print(f"{verb} {rewritten} citation(s); {len(unmapped)} not recognised")
    for line in unmapped:
        print(f"  not recognised: {line}")
    if arguments.check:
        return 1 if rewritten or unmapped else 0
    return 1 if unmapped else 0


if __name__ == "__main__":
    sys.exit(main())
