"""Versioned trajectory records (one JSONL line per episode) and their loaders."""

from cmat.trajectories.schema import SCHEMA, Attempt, Trajectory, Turn, load_record

__all__ = ["SCHEMA", "Attempt", "Trajectory", "Turn", "load_record"]
