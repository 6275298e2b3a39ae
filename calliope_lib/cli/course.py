"""``calliope-mini course``: a whole grading round for teachers (nbgrader underneath).

    calliope-mini course init kurs-7b [--lessons 01 02]
    calliope-mini course students import klasse-7b.csv
    calliope-mini course release 01-hallo-calliope
    calliope-mini course collect ~/Downloads/abgaben.zip
    calliope-mini course grade 01-hallo-calliope [--jobs 2] [--timeout 60] [--allow-root]
    calliope-mini course feedback 01-hallo-calliope
    calliope-mini course export -o noten.csv [--dialect excel-de]

Every command after ``init`` works inside the course folder or anywhere with
``--course DIR``. The work is done by :mod:`calliope_lib.teach.course`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "course",
        help="Kurs für Lehrkräfte: austeilen, einsammeln, bewerten / course tools for teachers",
        description="Ein nbgrader-Kurs ohne JupyterHub: Lektionen austeilen, Abgaben "
        "einsammeln, parallel bewerten, Rückmeldung und Noten. A grading round with nbgrader "
        "for schools where notebooks travel as files.",
    )
    sub = p.add_subparsers(dest="course_command", metavar="SCHRITT")
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--course", metavar="ORDNER",
                       help="Kurs-Ordner (sonst: der aktuelle Ordner) / course folder")

    q = sub.add_parser("init", help="neuen Kurs anlegen / create a course",
                       description="Legt einen Kurs-Ordner mit den Lektionen des Pakets an.")
    q.add_argument("folder", help="neuer Ordner, z. B. kurs-7b")
    q.add_argument("--lessons", nargs="+", metavar="LEKTION",
                   help="nur diese Lektionen (Nummer oder Name); sonst alle")
    q.add_argument("--lessons-dir", metavar="ORDNER", help="Lektionen aus diesem Ordner")
    q.add_argument("--course-id", help="Kurs-Kennung für nbgrader (sonst: Ordnername)")
    q.add_argument("--timeout", type=int, default=None,
                   help="Sekunden pro Zelle beim Bewerten (60)")
    q.add_argument("--memory", type=int, default=None, metavar="MB",
                   help="Speichergrenze pro Bewertungs-Kernel in MB (2048)")
    q.set_defaults(func=run_init)

    q = sub.add_parser("students", help="Klassenliste / class list")
    students = q.add_subparsers(dest="students_command", metavar="AKTION")
    r = students.add_parser("import", parents=[where],
                            help="Klassenliste (CSV) einlesen / import a class list")
    r.add_argument("csv", help="CSV-Datei aus IServ, Moodle, Excel")
    r.set_defaults(func=run_students_import)
    r = students.add_parser("list", parents=[where], help="Klasse zeigen / list students")
    r.set_defaults(func=run_students_list)

    q = sub.add_parser("release", parents=[where],
                       help="Schülerfassung austeilen / make the student version")
    q.add_argument("lesson", help="Lektion, z. B. 01-hallo-calliope oder 01")
    q.set_defaults(func=run_release)

    q = sub.add_parser("collect", parents=[where], help="Abgaben einsammeln / collect")
    q.add_argument("inputs", nargs="+", metavar="ZIP_ODER_ORDNER",
                   help="ZIP-Dateien, Ordner oder einzelne Notebooks")
    q.set_defaults(func=run_collect)

    q = sub.add_parser("grade", parents=[where],
                       help="automatisch bewerten (parallel) / autograde in parallel")
    q.add_argument("lesson")
    q.add_argument("--student", action="append", metavar="KENNUNG",
                   help="nur dieses Kind (mehrmals möglich)")
    q.add_argument("--jobs", "-j", type=int, help="parallele Prozesse (Standard: Kerne + 1)")
    q.add_argument("--timeout", type=int, help="Sekunden pro Zelle (überschreibt Kurs)")
    q.add_argument("--memory", type=int, metavar="MB", help="Speicher pro Kernel in MB")
    q.add_argument("--allow-root", action="store_true",
                   help="auch als root bewerten (nur in Wegwerf-Systemen wie CI)")
    q.add_argument("--quiet", "-q", action="store_true", help="ohne Fortschrittsbalken")
    q.set_defaults(func=run_grade)

    q = sub.add_parser("feedback", parents=[where],
                       help="Rückmeldung als HTML, gezippt / feedback HTML, zipped")
    q.add_argument("lesson")
    q.set_defaults(func=run_feedback)

    q = sub.add_parser("export", parents=[where], help="Punkte als CSV / grades as CSV")
    q.add_argument("-o", "--output", default="noten.csv", help="CSV-Datei (noten.csv)")
    q.add_argument("--dialect", choices=["default", "excel-de"], default="default",
                   help="excel-de: ; und Dezimalkomma für deutsches Excel")
    q.add_argument("--lessons", nargs="+", metavar="LEKTION", help="nur diese Lektionen")
    q.set_defaults(func=run_export)

    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _course(args: argparse.Namespace):  # -> Course
    from calliope_lib.teach.course.config import Course

    return Course.find(args.course)


def run_init(args: argparse.Namespace) -> int:
    from calliope_lib.teach.course.config import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
    from calliope_lib.teach.course.init import init_course
    from calliope_lib.messages import t

    course = init_course(args.folder, args.lessons, course_id=args.course_id,
                         lessons_dir=args.lessons_dir,
                         timeout=args.timeout or DEFAULT_TIMEOUT,
                         memory_mb=args.memory or DEFAULT_MEMORY_MB)
    lessons = course.lessons()
    print(t("course.init.done", path=course.root, course_id=course.course_id,
            count=len(lessons), lessons=", ".join(lessons)))
    return 0


def run_students_import(args: argparse.Namespace) -> int:
    from calliope_lib.teach.course.students import import_students

    report = import_students(_course(args), args.csv)
    print("\n".join(report.lines()))
    return 0


def run_students_list(args: argparse.Namespace) -> int:
    for student in _course(args).students():
        print(f"{student.id}\t{student.last_name}\t{student.first_name}")
    return 0


def run_release(args: argparse.Namespace) -> int:
    from calliope_lib.teach.course.release import release_lesson
    from calliope_lib.messages import t

    course = _course(args)
    folder, zipped = release_lesson(course, args.lesson)
    print(t("course.release.done", lesson=folder.name, folder=folder, zip=zipped))
    return 0


def run_collect(args: argparse.Namespace) -> int:
    from calliope_lib.teach.course.collect import collect_submissions

    report = collect_submissions(_course(args), args.inputs)
    print("\n".join(report.lines()))
    return 1 if report.unmatched else 0


def run_grade(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from calliope_lib.teach.course.grade import grade_lesson

    def on_failure(result) -> None:  # at once, above the progress bar
        for problem in result.problems:
            tqdm.write(problem.text())

    report = grade_lesson(_course(args), args.lesson, students=args.student, jobs=args.jobs,
                          timeout=args.timeout, memory_mb=args.memory,
                          allow_root=args.allow_root, progress=not args.quiet,
                          on_failure=on_failure)
    print("\n".join(report.lines()))
    return 1 if report.failed else 0


def run_feedback(args: argparse.Namespace) -> int:
    from calliope_lib.teach.course.feedback import feedback_lesson
    from calliope_lib.messages import t

    zipped, problems = feedback_lesson(_course(args), args.lesson)
    import zipfile

    with zipfile.ZipFile(zipped) as archive:
        count = len(archive.namelist())
    for problem in problems:
        print(problem.text())
    print(t("course.feedback.done", lesson=args.lesson, count=count, zip=zipped))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from calliope_lib.teach.course.export import export_grades
    from calliope_lib.messages import t

    course = _course(args)
    path = export_grades(course, Path(args.output), dialect=args.dialect, lessons=args.lessons)
    print(t("course.export.done", count=len(course.students()), path=path.resolve()))
    return 0
