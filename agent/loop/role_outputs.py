"""Parse each role's untrusted output into typed records; failures are `OutputParseError`s."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from enum import StrEnum

from lemmata.agent.loop.parsing import boxed_contents
from lemmata.memory.lemmas.format import LemmaFormatError, parse_lemma
from lemmata.memory.lemmas.records import LemmaDraft, VerifierVote

MAX_LEMMAS_PER_SUMMARY = 50
NO_NEW_LEMMAS = "NO NEW LEMMAS"

LEMMA_BLOCK = re.compile(r"<lemma>(.*?)(?:</lemma>|(?=<lemma>)|\Z)", re.S | re.I)
"""How a model answer delimits lemmas; inside, each is in the lemma form (`lemmata.memory.lemmas.format`)."""
STEP_VERDICT = re.compile(r"^\s*(STEP|LEMMA)\s*(-?\d{1,9})\s*$", re.I)  # bounded: int() of 5000 digits raises
SECTION = re.compile(
    r"^[ \t]*+(?:#{1,6}[ \t]*+)?(?:(?:\*\*|__)[ \t]*+)?(?:[0-9a-z]{1,2}[.)][ \t]++)?"
    r"(?P<name>verdict|method sketch|detailed solution|conjectures|lemmas)[ \t]*+(?:(?:\*\*|__)[ \t]*+)?"
    r"(?:(?P<sep>[:\-\u2013\u2014])[ \t]*+)?(?:(?:\*\*|__)[ \t]*+)?(?P<rest>[^\n]*)$",
    re.I | re.M,
)
"""A section header as models write it: `## Verdict`, `## Verdict:`, `**Verdict:** complete`,
`Verdict - partial`, `### 2. Detailed Solution ###`; text after a separator belongs to the section.
Possessive spaces: a line of a million blanks must not be tried in every split."""
SECTION_NAME = re.compile(r"verdict|method sketch|detailed solution|conjectures|lemmas", re.I)
NEGATION = re.compile(r"\b(?:not|no|never|without|cannot|nor|lacks?|lacking)\b|n't\b", re.I)
NO_SOLUTION = re.compile(
    r"\b(?:have not|haven't|has not|hasn't|did not|didn't|could not|couldn't|cannot|can't|was unable to|"
    r"am unable to|unable to|failed to)\s+(?:yet\s+)?(?:been able to\s+)?"
    r"(?:find|found|obtain|obtained|produce|produced|give|given|reach|reached|construct|constructed|write|written)"
    r"\s+(?:a\s+|any\s+)?(?:complete\s+|full\s+|valid\s+|correct\s+|rigorous\s+)?(?:solution|proof)"
    r"|\bno (?:complete |valid |correct |rigorous )?(?:solution|proof) (?:was |has been )?found\b",
    re.I,
)
"""A model saying it has no solution (the reviser is told to answer "I have not found a complete solution")."""
MAX_HEADERS = 64
"""Headers looked at; an answer has four, and garbage of a hundred thousand must stay cheap."""
SHORT_SECTION = 400
"""A detailed solution this short that says there is no solution is taken at its word."""


class OutputParseError(ValueError):
    """A role's output does not have the form its prompt asks for."""


