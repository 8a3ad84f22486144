"""``cmat memory``: inspect, search and clear the long-term memory file."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

DEFAULT_PATH = "runs/memory.sqlite"
EPILOG = """examples:
  cmat memory list --env dbbench
  cmat memory search "sum the points of table Football Team Results" -k 5 --embedder bm25
  cmat memory clear --scope eval:run1:task7 --yes
  cmat memory stats"""


def register(sub: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--path", default=DEFAULT_PATH, help=f"memory file (default: {DEFAULT_PATH})")
    parser = sub.add_parser(
        "memory", help="inspect, search and clear long-term memory", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="memory_command", required=True)
    listing = actions.add_parser("list", parents=[common], help="list entries as a table")
    listing.add_argument("--env", help="only this environment")
    listing.add_argument("--scope", help="only this scope (default: every scope)")
    listing.add_argument("--limit", type=int, help="at most this many rows")
    search = actions.add_parser("search", parents=[common], help="top-k entries for a query")
    search.add_argument("query", help="the text to search for (e.g. a task description)")
    search.add_argument("-k", type=int, default=5, help="how many entries (default: 5)")
    search.add_argument("--embedder", default="minilm", help="minilm | hashing | bm25 (default: minilm)")
    search.add_argument("--env", help="only this environment")
    search.add_argument("--scope", action="append", default=None,
                        help="a visible scope (repeatable; default: global)")
    clear = actions.add_parser("clear", parents=[common], help="delete entries")
    clear.add_argument("--scope", help="only this scope")
    clear.add_argument("--env", help="only this environment")
    clear.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    actions.add_parser("stats", parents=[common], help="counts by kind, env and scope")
    seed = actions.add_parser("seed", parents=[common], help="store a training run's successes as experiences")
    seed.add_argument("run_dir", help="a `cmat eval` output directory of a run on training tasks")
    seed.add_argument("--embedder", default="minilm", help="minilm | hashing | bm25 (default: minilm)")
    seed.add_argument("--eval-file", action="append", default=[],
                      help="an evaluation data file to protect (repeatable; the bundled dev sets always are)")
    parser.set_defaults(func=run)


def _row(*cells: str) -> str:
    widths = (32, 10, 10, 14, 22)
    return "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths, strict=False)) + "  " + cells[-1]


def _preview(text: str) -> str:
    return " ".join(text.split())[:60]


def run(args: argparse.Namespace) -> int:
    from cmat.memory import LongTermMemory, make_embedder

    if args.memory_command == "seed":
        return _seed(args)
    embedder = make_embedder(args.embedder) if args.memory_command == "search" else None
    with LongTermMemory(args.path, embedder) as memory:
        if args.memory_command == "list":
            scopes = None if args.scope is None else [args.scope]
            print(_row("id", "kind", "env", "type", "scope", "content"))
            for e in memory.list(env=args.env, scopes=scopes, limit=args.limit):
                print(_row(e.id, e.kind, e.env, e.task_type, e.scope, _preview(e.content)))
        elif args.memory_command == "search":
            hits = memory.search(args.query, args.k, env=args.env, visible_scopes=args.scope or ("global",))
            for entry, score in hits:
                where = f"{entry.kind}/{entry.env}/{entry.scope}"
                print(f"{score:8.4f}  {entry.id}  [{where}]  {_preview(entry.content)}")
        elif args.memory_command == "clear":
            return _clear(memory, args)
        else:
            print(json.dumps(memory.stats(), indent=2))
    return 0


def _clear(memory: Any, args: argparse.Namespace) -> int:
    count = memory.count(scope=args.scope, env=args.env)
    if count and not args.yes and sys.stdin.isatty():
        answer = input(f"delete {count} entries from {memory.path}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return 1
    print(f"deleted {memory.clear(scope=args.scope, env=args.env)} entries")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from cmat.envs.dbbench.data import default_dev_path
    from cmat.envs.os_interaction.data import default_dev_path as os_dev_path
    from cmat.memory import LongTermMemory, make_embedder
    from cmat.runner.experiences import seed_memory

    protected = [default_dev_path(), os_dev_path(), *args.eval_file]
    with LongTermMemory(args.path, make_embedder(args.embedder)) as memory:
        report = seed_memory(memory, args.run_dir, protected)
    print(f"stored {report.stored} experiences from {report.records} episodes "
          f"({report.skipped_failures} failures skipped) in {args.path}")
    return 0
