"""The playground's web server: Python's standard ``http.server``, on 127.0.0.1 only.

It serves the page and its script and style (package data: nothing from the internet)
and answers JSON requests with :mod:`.api` and :mod:`.trainer`. What keeps it safe to
run on a learner's machine:

* it binds to 127.0.0.1, never to other interfaces;
* it answers only requests whose ``Host`` is ``127.0.0.1:PORT`` or ``localhost:PORT``
  (400 otherwise), so a web page elsewhere cannot reach it through DNS rebinding, and
  refuses JSON requests from another ``Origin`` (403);
* a request body is JSON of at most :data:`MAX_BODY` bytes (413 beyond), and it runs no
  code: expressions go through the CLI's safe parser only;
* an error in one request is answered (with a message the page shows) and the server
  goes on serving.
"""

from __future__ import annotations

import json
import math
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any, ClassVar

from ..cli.expr import ExpressionError
from .api import BadRequest, descent, descent_setup, graph, parse, steps
from .trainer import Sessions

__all__ = ["HOST", "MAX_BODY", "PlaygroundServer"]

HOST = "127.0.0.1"
MAX_BODY = 64 * 1024
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/app.css": ("app.css", "text/css; charset=utf-8")}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'")


class PlaygroundServer(ThreadingHTTPServer):
    """A threading HTTP server bound to 127.0.0.1 that knows its trainers."""

    daemon_threads = True

    def __init__(self, port: int = 0, quiet: bool = True) -> None:
        self.sessions = Sessions()
        self.quiet = quiet
        super().__init__((HOST, port), _Handler)
        self.port: int = self.server_address[1]
        self.allowed_hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self.allowed_origins = {f"http://{h}" for h in self.allowed_hosts}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def server_close(self) -> None:
        self.sessions.stop_all()
        super().server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PlaygroundServer
    protocol_version = "HTTP/1.1"
    server_version = "autograd-mini-playground"
    ROUTES: ClassVar[dict[str, str]] = {
        "/api/parse": "parse", "/api/graph": "graph", "/api/steps": "steps",
        "/api/descent": "descent",
        "/api/descent/setup": "descent_setup", "/api/train/start": "train_start",
        "/api/train/poll": "train_poll", "/api/train/stop": "train_stop",
    }

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            sys.stderr.write(f"playground: {format % args}\n")

    # ---- answers
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(_finite(payload), allow_nan=False).encode("utf-8"),
                   "application/json; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self.close_connection = True
        self._json(status, {"error": message})

    def _host_ok(self) -> bool:
        host = self.headers.get("Host", "")
        if host.lower() in self.server.allowed_hosts:
            return True
        self._error(HTTPStatus.BAD_REQUEST, f"this server answers only to "
                    f"http://127.0.0.1:{self.server.port}/ (Host {host!r} refused)")
        return False

    # ---- GET: the page, its script and style
    def do_GET(self) -> None:
        if not self._host_ok():
            return
        path = self.path.split("?", 1)[0]
        if path == "/favicon.ico":  # no icon: say so without an error in the console
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            return
        if path not in STATIC:
            self._error(HTTPStatus.NOT_FOUND, f"no page {path!r} here; the playground is at /")
            return
        name, content_type = STATIC[path]
        body = resources.files(__package__).joinpath("static").joinpath(name).read_bytes()
        self._send(HTTPStatus.OK, body, content_type)

    do_HEAD = do_GET

    # ---- POST: JSON in, JSON out
    def do_POST(self) -> None:
        if not self._host_ok():
            return
        origin = self.headers.get("Origin")
        if origin is not None and origin not in self.server.allowed_origins:
            self._error(HTTPStatus.FORBIDDEN, f"requests from {origin!r} are refused")
            return
        route = self.ROUTES.get(self.path)
        if route is None:
            self._error(HTTPStatus.NOT_FOUND, f"no API {self.path!r}")
            return
        request = self._body()
        if request is None:
            return
        try:
            answer = self._answer(route, request)
        except (ExpressionError, BadRequest) as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
        except Exception as exc:  # a bug, not the learner's fault: say so, keep serving
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR,
                       {"error": f"the playground failed: {type(exc).__name__}: {exc}"})
        else:
            self._json(HTTPStatus.OK, answer)

    def _body(self) -> Any:
        """The request's JSON, or None after answering why it cannot be read."""
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send JSON (Content-Type: "
                        "application/json)")
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._error(HTTPStatus.LENGTH_REQUIRED, "a request needs its Content-Length")
            return None
        if not 0 <= length <= MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        f"the request has {length} bytes; at most {MAX_BODY} are accepted")
            return None
        try:
            return json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            self._error(HTTPStatus.BAD_REQUEST, f"the request is not JSON: {exc}")
            return None

    def _answer(self, route: str, request: Any) -> dict[str, Any]:
        if not isinstance(request, dict):
            raise BadRequest("the request must be a JSON object")
        sessions = self.server.sessions
        if route == "parse":
            return parse(request)
        if route == "graph":
            return graph(request)
        if route == "steps":
            return steps(request)
        if route == "descent":
            return descent(request)
        if route == "descent_setup":
            return descent_setup()
        if route == "train_start":
            return sessions.start(request)
        if route == "train_poll":
            return sessions.poll(request)
        return sessions.stop(request)


def _finite(x: Any) -> Any:
    """JSON has no nan or inf: such numbers travel as the strings "nan", "inf", "-inf"."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def run_in_thread(server: PlaygroundServer) -> threading.Thread:
    """Serve in a daemon thread (for notebooks and tests); ``server.shutdown()`` stops it."""
    thread = threading.Thread(target=server.serve_forever, name="autograd-mini-playground",
                              daemon=True)
    thread.start()
    return thread
