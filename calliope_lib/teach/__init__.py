"""Teaching tools: lesson helpers for kids' notebooks, wiring diagrams, worksheets, the course.

* :mod:`.lesson`: what a lesson notebook imports (``from calliope_lib import lesson``)
* :mod:`.wiring`: which part goes where, as data (parts lists, pins, resistor values)
* :mod:`.diagrams`: the wiring pictures drawn from that data (schemdraw)
* :mod:`.worksheets`: printable A4 worksheets (fpdf2)
* :mod:`.course`: course tools for teachers around nbgrader
* :mod:`.materials`: where the lessons and worksheet sources lie (package data)

Uses the core's public face; the core never imports this wing.
"""
