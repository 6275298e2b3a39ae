"""Teaching tools: lesson helpers for kids' notebooks, wiring diagrams, worksheets, the course.

Uses the core's public face; the core never imports this wing. ``from calliope_lib import
lesson`` (the name the lessons use) is :mod:`calliope_lib.teach.lesson`.
"""