class Verdict(StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"


@dataclass
class ReasonerOutput:
    verdict: Verdict
    solution: str
    """The detailed solution (the whole answer when it has no sections)."""
    conjectures: list[str] = field(default_factory=list)
    """Statements of the lemmas the reasoner believes but could not prove (kept with `loop.conjectures`).
    The lemmas it proved are not read here: the summarizer extracts them from the whole answer."""


@dataclass
class ProcessVerdict:
    first_wrong: str
    """"-1" when the solution is correct, else "STEPk" or "LEMMAk"."""
    explanation: str

    @property
    def passed(self) -> bool:
        return self.first_wrong == "-1"


def parse_reasoner(text: str) -> ReasonerOutput:
    """A reasoner answer: it must have a Verdict or a Detailed solution section (any common
    header style), or say plainly that it has no solution; anything else is garbage and an
    OutputParseError. An answer without a solution has `solution == ""`."""
    if not text.strip():
        raise OutputParseError("the reasoner's answer is empty")
    sections = _sections(text)
    if "verdict" not in sections and "detailed solution" not in sections:
        if NO_SOLUTION.search(text[:2000]):
            return ReasonerOutput(verdict=Verdict.PARTIAL, solution="")
        raise OutputParseError("no '## Verdict' or '## Detailed solution' section (not the asked structure)")
    verdict = _verdict(sections.get("verdict", ""))
    solution = sections.get("detailed solution", text).strip()
    if verdict is Verdict.PARTIAL and _says_no_solution(sections.get("detailed solution")):
        solution = ""
    return ReasonerOutput(verdict=verdict, solution=solution, conjectures=_conjectures(sections))


def _conjectures(sections: dict[str, str]) -> list[str]:
    """`<lemma>` blocks of the Conjectures section; in answers stored before it existed, the
    second box of the Lemmas section (`\\boxed{Lemma 1: ... --- Lemma 2: ...}`)."""
    if "conjectures" in sections:
        blocks = LEMMA_BLOCK.findall(sections["conjectures"])
    else:
        boxes = boxed_contents(sections.get("lemmas", ""))
        blocks = re.split(r"^\s*-{3,}\s*$", boxes[1], flags=re.M) if len(boxes) > 1 else []
    drafts = []
    for block in blocks[:MAX_LEMMAS_PER_SUMMARY]:
        try:
            drafts.append(parse_lemma(block, require_proof=False))
        except LemmaFormatError:
            continue  # "Lemma -1", "none" and other non-lemmas
    return [d.statement for d in drafts if not d.number.startswith("-") and d.statement]


def _verdict(text: str) -> Verdict:
    """Complete only when the verdict claims completeness and does not negate it: "This is not
    a complete solution." is partial."""
    words = " ".join(text.lower().split())[:300]
    if "partial" in words or "incomplete" in words:
        return Verdict.PARTIAL
    for claim in re.finditer(r"\bcomplete(?:ly)?\b", words):
        if not NEGATION.search(words[max(0, claim.start() - 40):claim.start()]):
            return Verdict.COMPLETE
    return Verdict.PARTIAL


def _says_no_solution(section: str | None) -> bool:
    if section is None:
        return False
    body = section.strip()
    if not re.search(r"[A-Za-z0-9]{3}", body) or body.lower().strip("(). ") in {"none", "n/a", "no solution"}:
        return True
    return len(body) <= SHORT_SECTION and NO_SOLUTION.search(body) is not None


def parse_summary(text: str, next_number: int, library_numbers: set[str]) -> list[LemmaDraft]:
    """New lemmas from a summarizer answer, renumbered from `next_number` on where needed."""
    if not text.strip():
        raise OutputParseError("the summarizer's answer is empty")
    blocks = [block for block in LEMMA_BLOCK.findall(text) if block.strip()]
    if not blocks:
        if NO_NEW_LEMMAS.lower() in text.lower():
            return []
        raise OutputParseError("no <lemma> block and no 'NO NEW LEMMAS'")
    if len(blocks) > MAX_LEMMAS_PER_SUMMARY:
        raise OutputParseError(f"{len(blocks)} lemma blocks; at most {MAX_LEMMAS_PER_SUMMARY} are accepted")
    try:
        drafts = [parse_lemma(block) for block in blocks]
    except LemmaFormatError as error:
        raise OutputParseError(str(error)) from None
    return _renumber(drafts, next_number, library_numbers)


def parse_lemma_vote(text: str) -> VerifierVote:
    """A lemma verifier's verdict: the first wrong step, all correct, or FORMAT_ERROR.

    The verifier names steps from 1 (`\\box{STEP1}` is the first); the vote keeps the 0-based
    index. `\\box{STEP0}`, from answers stored when steps were shown from 0, is the first step."""
    explanation = text.strip()[-4000:]
    for content in reversed(boxed_contents(text)):
        match = STEP_VERDICT.match(content)
        if match and match.group(1).upper() == "STEP":
            named = int(match.group(2))
            return VerifierVote(named - 1 if named > 0 else named, explanation)
    if "FORMAT_ERROR" in text:
        return VerifierVote(None, explanation, format_error=True)
    raise OutputParseError("no \\box{STEPk} verdict and no FORMAT_ERROR")


def parse_process_verdict(text: str) -> ProcessVerdict:
    explanation = text.strip()[-4000:]
    for content in reversed(boxed_contents(text)):
        match = STEP_VERDICT.match(content)
        if match:
            kind, index = match.group(1).upper(), int(match.group(2))
            return ProcessVerdict("-1" if index < 0 else f"{kind}{index}", explanation)
    raise OutputParseError("no \\box{STEPk} or \\box{LEMMAk} verdict")


REASON_LINE = re.compile(r"^\W*reason\W*:\s*(.+)$", re.I | re.M)


def labelled_choice(text: str, label: str, choices: tuple[str, ...]) -> tuple[str, str]:
    """(choice, reason) from the last `LABEL: CHOICE` line and the last `REASON:` line, the form
    the judge and the critique checker answer in; the choice comes back upper-case."""
    pattern = re.compile(rf"^\W*{label}\W*:\W*({'|'.join(choices)})\b\W*$", re.I | re.M)
    found = pattern.findall(text)
    if not found:
        raise OutputParseError(f"no '{label.upper()}: {'|'.join(choices)}' line")
    reasons = REASON_LINE.findall(text)
    return found[-1].upper(), reasons[-1].strip() if reasons else ""


def parse_critique_check(text: str) -> tuple[bool, str]:
    """A meta-verifier's answer: (upheld, reason)."""
    choice, reason = labelled_choice(text, "critique", ("UPHELD", "REFUTED"))
    return choice == "UPHELD", reason


def split_steps(solution: str) -> str:
    """The solution as steps (paragraphs) numbered from 1, as the process verifier reads it."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", solution) if p.strip()]
    return "\n\n".join(f"Step {i}: {p}" for i, p in enumerate(paragraphs, 1))


def _sections(text: str) -> dict[str, str]:
    """Section name -> its text (the header line's own text after a separator first); the
    first header of each name wins. Bare words (`Lemmas 1 and 2 give ...`) are not headers."""
    heads = []
    for match in itertools.islice(_header_lines(text), MAX_HEADERS):
        rest = match.group("rest").strip().strip("*_# ").strip()
        if rest and not match.group("sep"):
            continue
        heads.append((match, rest))
    sections: dict[str, str] = {}
    for i, (match, rest) in enumerate(heads):
        end = heads[i + 1][0].start() if i + 1 < len(heads) else len(text)
        name = " ".join(match.group("name").lower().split())
        sections.setdefault(name, f"{rest}\n{text[match.end():end]}".strip())
    return sections


def _header_lines(text: str):
    """SECTION matches, tried only on lines that hold a section name: a megabyte of short lines
    costs one scan for the names, not a regex attempt per line."""
    line_start, scanned = 0, 0
    for name in SECTION_NAME.finditer(text):
        newline = text.rfind("\n", scanned, name.start())  # only the text not scanned before
        scanned = name.start()
        if newline >= 0:
            line_start = newline + 1
        elif line_start < 0:
            continue
        match = SECTION.match(text, line_start)
        if match:
            yield match
            line_start = -1  # one header per line


def _renumber(drafts: list[LemmaDraft], next_number: int, library_numbers: set[str]) -> list[LemmaDraft]:
    """Keep the model's numbers when they continue the library; otherwise renumber and
    rewrite this batch's citations to match."""
    mapping: dict[str, str] = {}
    number = next_number
    for draft in drafts:
        if draft.fixed_of is not None and draft.fixed_of in library_numbers:
            continue
        mapping[draft.number] = str(number)
        number += 1
    renumbered = []
    for draft in drafts:
        new_number = mapping.get(draft.number, draft.number)
        # A number this batch defines means this batch's lemma, even if the library has one too.
        citations = [[mapping.get(c, c) for c in step] for step in draft.step_citations]
        renumbered.append(LemmaDraft(new_number, draft.statement, draft.steps, citations, draft.proven))
    return renumbered
