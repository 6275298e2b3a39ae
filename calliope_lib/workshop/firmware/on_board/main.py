# calliope-lab Messprogramm / measuring firmware for the Calliope mini (MicroPython).
#
# This is the program the board runs at power-on. It turns the board into a measuring
# instrument for the calliope_lib lessons: the laptop sends short text commands
# ("cols light,p1", "every 20", "start") and the board answers with lines starting with "$"
# (protocol: calliope_lib/protocol/PROTOCOL.md). Open any serial monitor at 115200 baud
# and type "hello" to see it answer.
#
# The program is four files on the board: this main.py, lab_channels.py (which sensors
# this board has), lab_cmd.py (the commands) and lab_loop.py (reading lines, sending data
# lines). It is split because the Calliope mini 1.x/2.x has only 16 KB RAM, too little to
# compile one big file.
#
# Ctrl-C at the start of a line, followed by a second Ctrl-C or a short quiet, stops it
# (Mu, Thonny and `calliope-mini firmware install` do that); other control bytes the host
# sends are answered with "$ERR" and ignored.
import gc
import micropython

import lab_channels  # first, while the heap is still empty
gc.collect()
import lab_cmd
gc.collect()
import lab_loop
gc.collect()

# run() reads Ctrl-C itself, so binary garbage from the host cannot stop the program; the
# REPL gets its normal Ctrl-C back when the program ends.
micropython.kbd_intr(-1)
try:
    lab_loop.run()
finally:
    micropython.kbd_intr(3)
