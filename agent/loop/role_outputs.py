"""Parse each role's untrusted output into typed records; failures are `OutputParseError`s."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from enum import StrEnum

from lemmata.agent.loop.parsing import boxed_contents
from lemmata.memory.lemmas.records import LemmaDraft, VerifierVote

MAX_LEMMAS_PER_SUMMARY = 50
MAX_STEPS_PER_PROOF = 200
NO_NEW_LEMMAS = "NO NEW LEMMAS"

LEMMA_BLOCK = re.compile(r"<lemma>(.*?)(?:</lemma>|(?=<lemma>)|\Z)", re.S | re.I)
LEMMA_HEAD = re.compile(r"^\W*Lemma\s+(-?\d+(?:-fixed)?)\s*(?:\([^)\n]*\))?\s*[:.]\W*", re.I)
PROOF_HEAD = re.compile(r"^\W*Proof(?:\s+-?\d+(?:-fixed)?)?\s*[:.]\W*", re.I | re.M)
STEP_HEAD = re.compile(r"^\W*Step\s+(\d+)\s*[:.]\W*\s*", re.I)
CITATION = re.compile(r"Lemma\s+(\d+(?:-fixed)?)", re.I)
STEP_VERDICT = re.compile(r"^\s*(STEP|LEMMA)\s*(-?\d{1,9})\s*$", re.I)  # bounded: int() of 5000 digits raises
SECTION_NAMES = ("verdict", "method sketch", "detailed solution", "lemmas")
SECTION = re.compile(
    r"^[ \t]*+(?:#{1,6}[ \t]*+)?(?:(?:\*\*|__)[ \t]*+)?(?:[0-9a-z]{1,2}[.)][ \t]++)?"
    r"(?P<name>verdict|method sketch|detailed solution|lemmas)[ \t]*+(?:(?:\*\*|__)[ \t]*+)?"
    r"(?:(?P<sep>[:\-\u2013\u2014])[ \t]*+)?(?:(?:\*\*|__)[ \t]*+)?(?P<rest>[^\n]*)$",
    re.I | re.M,
)
"""A section header as models write it: `## Verdict`, `## Verdict:`, `**Verdict:** complete`,
`Verdict - partial`, `### 2. Detailed Solution ###`; text after a separator belongs to the section.
Possessive spaces: a line of a million blanks must not be tried in every split."""
SECTION_NAME = re.compile(r"verdict|method sketch|detailed solution|lemmas", re.I)
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
    sketch: str
    solution: str
    """The detailed solution (the whole answer when it has no sections)."""
    proven: list[LemmaDraft] = field(default_factory=list)
    unproven: list[LemmaDraft] = field(default_factory=list)


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
            return ReasonerOutput(verdict=Verdict.PARTIAL, sketch="", solution="")
        raise OutputParseError("no '## Verdict' or '## Detailed solution' section (not the asked structure)")
    verdict = _verdict(sections.get("verdict", ""))
    solution = sections.get("detailed solution", text).strip()
    if verdict is Verdict.PARTIAL and _says_no_solution(sections.get("detailed solution")):
        solution = ""
    boxes = boxed_contents(sections.get("lemmas", ""))
    proven = _lemma_list(boxes[0]) if boxes else []
    unproven = _lemma_list(boxes[1], require_proof=False) if len(boxes) > 1 else []
    return ReasonerOutput(
        verdict=verdict,
        sketch=sections.get("method sketch", ""),
        solution=solution,
        proven=proven,
        unproven=unproven,
    )


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
    drafts = [_lemma_block(block) for block in blocks]
    return _renumber(drafts, next_number, library_numbers)


def parse_lemma_vote(text: str) -> VerifierVote:
    """A lemma verifier's verdict: the first wrong step, all correct, or FORMAT_ERROR."""
    explanation = text.strip()[-4000:]
    for content in reversed(boxed_contents(text)):
        match = STEP_VERDICT.match(content)
        if match and match.group(1).upper() == "STEP":
            return VerifierVote(int(match.group(2)), explanation)
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
    """The solution as numbered steps (paragraphs), as the process verifier reads it."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", solution) if p.strip()]
    return "\n\n".join(f"Step {i}: {p}" for i, p in enumerate(paragraphs))


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


def _lemma_list(box: str, require_proof: bool = True) -> list[LemmaDraft]:
    chunks = [c for c in re.split(r"^\s*-{3,}\s*$", box, flags=re.M) if c.strip()]
    drafts = []
    for chunk in chunks:
        try:
            drafts.append(_lemma_block(chunk, require_proof=require_proof))
        except OutputParseError:
            continue  # "Lemma -1" and other non-lemmas in the reasoner's boxes
    return [d for d in drafts if not d.number.startswith("-")]


def _lemma_block(block: str, require_proof: bool = True) -> LemmaDraft:
    block = block.strip()
    head = LEMMA_HEAD.match(block)
    if head is None:
        raise OutputParseError(f"a lemma block does not start with 'Lemma N:' ({block[:60]!r})")
    number = head.group(1)
    body = block[head.end():]
    proof = PROOF_HEAD.search(body)
    if proof is None:
        if require_proof:
            raise OutputParseError(f"lemma {number} has no proof")
        return LemmaDraft(number, body.strip(), proven=False)
    statement = body[: proof.start()].strip()
    if not statement:
        raise OutputParseError(f"lemma {number} has no statement")
    steps = _steps(body[proof.end():])
    if not steps:
        raise OutputParseError(f"lemma {number} has a proof with no steps")
    citations = [[c for c in _citations(step) if c != number] for step in steps]
    return LemmaDraft(number, statement, steps, citations)


def _steps(proof: str) -> list[str]:
    steps: list[str] = []
    for line in proof.splitlines():
        head = STEP_HEAD.match(line)
        if head:
            steps.append(line[head.end():].strip())
        elif line.strip() and steps:
            steps[-1] = f"{steps[-1]}\n{line.strip()}"
        elif line.strip():
            steps.append(line.strip())  # a proof written as prose is one step
        if len(steps) > MAX_STEPS_PER_PROOF:
            raise OutputParseError(f"a proof with more than {MAX_STEPS_PER_PROOF} steps")
    return [s.strip("* ").strip() for s in steps if s.strip("* ").strip()]


def _citations(step: str) -> list[str]:
    seen: dict[str, None] = {}
    for number in CITATION.findall(step):
        seen.setdefault(number, None)
    return list(seen)


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
