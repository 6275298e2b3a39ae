"""Tools for workshop leaders: build and install our firmware, flash a room of boards, diagnose.

Uses the core (:mod:`calliope_lib.board`, :mod:`calliope_lib.transports`,
:mod:`calliope_lib.protocol`); the core never imports this wing.
"""
