"""The viewer's pages as server-rendered HTML. Every piece of stored text (model output, dataset
text, ids) goes through `escape` or `text_html`; the pages carry no script and load nothing from
outside: the style sheet is inline and TeX is MathML, which the browser draws itself."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from lemmata.agent.evaluation.runs import RunSummary
from lemmata.agent.viewer.data import Grid, Shot
from lemmata.agent.viewer.tex_html import text_html
from lemmata.memory.lemmas.format import step_number
from lemmata.memory.statuses import RunStatus, ShotStatus

REFRESH_SECONDS = 5

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:.6em 1.2em}header a{color:#fff;text-decoration:none;font-weight:600}
main{padding:1em 1.2em;max-width:1400px}a{color:#1858b8}h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse;background:#fff;margin:.5em 0}td,th{border:1px solid #d8dce3;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#eef0f4}.num{text-align:right}.dim{color:#6b7280}.bad{color:#b42318;font-weight:600}.good{color:#177245;font-weight:600}
.grid td{padding:0;border:1px solid #fff}.grid td a{display:block;width:1.6em;height:1.6em;line-height:1.6em;text-align:center;font-size:11px;text-decoration:none;color:#fff}
.correct{background:#2e9d5b}.incorrect{background:#d04437}.ungraded{background:#8a94a6}.failed{background:#6d1a12}.running{background:#3b7dd8}.missing{background:#e4e7ec}
.legend span{display:inline-block;padding:0 .5em;margin-right:.4em;color:#fff;border-radius:3px}
.card{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:.6em 1em;margin:.8em 0}
.card.parse-failed{border-color:#b42318;background:#fff5f4}.text{white-space:pre-wrap;overflow-wrap:anywhere}
details>summary{cursor:pointer;color:#1858b8}.pager a,.pager span{margin-right:.8em}svg{max-width:100%;height:auto}
math[display=block]{margin:.4em 0}
"""


def page(title: str, body: str, *, live: bool = False) -> str:
    """A whole document; `live` pages reload themselves while their run is still going."""
    refresh = f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">' if live else ""
    note = f'<p class="dim">running: this page reloads every {REFRESH_SECONDS} s</p>' if live else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">{refresh}<title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f'<body><header><a href="/">Lemmata runs</a></header><main>{note}{body}</main></body></html>')


def runs_html(runs: list[RunSummary], page_number: int, more: bool, store_path: str) -> str:
    rows = []
    for run in runs:
        accuracy = "-" if run.accuracy is None else f"{100 * run.accuracy:.1f}% ({run.correct}/{run.graded})"
        rows.append(
            f'<tr><td><a href="/run/{quote(run.id)}">{escape(run.id)}</a></td><td>{escape(run.kind)}</td>'
            f"<td>{escape(run.dataset)}</td><td>{escape(run.model)}</td>{_status_cell(run.status)}"
            f'<td class="num">{run.samples_done}/{run.samples_planned}</td><td class="num">{accuracy}</td>'
            f"<td>{escape(run.started[:19].replace('T', ' '))}</td></tr>")
    table = ("<table><tr><th>run</th><th>kind</th><th>dataset / problem</th><th>model</th><th>status</th>"
             "<th>samples done</th><th>accuracy</th><th>started</th></tr>" + "".join(rows) + "</table>"
             if rows else "<p>No runs yet: start one with <code>lemmata solve</code> or <code>lemmata batch</code>.</p>")
    body = (f"<h1>Runs</h1><p class=\"dim\">store {escape(store_path)} · newest first</p>{table}"
            + _pager("/", page_number, more))
    return page("Lemmata runs", body, live=any(run.status == RunStatus.RUNNING for run in runs))


def grid_html(grid: Grid, page_number: int, per_page: int) -> str:
    run = grid.run
    run_id = run["id"]
    header = "".join(f'<th class="num">{sample}</th>' for sample in range(grid.samples))
    rows = []
    for pid in grid.problem_ids:
        cells = []
        for sample in range(grid.samples):
            cell = grid.cells.get((pid, sample))
            if cell is None:
                cells.append('<td><a class="missing" title="not started">·</a></td>')
                continue
            kind = _cell_kind(cell)
            title = f"{pid} sample {sample}: {cell['status']} · {cell['verdict'] or 'ungraded'} · answer {cell['answer'] or '-'}"
            mark = {"correct": "✓", "incorrect": "✗", "failed": "!", "running": "…"}.get(kind, "?")
            cells.append(f'<td><a class="{kind}" title="{escape(title)}" '
                         f'href="/run/{quote(run_id)}/{quote(pid, safe="")}/{sample}">{mark}</a></td>')
        rows.append(f'<tr><th><a href="/run/{quote(run_id)}/{quote(pid, safe="")}/0">{escape(pid)}</a></th>{"".join(cells)}</tr>')
    more = (page_number + 1) * per_page < grid.problems_total
    first = page_number * per_page + 1
    shown = f"problems {first}–{first + len(grid.problem_ids) - 1} of {grid.problems_total}" if grid.problem_ids else "no samples yet"
    legend = ('<p class="legend"><span class="correct">✓ correct</span><span class="incorrect">✗ incorrect</span>'
              '<span class="ungraded">? not graded</span><span class="failed">! failed</span>'
              '<span class="running">… running</span><span class="missing">· not started</span></p>')
    body = (f"<h1>Run {escape(run_id)}</h1><p>{escape(run['command'] or '-')} · {_status_text(run['status'])} · "
            f"started {escape((run['created_at'] or '')[:19].replace('T', ' '))} · {shown}</p>{legend}"
            f'<table class="grid"><tr><th>problem \\ sample</th>{header}</tr>{"".join(rows)}</table>'
            + _pager(f"/run/{quote(run_id)}", page_number, more))
    return page(f"run {run_id}", body, live=run["status"] == RunStatus.RUNNING)


