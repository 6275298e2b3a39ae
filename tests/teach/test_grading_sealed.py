"""An adversarial class graded through the real command line: one kid per way of cheating
or breaking things, each with exact points and the lines the teacher reads.

The course uses the small test lesson ``90-rechnen`` (no board, no numpy: quick kernels);
task points: ``test-a1`` 2, ``test-a2`` 1, ``test-eigene-daten`` 1 (auto max 4), plus a
written answer graded by hand. Every kid's notebook starts from the released student version.
``course grade`` runs with ``--allow-root`` (the CI runs as root) and ``--timeout 4``.

Kids (id -> what they do -> points):

* ``ada.ehrlich``: honest and perfect, with her own data file -> 4
* ``sam.schreiber``: tries to wipe the gradebook, delete Ada's data, read ``source/`` and
  the package's lessons, list other kids -> 4 (it all fails in the sandbox)
* ``dora.daemon``: starts a ``setsid`` double fork and a detached child -> 4, and no process
  of hers is alive after grading
* ``kai.killer``: ``os.kill(os.getppid(), 9)`` -> 4 with the sandbox
* ``tim.trick``: redefines ``builtins.abs``, returns an ``int`` whose ``__eq__`` is always
  true, adds an input transformer that drops ``assert`` lines -> 1 (own data only) and
  "Manipulation erkannt"
* ``emil.exit``: ``os._exit(0)`` in task 2 -> 2 (task 1 only)
* ``stella.stur``: ignores Ctrl-C in an endless loop in task 2 -> 2, "ließ sich nicht
  unterbrechen"
* ``lena.leer``: deleted every test cell -> 4 (the cells are put back), one line per cell
* ``udo.upload``: perfect, and a ``csv.py`` next to the notebook that would break
  ``import csv`` -> 4 (only ``meine_*.csv`` reach the workspace)
* ``hanna.html``: perfect, and shows ``<script>`` and an ``onerror`` image -> 4
* ``mo.meta``: stripped all nbgrader metadata -> 4 (test cells put back by their neighbours)
* ``dana.doppel``: copied the task-1 test cell above her answer -> 4 (the original is graded)
* ``gil.gross``: four forks of 700 MiB each (2.8 GiB against the course's 2048 MB per kid)
  -> 4, and the memory line (where a control group is available, as in CI)
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.teach.course_fixtures import classroom as cr

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FIXTURE_LESSONS = Path(__file__).resolve().parent / "course_fixtures" / "lessons"
CLI = [sys.executable, "-m", "calliope_lib"]
L = cr.L2
DAEMON_TOKEN = "calliope-test-daemon-5f3a"
DATA = "wert\n1\n2\n3\n"

CLASS = ("Nachname;Vorname;Benutzername\r\n"
         "Ehrlich;Ada;ada.ehrlich\r\nSchreiber;Sam;sam.schreiber\r\nDaemon;Dora;dora.daemon\r\n"
         "Killer;Kai;kai.killer\r\nTrick;Tim;tim.trick\r\nExit;Emil;emil.exit\r\n"
         "Stur;Stella;stella.stur\r\nLeer;Lena;lena.leer\r\nUpload;Udo;udo.upload\r\n"
         "Html;Hanna;hanna.html\r\nGross;Gil;gil.gross\r\nMeta;Mo;mo.meta\r\n"
         "Doppel;Dana;dana.doppel\r\n")

EXPECTED = {"ada.ehrlich": 4, "sam.schreiber": 4, "dora.daemon": 4, "kai.killer": 4,
            "tim.trick": 1, "emil.exit": 2, "stella.stur": 2, "lena.leer": 4,
            "udo.upload": 4, "hanna.html": 4, "gil.gross": 4, "mo.meta": 4,
            "dana.doppel": 4}


def _cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "CALLIOPE_LANG": "de", "PYTHONPATH": str(REPO),
            "PATH": os.pathsep.join([os.path.dirname(sys.executable),
                                     os.environ.get("PATH", "")]), **(env or {})}
    return subprocess.run(CLI + list(args), cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=600, check=False)


def _code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}


def _insert_before(nb: dict, grade_id: str, source: str) -> dict:
    for i, cell in enumerate(nb["cells"]):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            nb["cells"].insert(i, _code(source))
            return nb
    raise KeyError(grade_id)


def hostile_notebooks(release: dict, course: Path) -> dict[str, dict]:
    """id -> the notebook that kid hands in."""
    perfect = lambda: cr.fill(release, cr.PERFECT_90)
    nbs: dict[str, dict] = {"ada.ehrlich": perfect()}
    nbs["sam.schreiber"] = _insert_before(perfect(), "a1", f"""
