"""`import cmat` must stay light: no torch, transformers or database drivers."""

from __future__ import annotations

import subprocess
import sys


def test_import_cmat_does_not_import_heavy_packages() -> None:
    code = (
        "import sys, cmat, cmat.registry, cmat.cli.main, cmat.evaluation.run;"
        "heavy = [m for m in ('torch', 'transformers', 'pymysql', 'peft', 'trl') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
