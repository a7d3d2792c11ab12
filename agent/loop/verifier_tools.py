"""Computations a verifier may ask for before its verdict: `<compute tool="NAME">INPUT</compute>`,
run by lemmata.engines.answers' sandboxed tool, results sent back for one more turn."""

from __future__ import annotations

import re

from lemmata.engines.answers.compute import TOOL_DESCRIPTIONS, ToolName, arun_tool

COMPUTE_TAG = re.compile(r"<compute\s+tool\s*=\s*\"?([a-z_]+)\"?\s*>(.*?)</compute>", re.S | re.I)
MAX_TOOL_CALLS_PER_TURN = 5
MAX_TOOL_TURNS = 2


def tool_menu() -> str:
    """The prompt text that offers the tools."""
    lines = [f'- <compute tool="{name.value}">…</compute>: {what}' for name, what in TOOL_DESCRIPTIONS.items()]
    return "\n".join(lines)


def compute_requests(text: str) -> list[tuple[str, str]]:
    return [(tool.lower(), body.strip()) for tool, body in COMPUTE_TAG.findall(text)][:MAX_TOOL_CALLS_PER_TURN]


async def run_requests(requests: list[tuple[str, str]]) -> list[dict]:
    """Each request's record (name, input, output, status, seconds); unknown tools are refused."""
    known = {name.value for name in ToolName}
    results = []
    for tool, text in requests:
        if tool not in known:
            results.append({"name": tool, "input": text, "output": f"unknown tool; use one of {', '.join(sorted(known))}",
                            "status": "refused", "seconds": 0.0})
            continue
        results.append((await arun_tool(tool, text)).to_dict())
    return results


def results_message(results: list[dict]) -> dict:
    body = "\n".join(f'<result tool="{r["name"]}" status="{r["status"]}">{r["output"]}</result>' for r in results)
    return {"role": "user", "content": f"Computation results:\n{body}\n\nNow give your verdict."}
