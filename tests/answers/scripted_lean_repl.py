"""A stand-in for the Lean REPL that speaks its JSON protocol (blank-line separated) from a script.

Run as `python scripted_lean_repl.py`. Replies depend on the command text:
`import …` → a fresh environment; text containing `sorry` → a sorry; `error` → an error
message; `hang` → no reply; `garbage` → non-JSON output; `crash` → exit; anything else → ok.
"""

from __future__ import annotations

import json
import sys
import time


def reply(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload, indent=2) + "\n\n")
    sys.stdout.flush()


def answer(command: dict, next_env: int) -> None:
    text = command.get("cmd", "")
    if "env" in command and command["env"] != 0:
        reply({"message": f"unknown environment {command['env']}"})
    elif text.startswith("import"):
        reply({"env": next_env})
    elif "hang" in text:
        time.sleep(3600)
    elif "garbage" in text:
        sys.stdout.write("this is not json\n\n")
        sys.stdout.flush()
    elif "crash" in text:
        sys.exit(3)
    elif "sorry" in text:
        reply({"env": next_env, "sorries": [{"pos": {"line": 1, "column": 30}, "goal": "⊢ 1 + 1 = 2"}],
               "messages": [{"severity": "warning", "data": "declaration uses 'sorry'"}]})
    elif "error" in text:
        reply({"env": next_env, "messages": [{"severity": "error", "pos": {"line": 1, "column": 0},
                                              "data": "unknown identifier 'error'"}]})
    else:
        reply({"env": next_env})


def main() -> None:
    buffer: list[str] = []
    next_env = 0
    for line in sys.stdin:
        if line.strip():
            buffer.append(line)
            continue
        if buffer:
            answer(json.loads("".join(buffer)), next_env)
            next_env += 1
            buffer = []


if __name__ == "__main__":
    main()
