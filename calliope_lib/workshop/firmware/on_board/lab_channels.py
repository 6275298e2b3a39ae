# calliope-lab firmware, part 1 of 4 (runs ON the board): board detection and channels.
#
# main.py imports this module first, then lab_cmd.py and lab_loop.py. The program is
# split in four files because of the 16 KB RAM of the nRF51 boards (Calliope mini 1.x/2.x,
# micro:bit V1): the MicroPython runtime leaves about 9 KB of heap there, the compiled
# program lives in that heap, and compiling one big file needs the parse tree of the whole
# file at once (a 200-line main.py fails with MemoryError). Compiled one after the other,
# the parts leave about 3.5 KB free while streaming.
#
# Written to be small: channels are a list of names N, read through one function rd(i);
# temperature() is only called when that channel is asked for (it also hangs QEMU).
#
# The hex builder (calliope_lib/workshop/firmware/build.py) replaces the FW line below with the
# version from calliope_lib/protocol/version.py; keep its exact form.
FW = "0.1.0"

try:
    import calliopemini as h
    K = "calliope-mini-"
except ImportError:
    import microbit as h
    K = "microbit-v"
import os

# nRF51: Calliope mini 1.x/2.x or micro:bit V1; nRF52: Calliope mini 3 or micro:bit V2.
if "nRF52" in os.uname().machine:
    K += "3" if K[0] == "c" else "2"
else:
    K += "1"
try:
    import machine
    U = " id=" + "".join("%02x" % b for b in machine.unique_id())
except Exception:
    U = ""
H = "$HELLO calliope-lab proto=1 fw=" + FW + " board=" + K + U
NAN = float("nan")

# Channel candidates; the list N keeps only those this board has. Analog pins: Calliope
# 1.x/2.x P1, P2 (P0 and P3 are digital only); Calliope 3 and micro:bit P0, P1, P2. The
# Calliope C-pins (C4, C16...) are not offered: their names in calliopemini are unverified.
N = []
for n in ("temperature light acceleration_x acceleration_y acceleration_z compass_heading "
          "button_a button_b sound touch_p0 touch_p1 touch_p2 touch_p3 touch_logo "
          "p0 p1 p2 d0 d1 d2 d3").split():
    if n == "sound":
        a = "microphone"
    elif n[0] in "tpd" and n[-1] in "0123o":
        a = "pin_logo" if n[-1] == "o" else "pin" + n[-1]
        if (n == "p0" and K == "calliope-mini-1") or (n[-1] == "3" and K[0] == "m"):
            continue
    else:
        a = "display"
    if hasattr(h, a):
        N.append(n)
del n, a


LT = -999  # running_time() of the last light measurement
LV = 0     # its value


def rd(i):
    # Read channel N[i] now. Booleans come back as True/False.
    global LT, LV
    n = N[i]
    c = n[0]
    if n == "temperature":
        return h.temperature()
    if n == "light":
        # Measured through the LED matrix: each read_light_level() waits for the display's
        # timer, which is slow and, when that timer's interrupt comes late (a busy
        # emulator), can stall for 2**24 us = 16.8 s. Read it at most every 50 ms and
        # repeat the last value in between (the light changes slowly; 20 readings/s).
        t = h.running_time()
        if t - LT >= 50:
            LV = h.display.read_light_level()
            LT = t
        return LV
    if c == "a":
        return h.accelerometer.get_values()["xyz".index(n[-1])]
    if n == "compass_heading":
        # heading() would start the calibration game when the compass is not calibrated,
        # which blocks the stream for a long time: send nan instead.
        return h.compass.heading() if h.compass.is_calibrated() else NAN
    if c == "b":
        return (h.button_a if n[-1] == "a" else h.button_b).is_pressed()
    if n == "sound":
        return h.microphone.sound_level()
    p = getattr(h, "pin_logo" if n[-1] == "o" else "pin" + n[-1])
    if c == "t":
        return p.is_touched()
    if c == "p":
        return p.read_analog()
    return p.read_digital()


# A pin the runtime refuses to read (pin 3 on the Calliope 1.x/2.x runtime raises) is not
# offered: probe each pin channel once (never "temperature": it hangs QEMU).
for i in range(len(N) - 1, -1, -1):
    if N[i][0] in "dpt" and N[i][1] != "e":
        try:
            rd(i)
        except Exception:
            del N[i]


def vals(idx):
    # The readings of channels idx as "v,v,...": integers as they are, bools as 0/1,
    # floats with at most 4 decimals, a failing sensor as nan.
    s = ""
    for i in idx:
        try:
            v = rd(i)
            if v is True or v is False:
                v = int(v)
            if isinstance(v, float):
                v = "nan" if v != v else ("%.4f" % v).rstrip("0").rstrip(".")
        except Exception:
            v = "nan"
        s += "," + str(v) if s else str(v)
    return s
