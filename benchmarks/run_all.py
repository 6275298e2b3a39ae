"""Run every benchmark in this folder, one after the other (results go to RESULTS.md).

Run from the repository root as a module (``make bench`` does): ``python -m benchmarks.run_all``;
one benchmark alone: ``python -m benchmarks.bench_core``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

here = Path(__file__).parent
failed = []
for script in sorted(here.glob("bench_*.py")):
    print(f"== {script.name}", flush=True)
    if subprocess.run([sys.executable, "-m", f"benchmarks.{script.stem}"],
                      cwd=here.parent).returncode != 0:
        failed.append(script.name)
if failed:
    print(f"failed: {', '.join(failed)}")
    sys.exit(1)
