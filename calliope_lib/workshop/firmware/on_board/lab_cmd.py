# calliope-lab firmware, part 3 of 4 (runs ON the board): the commands.
#
# lab_loop.py collects a line from the host and hands it to do(). Kept apart from the loop
# because the 16 KB boards cannot compile both in one file (the parse tree of the whole
# file must fit into the heap at once).
#
# The loop's state travels in one list s = [cols, every, on, seq, nxt, sent, t0]:
# cols (indices into N), every (ms), on (streaming?), seq (next data line number),
# nxt (running_time() of the next data line), sent (data lines since start), t0 (start).
import gc
from lab_channels import h, H, N, FW, K, vals


def do(c, a, s):
    # Answer command c (argument a) with exactly one line (PROTOCOL.md); update s.
    if c == "hello":
        print(H)
    elif c == "info":
        gc.collect()
        print("$OK info proto=1 fw=%s board=%s every=%d cols=%s running=%d mem=%d sent=%d" % (
            FW, K, s[1], ",".join([N[i] for i in s[0]]), s[2], gc.mem_free(), s[5]))
    elif c == "channels":
        print("$OK channels " + ",".join(N))
    elif c == "cols?":
        print("$COLS " + ",".join([N[i] for i in s[0]]))
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
            s[0] = r
            print("$OK cols " + a)
            if s[2]:
                # Values follow the order of the last $COLS line: announce it.
                print("$COLS " + a)
    elif c == "every":
        try:
            r = int(a)
        except ValueError:
            r = 0
        if 10 <= r <= 3600000:
            s[1] = r
            s[4] = h.running_time() + r
            print("$OK every %d" % r)
        else:
            print("$ERR every need 10..3600000 ms")
    elif c == "start":
        if s[0]:
            s[2] = True
            s[3] = s[5] = 0
            print("$OK start")
            print("$COLS " + ",".join([N[i] for i in s[0]]))
            s[4] = s[6] = h.running_time()
        else:
            print("$ERR start no channels: send cols first")
    elif c == "stop":
        # The rate the board achieved: lines sent in how many ms since start (the host
        # warns when it is well below 1000/every lines per second).
        if s[2]:
            print("$OK stop sent=%d ms=%d" % (s[5], h.running_time() - s[6]))
        else:
            print("$OK stop")
        s[2] = False
    else:
        print("$ERR %s unknown command" % (c[:24] or "?"))
