"""``cmat serve``: serve a model over an OpenAI-compatible HTTP API (wiring only; see
:mod:`cmat.serve`)."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand to the ``cmat`` parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve a model over an OpenAI-compatible HTTP API",
        description="Serve a model at /v1/chat/completions with micro-batching of concurrent requests.",
    )
    parser.add_argument(
        "--model",
        default="hf",
        metavar="SPEC",
        help="model spec: hf (embedded SmolLM2), hf:<path-or-id>, openai:<model>, mock:<file>",
    )
    parser.add_argument("--adapter", default=None, metavar="PATH", help="LoRA adapter folder for hf models")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (0 picks a free one)")
    parser.add_argument(
        "--max-batch", type=int, default=32, help="most requests answered by one generate call"
    )
    parser.add_argument(
        "--batch-wait-ms",
        type=float,
        default=5.0,
        help="how long to wait for more requests before generating",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the model, serve until Ctrl-C or SIGTERM, then shut down gracefully."""
    from cmat.registry import make_llm
    from cmat.serve import serve

    llm = make_llm(args.model, adapter=args.adapter)
    server = serve(llm, args.host, args.port, max_batch=args.max_batch, max_wait=args.batch_wait_ms / 1000)
    print(f"cmat serve: {llm.name} at {server.base_url} (Ctrl-C to stop)", flush=True)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    print("cmat serve: stopped", flush=True)
    return 0
