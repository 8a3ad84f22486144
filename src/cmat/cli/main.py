"""The ``cmat`` command: subcommands are thin wiring; logic lives in the library."""

from __future__ import annotations

import argparse
import sys

from cmat.errors import CmatError

SUBCOMMANDS = ("eval_cmd", "run_cmd", "serve_cmd", "memory_cmd", "gen_tasks_cmd", "tune_cmd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cmat", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    import importlib

    for name in SUBCOMMANDS:
        importlib.import_module(f"cmat.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CmatError as exc:
        print(f"cmat: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cmat: interrupted; finished work is saved and a re-run resumes", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
