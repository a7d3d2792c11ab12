"""The command language of an interactive session: verbs, parsing into typed commands, help."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lemmata.agent.errors import LemmataError


class SessionVerb(StrEnum):
    CONTINUE = "continue"
    STOP = "stop"
    HINT = "hint"
    PIN = "pin"
    UNPIN = "unpin"
    REJECT = "reject"
    EDIT = "edit"
    LEMMA = "lemma"
    VERIFY = "verify"
    ROUNDS = "rounds"
    VOTES = "votes"
    LIBRARY = "library"
    SAVE = "save"
    QUIT = "quit"
    HELP = "help"


class ArgumentKind(StrEnum):
    NONE = "none"
    TEXT = "text"
    LEMMA = "lemma"
    """A lemma number as the library table shows it."""
    LEMMA_AND_TEXT = "lemma_and_text"
    COUNT = "count"
    """A positive integer."""


@dataclass(frozen=True)
class VerbSpec:
    arguments: ArgumentKind
    usage: str
    """What follows the verb, as /help shows it."""
    help: str


VERBS: dict[SessionVerb, VerbSpec] = {
    SessionVerb.CONTINUE: VerbSpec(ArgumentKind.NONE, "", "run the next round (an empty line does the same)"),
    SessionVerb.STOP: VerbSpec(ArgumentKind.NONE, "", "end the rounds: verify the final solution and show the result"),
    SessionVerb.HINT: VerbSpec(ArgumentKind.TEXT, "TEXT", "a hint shown to the reasoner in the next round"),
    SessionVerb.PIN: VerbSpec(ArgumentKind.LEMMA, "N", "always show lemma N to the models, whatever the budget"),
    SessionVerb.UNPIN: VerbSpec(ArgumentKind.LEMMA, "N", "undo /pin N"),
    SessionVerb.REJECT: VerbSpec(ArgumentKind.LEMMA, "N", "never show lemma N to the models again"),
    SessionVerb.EDIT: VerbSpec(ArgumentKind.LEMMA_AND_TEXT, "N TEXT", "replace the statement of lemma N (votes restart)"),
    SessionVerb.LEMMA: VerbSpec(ArgumentKind.TEXT, "TEXT", "add your own lemma to the library"),
    SessionVerb.VERIFY: VerbSpec(ArgumentKind.LEMMA, "N", "ask the verifiers to check lemma N again"),
    SessionVerb.ROUNDS: VerbSpec(ArgumentKind.COUNT, "K", "set the round cap to K"),
    SessionVerb.VOTES: VerbSpec(ArgumentKind.COUNT, "K", "set the verifier votes per new lemma to K"),
    SessionVerb.LIBRARY: VerbSpec(ArgumentKind.NONE, "", "show the lemma library and the budgets"),
    SessionVerb.SAVE: VerbSpec(ArgumentKind.NONE, "", "save and quit; reopen with lemmata solve -i --resume ID"),
    SessionVerb.QUIT: VerbSpec(ArgumentKind.NONE, "", "quit without finishing (the run stays stored)"),
    SessionVerb.HELP: VerbSpec(ArgumentKind.NONE, "", "this list"),
}

ENDING_VERBS = frozenset({SessionVerb.CONTINUE, SessionVerb.STOP, SessionVerb.SAVE, SessionVerb.QUIT})
"""Verbs that end the prompt between rounds; the others act and prompt again."""


class CommandError(LemmataError):
    """A line typed at the session prompt is not a command; the message says what is."""


@dataclass(frozen=True)
class SessionCommand:
    verb: SessionVerb
    lemma: str | None = None
    """The lemma number, for verbs about one lemma."""
    text: str = ""
    count: int | None = None


def parse_command(line: str) -> SessionCommand:
    """One typed line as a command; an empty line continues. Raises CommandError."""
    line = line.strip()
    if not line:
        return SessionCommand(SessionVerb.CONTINUE)
    if not line.startswith("/"):
        raise CommandError(f"'{_short(line)}' is not a command; commands start with / (try /help, or /hint TEXT)")
    word, _, rest = line[1:].partition(" ")
    verb = _verb(word)
    spec, rest = VERBS[verb], rest.strip()
    match spec.arguments:
        case ArgumentKind.NONE:
            if rest:
                raise CommandError(f"/{verb} takes no argument; got '{_short(rest)}'")
            return SessionCommand(verb)
        case ArgumentKind.TEXT:
            if not rest:
                raise CommandError(f"/{verb} needs text: /{verb} {spec.usage}")
            return SessionCommand(verb, text=rest)
        case ArgumentKind.LEMMA:
            number, _, extra = rest.partition(" ")
            if not number or extra.strip():
                raise CommandError(f"/{verb} needs one lemma number: /{verb} N (see /library)")
            return SessionCommand(verb, lemma=number)
        case ArgumentKind.LEMMA_AND_TEXT:
            number, _, text = rest.partition(" ")
            if not number or not text.strip():
                raise CommandError(f"/{verb} needs a lemma number and text: /{verb} {spec.usage}")
            return SessionCommand(verb, lemma=number, text=text.strip())
        case ArgumentKind.COUNT:
            if not rest.isdigit() or int(rest) < 1:
                raise CommandError(f"/{verb} needs a positive whole number: /{verb} K")
            return SessionCommand(verb, count=int(rest))
    raise AssertionError(spec.arguments)


def command_names() -> list[str]:
    """Every command as typed, for completion."""
    return [f"/{verb}" for verb in SessionVerb]


def help_lines() -> list[str]:
    return [f"/{verb} {spec.usage}".ljust(18) + spec.help for verb, spec in VERBS.items()]


def _verb(word: str) -> SessionVerb:
    try:
        return SessionVerb(word.lower())
    except ValueError:
        matches = [verb for verb in SessionVerb if verb.startswith(word.lower())] if word else []
        if len(matches) == 1:
            return matches[0]  # an unambiguous prefix: /c, /lib
        if matches:
            raise CommandError(f"'/{word}' could be {' or '.join(f'/{verb}' for verb in matches)}; type more of it") from None
        raise CommandError(f"unknown command '/{word}'; /help lists the commands") from None


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
