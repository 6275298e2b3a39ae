"""The wheel carries the lessons and worksheet sources, and the code finds them there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_lessons_and_worksheets_and_code_finds_them(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(tmp_path / "dist")],
                   check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("calliope_lib-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "calliope_lib/teach/lessons/01-hallo-calliope/01-hallo-calliope.ipynb" in names
    assert "calliope_lib/teach/worksheets/sheets/02-thermistor.md" in names
    assert "calliope_lib/protocol/PROTOCOL.md" in names
    assert "calliope_lib/teach/course/LIESMICH.md" in names
    assert not any("meine_" in n or "/_src/" in n or "make_notebooks" in n for n in names)

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = (
        "import calliope_lib, calliope_lib.teach.worksheets as w\n"
        "from calliope_lib.teach.course.lessons import package_lessons_dir, available_lessons\n"
        "d = package_lessons_dir(); print(d); print(len(available_lessons(d)))\n"
        "print(w.default_source_dir())\n"
        "from calliope_lib.teach.materials import course_readme_template\n"
        "assert '@COURSE_ID@' in course_readme_template()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60, env={"PYTHONPATH": str(unpacked),
                                                     "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    lessons, count, worksheets = out.stdout.split()
    assert lessons == str(unpacked / "calliope_lib" / "teach" / "lessons")
    assert int(count) >= 6
    assert worksheets == str(unpacked / "calliope_lib" / "teach" / "worksheets" / "sheets")
