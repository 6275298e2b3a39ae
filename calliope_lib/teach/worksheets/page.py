"""The printed page: A4 portrait, margins every school printer keeps, font sizes.

Printers keep at least 5 mm; 15+ mm is safe everywhere. All lengths in mm.
"""

from __future__ import annotations

#: The course's name in every title line and footer.
COURSE_NAME = "Calliope mini Messlabor"

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_LR = 18.0
MARGIN_TOP = 15.0
MARGIN_BOTTOM = 20.0  # the footer sits inside, 10 mm above the paper's edge
TEXT_W = PAGE_W - 2 * MARGIN_LR
#: Page budget per lesson: a worksheet that needs more is too long for one lesson.
MAX_PAGES = 4

# Diagrams: schemdraw's natural size times this factor (12 pt labels print at 9 pt).
DIAGRAM_SCALE = 0.75
DIAGRAM_MAX_W = 150.0
DIAGRAM_MAX_H = 95.0

BODY_SIZE = 11  # pt
LINE_H = 5.6
