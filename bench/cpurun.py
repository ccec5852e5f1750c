#!/usr/bin/env python3
"""Run one command and report the CPU time it and its children used (helper of livecapture.sh).

    cpurun.py --out FILE [--sigint-after S] -- CMD [ARG...]

CMD inherits stdin/stdout/stderr. When it has exited, FILE gets one line of key=value pairs:

    status=N wall=S self=S children=S sampled_children=S

self      utime+stime of CMD itself (all its threads), seconds
children  utime+stime of the children CMD waited for (for packetlens-cli: the packetlens-capture
          helper, which the client starts and reaps through QProcess)
sampled_children
          the same figure taken the other way, as a cross-check: the highest utime+stime seen
          while polling /proc/<child>/stat of CMD's live children every 20 ms (misses at most
          the last 20 ms of a child's life)

How: the command is started with fork/exec, then waited for with waitid(WEXITED | WNOWAIT), which
returns once it is a zombie but leaves it unreaped, so /proc/<pid>/stat still holds its final
utime, stime, cutime and cstime (fields 14-17, in clock ticks); only then is it reaped. This is
exact for the command and for every child it reaped itself, and needs neither perf nor ptrace.
The command must not fork through a wrapper that stays alive (taskset and `ip netns exec` exec in
place, so `cpurun.py -- ip netns exec NS taskset -c 0 tool` measures the tool itself).

--sigint-after S sends SIGINT to CMD after S seconds (like `timeout -s INT S`, but without a
process in between, so that `self` is the tool's own time).
"""

import argparse
import os
import signal
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    """Fields 3.. of /proc/PID/stat (after the parenthesised command name), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode("ascii", "replace")
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--sigint-after", type=float)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command given")

    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            print(f"cpurun.py: cannot run {cmd[0]}: {e}", file=sys.stderr)
        os._exit(127)

    # Forward an interrupt to the command instead of dying before it has been measured.
    signal.signal(signal.SIGINT, lambda *_: os.kill(pid, signal.SIGINT))
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGTERM))

    sampled = {}  # child pid -> highest utime+stime seen, in ticks
    interrupted = False
    while True:
        r = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        if r is not None:
            break
        for c in children_of(pid):
            f = stat_fields(c)
            if f:
                sampled[c] = max(sampled.get(c, 0), int(f[11]) + int(f[12]))
        due = a.sigint_after is not None and time.monotonic() - t0 >= a.sigint_after
        if due and not interrupted:
            os.kill(pid, signal.SIGINT)
            interrupted = True
        time.sleep(0.02)
    wall = time.monotonic() - t0

    f = stat_fields(pid)  # the zombie's final figures
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if f:
        utime, stime, cutime, cstime = (int(x) for x in f[11:15])
        self_s, children_s = (utime + stime) / TICK, (cutime + cstime) / TICK
    else:
        self_s = children_s = -1
    with open(a.out, "w") as out:
        print(
            f"status={code} wall={wall:.3f} self={self_s:.2f} children={children_s:.2f} "
            f"sampled_children={sum(sampled.values()) / TICK:.2f}",
            file=out,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