import os, glob, shutil
course = {str(course)!r}
for attempt in (
    lambda: open(os.path.join(course, 'gradebook.db'), 'wb').write(b''),
    lambda: os.rename(os.path.join(course, 'gradebook.db'), '/tmp/weg.db'),
    lambda: os.remove(os.path.join(course, 'submitted/ada.ehrlich/{L}/meine_zahlen.csv')),
    lambda: print(open(os.path.join(course, 'source/{L}/{L}.ipynb')).read()),
    lambda: print(os.listdir(course)),
    lambda: print(glob.glob('/tmp/**/*.db', recursive=True)),
    lambda: print(os.listdir('..')),
):
    try:
        attempt()
    except Exception as exc:
        print('geht nicht:', type(exc).__name__)
import calliope_lib
print(os.listdir(os.path.join(os.path.dirname(calliope_lib.__file__), 'teach', 'lessons')))
""")
    nbs["dora.daemon"] = _insert_before(perfect(), "a1", f"""
import os, subprocess, sys
subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)  # {DAEMON_TOKEN}'],
                 start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, '-c',
                 'import time; time.sleep(120)  # {DAEMON_TOKEN}'])
    os._exit(0)
""")
    nbs["kai.killer"] = _insert_before(perfect(), "a1", "import os\nos.kill(os.getppid(), 9)")
    nbs["tim.trick"] = cr.fill(release, {
        "a1": ("class Immer(int):\n    def __eq__(self, other):\n        return True\n"
               "    __hash__ = int.__hash__\n\ndef quadrat(x):\n    return Immer(0)"),
        "a2": ("import builtins\nbuiltins.abs = lambda x: 0\nsumme = 99.0\n"
               "get_ipython().input_transformers_cleanup.append(\n"
               "    lambda lines: [l for l in lines if 'assert' not in l])"),
    })
    nbs["emil.exit"] = cr.fill(release, {**cr.PERFECT_90,
                                         "a2": "import os\nos._exit(0)\nsumme = sum(zahlen)"})
    nbs["stella.stur"] = cr.fill(release, {
        **cr.PERFECT_90,
        "a2": ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n"
               "    pass\nsumme = sum(zahlen)")})
    leer = perfect()
    leer["cells"] = [c for c in leer["cells"]
                     if not c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
                     .startswith("test-")]
    nbs["lena.leer"] = leer
    nbs["udo.upload"] = perfect()
    nbs["hanna.html"] = _insert_before(perfect(), "a1", (
        "from IPython.display import HTML, display\n"
        "display(HTML('<b>Hallo</b><script>document.title=\"gehackt\"</script>"
        "<img src=\"x\" onerror=\"alert(1)\">'))"))
    nbs["gil.gross"] = _insert_before(perfect(), "a1", """
import os, time
for i in range(4):
    if os.fork() == 0:
        block = bytearray(700 * 1024 * 1024)
        for at in range(0, len(block), 4096):
            block[at] = 1
        time.sleep(20)
        os._exit(0)
