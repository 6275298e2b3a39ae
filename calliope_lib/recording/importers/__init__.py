"""Readers for the files other tools make, one module per format, each saying where its
format comes from: :mod:`.makecode` (MakeCode's data export), :mod:`.datalogger` (the
datalogger's ``MY_DATA.HTM`` and its CSV), :mod:`.mu` (Mu's data capture); :mod:`.text`
(encodings, separators, numbers), :mod:`.report` (which lines were skipped, and why) and
:mod:`.fast` (large files of our own with pandas' C parser) serve them all.

``cl.load`` (:func:`calliope_lib.recording.reading.load_recording`) picks the reader by the
file's content.
"""
