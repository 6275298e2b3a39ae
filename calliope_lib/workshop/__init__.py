"""Tools for workshop leaders: build and install our firmware, flash a room of boards, diagnose.

==============  ===================================================================
``firmware/``   the program that runs on the board (``on_board/``), hex building,
                installing over serial, hex inspection, the emulated board
``flashing/``   copy one hex onto many boards at once and check each one afterwards
``doctor``      what is wrong with this computer and these boards
``udev/``       our Linux udev rule (package data) and the code that knows where it is
==============  ===================================================================

Uses the core (:mod:`calliope_lib.board`, :mod:`calliope_lib.transports`,
:mod:`calliope_lib.protocol`); the core never imports this wing.
"""
