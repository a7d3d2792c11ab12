"""The viewer's HTTP server: the standard library's threading server on 127.0.0.1, GET only,
each request answered from its own read-only connection to the store."""

from __future__ import annotations

import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from lemmata.agent.viewer import data, pages

RUNS_PER_PAGE = 50
PROBLEMS_PER_PAGE = 40
SECURITY_HEADERS = {
    # No script, nothing from elsewhere: stored text can neither run nor phone home.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ROUTES = [
    (re.compile(r"^/$"), "runs"),
    (re.compile(r"^/run/([^/]+)$"), "grid"),
    (re.compile(r"^/run/([^/]+)/([^/]+)/(\d{1,6})$"), "shot"),
    (re.compile(r"^/figure/([A-Za-z0-9._-]+\.svg)$"), "figure"),
]


def make_server(db: Path, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server over the store at `db` (not started); port 0 picks a free port."""
    if not Path(db).is_file():
        raise FileNotFoundError(f"no run store at {db}")
    handler = type("ViewerHandler", (Handler,), {"db_path": Path(db)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


class Handler(BaseHTTPRequestHandler):
    db_path: Path
    server_version = "lemmata-view"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        """Quiet: one line per request would bury the URL the person needs."""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        url = urlsplit(self.path)
        page_number = _page(parse_qs(url.query).get("page", ["0"])[0])
        for pattern, name in ROUTES:
            match = pattern.match(url.path)
            if match:
                store = data.ReadOnlyStore(self.db_path)
                try:
                    getattr(self, f"_{name}")(store, page_number, *(unquote(group) for group in match.groups()))
                finally:
                    store.close()
                return
        self._send(HTTPStatus.NOT_FOUND, pages.not_found_html(f"no page at {url.path}"))

    def do_POST(self) -> None:  # noqa: N802
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, pages.not_found_html("the viewer is read-only"))

    do_PUT = do_DELETE = do_PATCH = do_POST

    def _runs(self, store: data.ReadOnlyStore, page_number: int) -> None:
        runs = data.runs_page(store, page_number, RUNS_PER_PAGE + 1)
        self._send(HTTPStatus.OK, pages.runs_html(runs[:RUNS_PER_PAGE], page_number, len(runs) > RUNS_PER_PAGE,
                                                  str(self.db_path)))

    def _grid(self, store: data.ReadOnlyStore, page_number: int, run_id: str) -> None:
        grid = data.run_grid(store, run_id, page_number, PROBLEMS_PER_PAGE)
        if grid is None:
            self._send(HTTPStatus.NOT_FOUND, pages.not_found_html(f"no run {run_id}"))
        else:
            self._send(HTTPStatus.OK, pages.grid_html(grid, page_number, PROBLEMS_PER_PAGE))

    def _shot(self, store: data.ReadOnlyStore, page_number: int, run_id: str, problem_id: str, sample: str) -> None:
        shot = data.shot(store, run_id, problem_id, int(sample))
        if shot is None:
            self._send(HTTPStatus.NOT_FOUND, pages.not_found_html(f"no sample {sample} of {problem_id} in run {run_id}"))
        else:
            self._send(HTTPStatus.OK, pages.shot_html(shot))

    def _figure(self, store: data.ReadOnlyStore, page_number: int, name: str) -> None:
        path = data.figure_path(store, name)
        if path is None:
            self._send(HTTPStatus.NOT_FOUND, pages.not_found_html("no such figure"))
        else:
            self._send(HTTPStatus.OK, path.read_text(encoding="utf-8", errors="replace"), "image/svg+xml")

    def _send(self, status: HTTPStatus, body: str, content_type: str = "text/html; charset=utf-8") -> None:
        encoded = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(encoded)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(encoded)


def _page(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 7 else 0
