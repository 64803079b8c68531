"""The playground: a local web page to see the engine move.

``autograd-mini serve`` (or ``autograd_mini.playground.serve()``) serves it on
http://127.0.0.1:8765/ and opens it in the browser; in a notebook,
``autograd_mini.playground.show()`` starts it in the background and embeds it::

    from autograd_mini import playground
    playground.show()            # the page in an IFrame, below the cell

Four views, every number computed by the engine on the server: an expression with a
slider per variable (the graph redrawn with values, gradients and local derivatives),
the backward pass step by step, gradient descent on the course's example (the slide's
figures beside the exact ones) and a trainer for toy data sets with a live decision
boundary. The server listens on 127.0.0.1 only and runs no code: expressions go through
the CLI's safe parser. Nothing here is loaded by ``import autograd_mini``.
"""

from __future__ import annotations

import html
import webbrowser

from .server import PlaygroundServer, run_in_thread

__all__ = ["DEFAULT_PORT", "Playground", "serve", "show", "start"]

DEFAULT_PORT = 8765


class Playground:
    """A playground server running in a background thread: ``.url``, ``.iframe()``, ``.stop()``.

    The last expression of a notebook cell shows it as the page in an IFrame.
    """

    def __init__(self, server: PlaygroundServer) -> None:
        self.server = server
        self.thread = run_in_thread(server)

    @property
    def url(self) -> str:
        return self.server.url

    def iframe(self, width: str = "100%", height: int = 720) -> IFrame:
        """The page as a notebook display object (an ``<iframe>``, as IPython's IFrame)."""
        return IFrame(self.url, width, height)

    def _repr_html_(self) -> str:
        return self.iframe()._repr_html_()

    def stop(self) -> None:
        """Stop serving, end the trainers and free the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __repr__(self) -> str:
        return f"<Playground at {self.url}: .iframe(), .stop()>"


class IFrame:
    """An ``<iframe>`` for Jupyter's display (no IPython import needed)."""

    def __init__(self, src: str, width: str | int = "100%", height: str | int = 720) -> None:
        self.src, self.width, self.height = src, width, height

    def _repr_html_(self) -> str:
        return (f"<iframe src='{html.escape(self.src, quote=True)}' width='{self.width}' "
                f"height='{self.height}' style='border: 1px solid #ddd'></iframe>")

    def __repr__(self) -> str:
        return f"<IFrame of {self.src}>"


def _server(port: int, quiet: bool) -> PlaygroundServer:
    try:
        return PlaygroundServer(port, quiet=quiet)
    except OSError as exc:
        raise OSError(f"cannot serve the playground on 127.0.0.1:{port}: {exc.strerror or exc}"
                      " (another program may be using that port; port 0 picks a free one)"
                      ) from None


def start(port: int = 0, quiet: bool = True) -> Playground:
    """Serve the playground in a background thread and return it (port 0: any free port)."""
    return Playground(_server(port, quiet))


_shown: Playground | None = None


def show(width: str = "100%", height: int = 720) -> IFrame:
    """In a notebook: start one background playground (the first time) and embed it."""
    global _shown
    if _shown is None:
        _shown = start()
    return _shown.iframe(width, height)


def serve(port: int = DEFAULT_PORT, open_browser: bool = True, quiet: bool = False) -> None:
    """Serve the playground until Ctrl-C, opening it in the browser."""
    server = _server(port, quiet)
    print(f"autograd-mini playground: {server.url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        server.server_close()