def shot_html(shot: Shot) -> str:
    run, sample, problem = shot.run, shot.sample, shot.problem
    grade = shot.grade
    verdict = ("" if grade is None else f" · graded <span class=\"{'good' if grade['verdict'] == 'correct' else 'bad'}\">"
               f"{escape(grade['verdict'] or '')}</span> against {escape(grade['gold'] or '-')}")
    parts = [
        f'<p><a href="/run/{quote(run["id"])}">← run {escape(run["id"])}</a></p>',
        f"<h1>{escape(problem['id'])} · sample {sample['sample']}</h1>",
        f"<p>status <b>{escape(sample['status'] or '-')}</b> · answer {text_html(sample['answer'] or '-')}{verdict}</p>",
        f'<div class="card"><h2>Problem</h2><div class="text">{text_html(problem.get("text"))}</div></div>',
    ]
    if sample.get("error"):
        parts.append(f'<p class="bad">failed: {escape(sample["error"])}</p>')
    parts.append("<h2>Rounds</h2>" if shot.rounds else "")
    parts += [_round_html(row) for row in shot.rounds]
    if shot.graph_svg:
        parts.append(f'<h2>Lemma dependency graph</h2><p class="dim">every lemma of this problem in the store; an arrow points from a lemma to one that cites it</p><div class="card">{shot.graph_svg}</div>')
    if shot.revisions:
        parts.append("<h2>Final verification and revisions</h2>")
        parts += [_revision_html(row) for row in shot.revisions]
    if shot.geometry_steps:
        parts.append(_geometry_html(shot.geometry_steps))
    if shot.figure:
        parts.append(f'<h2>Figure</h2><div class="card"><img alt="geometry figure" src="/figure/{quote(shot.figure)}"></div>')
    if sample.get("solution"):
        parts.append(f'<h2>Final solution</h2><div class="card text">{text_html(sample["solution"])}</div>')
    parts.append(_tokens_html(shot.tokens))
    return page(f"{problem['id']} sample {sample['sample']}", "".join(parts), live=run["status"] == RunStatus.RUNNING)


def not_found_html(what: str) -> str:
    return page("not found", f"<h1>Not found</h1><p>{escape(what)}</p>")


def _round_html(row: dict) -> str:
    failed = bool(row["parse_error"])
    status = (f'<span class="bad">parse failed: {escape(row["parse_error"])}</span>' if failed
              else escape({"verified": "lemmas checked"}.get(row["status"], row["status"] or "")))
    parts = [f'<div class="card{" parse-failed" if failed else ""}"><h3>Round {row["round"]} · verdict '
             f'{escape(row["verdict"] or "-")} · {status}</h3>']
    reasoner = row["reasoner"]
    if reasoner:
        parts.append(_call_html("reasoner: sketch and solution", reasoner, open_=True))
    summarizer = row["summarizer"]
    if summarizer:
        parts.append(_call_html("summarizer output", summarizer))
    if row["lemmas"]:
        parts.append(f"<h4>Lemmas added ({len(row['lemmas'])})</h4>")
        parts += [_lemma_html(lemma) for lemma in row["lemmas"]]
    parts.append("</div>")
    return "".join(parts)


def _call_html(title: str, call: dict, open_: bool = False) -> str:
    counts = (f"{call['prompt_tokens'] or 0:,} prompt + {call['completion_tokens'] or 0:,} completion tokens · "
              f"{call['latency_s'] or 0:.1f} s" + (" · <span class=\"bad\">truncated</span>" if call["truncated"] else ""))
    error = f'<p class="bad">call failed: {escape(call["error"])}</p>' if call["error"] else ""
    thinking = (f"<details><summary>thinking ({len(call['reasoning']):,} chars)</summary>"
                f'<div class="text dim">{escape(call["reasoning"])}</div></details>' if call["reasoning"] else "")
    return (f"<details{' open' if open_ else ''}><summary>{escape(title)} · {counts}</summary>{error}{thinking}"
            f'<div class="text">{text_html(call["text"])}</div></details>')


