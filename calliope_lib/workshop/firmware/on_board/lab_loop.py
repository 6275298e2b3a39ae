# calliope-lab firmware, part 4 of 4 (runs ON the board): the loop.
#
# run() collects the host's command lines (lab_cmd.do() answers them) and sends one
# "$D <seq> <ms> <v>,<v>" line per period, exactly as calliope_lib/protocol/PROTOCOL.md
# says. Memory rules for the 16 KB boards: the input line goes into one preallocated
# bytearray (no string growth per byte), the hot state lives in local variables of run()
# (cheaper than globals), and gc.collect() runs after commands and every 32 data lines so
# the heap never creeps while streaming.
#
# Input is read without blocking: uart.any() / uart.read() work while the UART is still
# the REPL's, so Ctrl-C handling stays in our hands (see below) and the REPL comes back
# when the program ends.
import gc
from lab_channels import h, H, vals
from lab_cmd import do


def run():
    buf = bytearray(201)
    n = 0          # bytes in buf
    bad = False    # the current input line is too long
    brk = 0        # running_time() of a Ctrl-C at a line start; 0: none pending
    s = [[], 1000, False, 0, 0, 0, 0]  # cols, every, on, seq, nxt, sent, t0 (see lab_cmd)
    cols, every, on, seq, nxt, sent = s[:6]
    count = 0
    print(H)
    while True:
        # The board's receive buffer is small (about 60 bytes): read it empty every round.
        data = h.uart.read() if h.uart.any() else None
        for b in data or ():
            if b == 3 and n == 0 and not bad:
                # Ctrl-C at the start of a line stops the program (Mu, Thonny, our
                # installer) when a second Ctrl-C or 50 ms of quiet follows; any other
                # byte right after it makes it garbage: binary noise must not stop us.
                if brk:
                    raise KeyboardInterrupt
                brk = h.running_time() or 1
                continue
            if brk:
                brk = 0
                buf[0] = 63
                n = 1
            if b != 10 and b != 13:
                if n >= 200:
                    bad = True
                else:
                    # Only printable ASCII reaches the parser; anything else becomes "?".
                    buf[n] = b if 31 < b < 127 else 63
                    n += 1
                continue
            if bad:
                print("$ERR ? line too long")
            if n == 0 or bad:
                n = 0
                bad = False
                continue
            w = str(bytes(buf[:n]), "ascii").split(" ")
            n = 0
            s[3] = seq
            s[4] = nxt
            s[5] = sent
            do(w[0], w[1] if len(w) > 1 else "", s)
            cols, every, on, seq, nxt, sent = s[:6]
            w = None
        if data:
            data = None
            gc.collect()
        if brk and h.running_time() - brk >= 50:
            raise KeyboardInterrupt
        if not on:
            h.sleep(2)
            continue
        t = h.running_time()
        if nxt - t > 8:
            # sleep() wakes on the runtime's 6 ms ticker, so only sleep when there is time
            # to spare; closer to the due time just poll again.
            h.sleep(1)
            continue
        if nxt > t:
            continue
        print("$D", seq, t, vals(cols))
        seq = seq + 1 if seq < 999999 else 0
        sent += 1
        nxt += every
        if t - nxt > 10 * every:
            # Far behind (a slow sensor, a long gc): start the schedule afresh.
            nxt = t + every
        count += 1
        if count >= 32:
            count = 0
            gc.collect()
