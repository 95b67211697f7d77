"""``okr lsp``: the language server, for the guidance while people type (an optional extra:
``pip install 'okrcli[lsp]'``)."""

from __future__ import annotations

from okrcli.errors import OkrError

MISSING = (
    "okr lsp needs the language server extra, which is not installed; install it with "
    "`pip install 'okrcli[lsp]'` and start okr lsp again."
)


def main() -> None:
    """Serve on stdin and stdout; a clear error (exit 2) when pygls is not installed."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise OkrError(MISSING) from None
    from okrcli.lsp.server import serve

    serve()
