# calliope-lab firmware, part 2 of 3 (runs ON the board): the protocol loop.
#
# run() answers the host's commands and sends one "$D <seq> <ms> <v>,<v>" line per period,
# exactly as calliope_lib/protocol/PROTOCOL.md says. Memory rules for the 16 KB boards:
# the input line goes into one preallocated bytearray (no string growth per byte), the
# state lives in local variables of run() (cheaper than globals), and gc.collect() runs
# after commands and every 32 data lines so the heap never creeps while streaming.
#
# Input is read without blocking: uart.any() / uart.read() work while the UART is still
# the REPL's, so Ctrl-C handling stays in our hands (see below) and the REPL comes back
# when the program ends.
import gc
from lab_channels import h, H, N, FW, K, vals


def run():
    buf = bytearray(201)
    n = 0          # bytes in buf
    bad = False    # the current input line is too long
    cols = []      # indices into N of the streamed channels
    every = 1000   # period in ms
    on = False     # streaming?
    seq = 0
    nxt = 0        # running_time() of the next data line
    count = 0
    print(H)
    while True:
        # The board's receive buffer is small (about 60 bytes): read it empty every round.
        data = h.uart.read() if h.uart.any() else None
        for b in data or ():
            if b == 3 and n == 0 and not bad:
                # Ctrl-C at the start of a line stops the program (Mu, Thonny, our
                # installer); a 3 inside garbage does not.
                raise KeyboardInterrupt
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
            c = w[0]
            a = w[1] if len(w) > 1 else ""
            if c == "hello":
                print(H)
            elif c == "info":
                gc.collect()
                print("$OK info proto=1 fw=%s board=%s every=%d cols=%s running=%d mem=%d" % (
                    FW, K, every, ",".join([N[i] for i in cols]), on, gc.mem_free()))
            elif c == "channels":
                print("$OK channels " + ",".join(N))
            elif c == "cols?":
                print("$COLS " + ",".join([N[i] for i in cols]))
            elif c == "cols" or c == "read":
                r = []
                for x in a.split(","):
                    if x not in N:
                        r = None
                        break
                    r.append(N.index(x))
                if not a:
                    print("$ERR %s no channels given" % c)
                elif r is None:
                    print("$ERR %s unknown channel: %s" % (c, x[:24]))
                elif c == "read":
                    print("$OK read %d %s" % (h.running_time(), vals(r)))
                else:
                    cols = r
                    print("$OK cols " + a)
                    if on:
                        # Values follow the order of the last $COLS line: announce it.
                        print("$COLS " + a)
            elif c == "every":
                try:
                    r = int(a)
                except ValueError:
                    r = 0
                if 10 <= r <= 3600000:
                    every = r
                    nxt = h.running_time() + r
                    print("$OK every %d" % r)
                else:
                    print("$ERR every need 10..3600000 ms")
            elif c == "start":
                if cols:
                    on = True
                    seq = 0
                    print("$OK start")
                    print("$COLS " + ",".join([N[i] for i in cols]))
                    nxt = h.running_time()
                else:
                    print("$ERR start no channels: send cols first")
            elif c == "stop":
                on = False
                print("$OK stop")
            else:
                print("$ERR %s unknown command" % (c[:24] or "?"))
            w = c = a = r = None
        if data:
            data = None
            gc.collect()
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
        nxt += every
        if t - nxt > 10 * every:
            # Far behind (a slow sensor, a long gc): start the schedule afresh.
            nxt = t + every
        count += 1
        if count >= 32:
            count = 0
            gc.collect()