def _lemma_html(lemma: dict) -> str:
    votes = lemma["votes"]
    passes = sum(1 for vote in votes if vote["passed"])
    confidence = "unverified" if lemma["confidence"] is None else f"confidence {lemma['confidence']:.2f}"
    vote_rows = "".join(
        f"<tr><td>{'<span class=good>pass</span>' if vote['passed'] else _failed_vote(vote)}</td>"
        f'<td class="text">{text_html(vote["explanation"])}</td></tr>' for vote in votes)
    steps = "".join(f"<li>{text_html(step)}</li>" for step in _steps(lemma["steps"]))
    return (f'<div class="card"><b>Lemma {escape(lemma["shown_number"] or "")}</b> '
            f'<span class="dim">#{lemma["id"]} · {confidence} · votes {passes}/{len(votes)} · {escape(lemma["status"] or "")}</span>'
            f'<div class="text">{text_html(lemma["statement"])}</div>'
            + (f"<details><summary>proof ({len(_steps(lemma['steps']))} steps)</summary><ol>{steps}</ol></details>" if steps else "")
            + (f"<details><summary>verifier votes and explanations</summary><table>{vote_rows}</table></details>"
               if votes else "") + "</div>")


def _failed_vote(vote: dict) -> str:
    if vote["format_error"] or vote["first_wrong_step"] is None:
        return '<span class="bad">failed (no step named)</span>'
    return f'<span class="bad">failed at step {step_number(vote["first_wrong_step"])}</span>'


def _steps(text: str | None) -> list[str]:
    try:
        steps = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(step) for step in steps] if isinstance(steps, list) else []


def _revision_html(row: dict) -> str:
    verdicts = "".join(
        f"<tr><td>{'<span class=good>pass</span>' if v['passed'] else '<span class=bad>fail ' + escape(v['first_wrong'] or '?') + '</span>'}</td>"
        f'<td class="text">{text_html(v["explanation"])}</td></tr>' for v in row["verdicts"])
    passed = '<span class="good">passed</span>' if row["passed"] else '<span class="bad">not passed</span>'
    return (f'<div class="card"><h3>Loop {row["loop"]} · {row["passes"] or 0}/{row["votes"] or 0} votes · {passed} · '
            f'answer {text_html(row["answer"] or "-")}</h3>'
            f'<details><summary>solution checked</summary><div class="text">{text_html(row["solution"])}</div></details>'
            + (f"<table><tr><th>vote</th><th>explanation</th></tr>{verdicts}</table>" if verdicts else "") + "</div>")


def _geometry_html(steps: list[dict]) -> str:
    rows = "".join(
        f"<tr><td class=num>{step['step']}</td><td>{escape(step['action'] or '')}</td>"
        f"<td class=text>{escape(step['action_text'] or '')}</td>"
        f"<td>{'<span class=good>ok</span>' if step['ok'] else '<span class=bad>refused</span>'}"
        f"{' · <b>goal proved</b>' if step['goal_proved'] else ''}</td>"
        f"<td class=text>{escape(step['feedback'] or '')}</td></tr>" for step in steps)
    return ("<h2>Geometry engine steps</h2><table><tr><th>step</th><th>action</th><th>text</th><th>result</th>"
            f"<th>engine feedback</th></tr>{rows}</table>")


def _tokens_html(tokens: dict[str, dict]) -> str:
    if not tokens:
        return ""
    rows = "".join(
        f"<tr><td>{escape(role)}</td><td class=num>{t['calls']}</td><td class=num>{t['prompt']:,}</td>"
        f"<td class=num>{t['completion']:,}</td><td class=num>{t['seconds']:.1f}</td></tr>"
        for role, t in sorted(tokens.items()))
    return ("<h2>Tokens and time</h2><table><tr><th>role</th><th>calls</th><th>prompt tokens</th>"
            f"<th>completion tokens</th><th>model seconds</th></tr>{rows}</table>")


def _cell_kind(cell: dict) -> str:
    if cell["status"] in (ShotStatus.FAILED, ShotStatus.RUNNING):
        return cell["status"]
    if cell["verdict"] == "correct":
        return "correct"
    if cell["verdict"]:
        return "incorrect"
    return "ungraded"


def _status_cell(status: str) -> str:
    return f"<td>{_status_text(status)}</td>"


def _status_text(status: str | None) -> str:
    css = {RunStatus.FINISHED: "good", RunStatus.FAILED: "bad", RunStatus.INTERRUPTED: "bad"}.get(status or "", "")
    return f'<span class="{css}">{escape(status or "-")}</span>'


def _pager(base: str, page_number: int, more: bool) -> str:
    links = []
    if page_number > 0:
        links.append(f'<a href="{base}?page={page_number - 1}">← previous</a>')
    links.append(f"<span>page {page_number + 1}</span>")
    if more:
        links.append(f'<a href="{base}?page={page_number + 1}">next →</a>')
    return f'<p class="pager">{"".join(links)}</p>'
