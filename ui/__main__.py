"""`python -m ui [--host H] [--port P]`: the same as `inkoopwijzer serve`."""

from __future__ import annotations

import argparse

from .server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ui", description="Serve the Inkoopwijzer chat, desk and API.")
    parser.add_argument("--host", default=None, help="default: INKOOPWIJZER_HOST (127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="default: INKOOPWIJZER_PORT (7860)")
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