time.sleep(3)
""")
    meta = perfect()
    for cell in meta["cells"]:
        cell["metadata"].pop("nbgrader", None)
    nbs["mo.meta"] = meta
    doppel = perfect()
    copy = json.loads(json.dumps(next(c for c in doppel["cells"] if c["metadata"].get(
        "nbgrader", {}).get("grade_id") == "test-a1")))
    copy["source"] = "print('nur kopiert')"
    doppel["cells"].insert(1, copy)
    nbs["dana.doppel"] = doppel
    return nbs


def _sandbox_users() -> list[str]:
    """Processes running as one of the sandbox's user ids (kids' kernels when root grades)."""
    from calliope_lib.teach.course.sandbox import FIRST_UID

    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            uid = next((line.split()[1] for line in status.splitlines()
                        if line.startswith("Uid:")), "0")
            if FIRST_UID <= int(uid) < FIRST_UID + 64:
                found.append(entry)
    return found


def _still_alive() -> list[str]:
    """Kid processes left over (a process may take a moment to be reaped): with details."""
    import time

    for _ in range(10):
        found = _processes_with(DAEMON_TOKEN) + _sandbox_users()
        if not found:
            return []
        time.sleep(0.5)
    details = []
    for pid in found:
        try:
            status = Path(f"/proc/{pid}/status").read_text().splitlines()[:3]
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:200]
        except OSError:
            continue
        details.append(f"{pid} {status} {cmdline!r}")
    return details


def _processes_with(token: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if token.encode() in cmdline:
                found.append(entry)
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Init, class list, release, hand-in and grade, all through the command line."""
    base = tmp_path_factory.mktemp("sealed")
    lessons = base / "lessons"
    shutil.copytree(FIXTURE_LESSONS / L, lessons / L)
    course = base / "kurs"
    assert _cli("course", "init", str(course), "--lessons-dir", str(lessons),
                cwd=base).returncode == 0
    (base / "klasse.csv").write_text(CLASS, encoding="utf-8")
    assert _cli("course", "students", "import", str(base / "klasse.csv"),
                cwd=course).returncode == 0
    assert _cli("course", "release", L, cwd=course).returncode == 0
    release = json.loads((course / "release" / L / f"{L}.ipynb").read_text("utf-8"))
    inbox = base / "abgaben"
    for sid, nb in hostile_notebooks(release, course).items():
        (inbox / sid).mkdir(parents=True)
        (inbox / sid / f"{L}.ipynb").write_bytes(cr.dumps(nb))
        if sid not in ("emil.exit", "stella.stur"):
            (inbox / sid / "meine_zahlen.csv").write_text(DATA, encoding="utf-8")
    collected = _cli("course", "collect", str(inbox), cwd=course)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    # An upload next to the notebook, put there the way an older collect did.
    (course / "submitted" / "udo.upload" / L / "csv.py").write_text(
        "raise ImportError('kaputt')\n", encoding="utf-8")
    ada_data = (course / "submitted" / "ada.ehrlich" / L / "meine_zahlen.csv").read_bytes()
    run = _cli("course", "grade", L, "--allow-root", "--timeout", "4", "--quiet", cwd=course)
    alive = _still_alive()
    return {"course": course, "run": run, "alive": alive, "ada_data": ada_data,
            "base": base}


def _points(course: Path) -> dict[str, float]:
    from calliope_lib.teach.course.config import Course

    with Course(course).gradebook() as gb:
        return {s.student.id: float(s.score) for s in gb.find_assignment(L).submissions}


def test_every_kid_gets_exactly_the_points_of_their_honest_cells(graded):
    assert graded["run"].returncode == 0, graded["run"].stdout + graded["run"].stderr
    assert _points(graded["course"]) == EXPECTED


def test_the_report_names_protection_and_every_kind_of_trouble(graded):
    out = graded["run"].stdout
    lines = out.splitlines()
    assert lines[0].startswith("Schutz: Sandbox (bubblewrap)"), out
    assert "13 Abgaben, 13 bewertet, 0 nicht bewertbar" in lines[1], out
    assert any("dana.doppel" in line and "kam 2-mal vor" in line for line in lines), out
    from calliope_lib.teach.course.limits import describe

    if describe() != "process":  # a control group counts all of Gil's forks together
        assert any("gil.gross" in line and "mehr als 2048 MB" in line for line in lines), out
    tim = [line for line in lines if "tim.trick" in line and "Manipulation erkannt" in line]
    assert any("builtins.abs" in line for line in tim), out
    assert any("input_transformers_cleanup" in line for line in tim), out
    assert any("eigene Unterklasse von int" in line for line in tim), out
    assert any("emil.exit" in line and "hat Python in" in line for line in lines), out
    assert any("stella.stur" in line and "ließ sich nicht unterbrechen" in line
               for line in lines), out
    assert sum("lena.leer" in line and "war gelöscht" in line for line in lines) == 3, out
    honest = [line for line in lines if "ada.ehrlich" in line]
    assert honest == [("  Ada Ehrlich (ada.ehrlich): 4 von 6 Punkten "
                       "(1 Antwort(en) noch von Hand bewerten)")]


