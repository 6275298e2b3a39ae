"""The house rules (import-linter contracts in pyproject.toml) hold, and they bite when broken.

``make test`` runs ``lint-imports`` before pytest; this test runs it too and then breaks two
rules on a copy of the package, so a contract that silently stopped checking (a renamed
package, a typo in a module list) fails here instead of passing forever.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    # --no-cache: a cache from the real tree must not answer for the copy.
    only = [arg for c in contracts for arg in ("--contract", c)]
    return subprocess.run([str(LINT), "--no-cache", *only], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)})


def test_the_tree_keeps_every_contract():
    out = _lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "BROKEN" not in out.stdout and " 0 broken" in out.stdout


def test_a_broken_rule_is_reported(tmp_path):
    """A core module importing the teaching tools, the protocol importing numpy: both caught."""
    shutil.copytree(ROOT / "calliope_lib", tmp_path / "calliope_lib",
                    ignore=shutil.ignore_patterns("lessons", "sheets", "__pycache__"))
    shutil.copytree(ROOT / "tests" / "contract", tmp_path / "tests" / "contract",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "tests" / "__init__.py").touch()
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    units = tmp_path / "calliope_lib" / "recording" / "units.py"
    units.write_text(units.read_text() + "\nfrom calliope_lib.teach import lesson  # a break\n")
    version = tmp_path / "calliope_lib" / "protocol" / "version.py"
    version.write_text(version.read_text() + "\nimport numpy  # a break\n")

    # (The first break also breaks other contracts, by the chains it makes: ask for the two.)
    out = _lint(tmp_path, "core-stands-alone", "protocol-is-pure")
    report = out.stdout + out.stderr
    assert out.returncode != 0, report
    assert "2 broken" in report, report
    assert "calliope_lib.recording.units -> calliope_lib.teach" in report, report
    assert "calliope_lib.protocol.version imports numpy" in report, report