def test_nothing_of_the_course_was_touched_and_nothing_kept_running(graded):
    course = graded["course"]
    assert (course / "gradebook.db").stat().st_size > 0
    assert (course / "submitted" / "ada.ehrlich" / L / "meine_zahlen.csv").read_bytes() \
        == graded["ada_data"]
    assert graded["alive"] == []
    assert not [p for p in Path("/tmp").glob("calliope-grade-*")
                if p.stat().st_mtime > (course / "gradebook.db").stat().st_mtime - 600
                and p.owner() == "root" and any(p.iterdir())]


def test_what_the_kernels_saw(graded):
    course = graded["course"]
    sam = json.loads((course / "autograded" / "sam.schreiber" / L / f"{L}.ipynb")
                     .read_text("utf-8"))
    text = "".join("".join(o.get("text", "")) for c in sam["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert "BEGIN SOLUTION" not in text and "quadrat(-2)" not in text
    assert "ada.ehrlich" not in text and "gradebook.db" not in text
    assert text.count("geht nicht:") == 5
    assert text.count("[]\n") == 2  # no gradebook in /tmp; the lesson sources are hidden


def test_export_and_feedback_after_an_adversarial_round(graded):
    import zipfile

    course = graded["course"]
    run = _cli("course", "export", "-o", "noten.csv", cwd=course)
    assert run.returncode == 0, run.stderr
    rows = list(csv.reader(io.StringIO((course / "noten.csv").read_text("utf-8"))))
    total = {row[0]: row[-2] for row in rows[2:]}
    assert total["ada.ehrlich"] == "4" and total["tim.trick"] == "1"
    # one graded notebook broken on disk: only that kid misses the feedback
    (course / "autograded" / "emil.exit" / L / f"{L}.ipynb").write_text("{kaputt", "utf-8")
    run = _cli("course", "feedback", L, cwd=course)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Emil Exit (emil.exit)" in run.stdout and "keine Rückmeldung möglich" in run.stdout
    zipped = zipfile.ZipFile(course / "rueckgabe" / f"{L}-rueckmeldung.zip")
    names = zipped.namelist()
    assert len(names) == len(EXPECTED) - 1 and not [n for n in names if "emil" in n]
    hanna = zipped.read(f"{L}/Html_Hanna_hanna.html.html").decode()
    # her code is shown (escaped), its HTML output is not: no script, no event handler
    assert "<script>document.title" not in hanna
    assert not re.search(r"<img[^>]*onerror", hanna)
    assert "Testzelle" in hanna and "4 von 6 Punkten" in hanna
    sam = zipped.read(f"{L}/Schreiber_Sam_sam.schreiber.html").decode()
    assert "quadrat(-2)" not in sam and "Ehrlich" not in sam
    tim = zipped.read(f"{L}/Trick_Tim_tim.trick.html").decode()
    assert "Test nicht bestanden" in tim or "noch nicht erfüllt" in tim
    assert "most recent call last" not in tim and "AssertionError" not in tim


def test_killing_course_grade_leaves_nothing_running(graded):
    """SIGTERM while kernels run: every kid process ends with ``course grade``."""
    import signal
    import time

    course = graded["course"]
    # Stella again, now starting Dora's daemons before her endless loop
    release = json.loads((course / "release" / L / f"{L}.ipynb").read_text("utf-8"))
    nbs = hostile_notebooks(release, course)
    daemon = next(c for c in nbs["dora.daemon"]["cells"] if DAEMON_TOKEN in c["source"])
    stella = nbs["stella.stur"]
    stella["cells"].insert(1, daemon)
    (course / "submitted" / "stella.stur" / L / f"{L}.ipynb").write_bytes(cr.dumps(stella))
    env = {**os.environ, "CALLIOPE_LANG": "de", "PYTHONPATH": str(REPO),
           "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ["PATH"]])}
    proc = subprocess.Popen(CLI + ["course", "grade", L, "--allow-root", "--timeout", "60",
                                   "--quiet", "--student", "stella.stur"], cwd=course, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _processes_with(DAEMON_TOKEN) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_with(DAEMON_TOKEN), "the daemons never started"
    time.sleep(2)  # Stella is in her endless loop by now
    assert _sandbox_users()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert _still_alive() == []
