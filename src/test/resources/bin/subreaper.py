#!/usr/bin/env python3
"""subreaper.py COMMAND [ARGS...]: runs COMMAND as a child subreaper's only child.

Processes orphaned below it (e.g. workers of a rolld killed with SIGKILL) are re-parented here
instead of to PID 1 and reaped when they exit, so a test can see them gone. TERM, INT, HUP and
USR1 are passed on to COMMAND. Exits, with COMMAND's status, once no child is left.
"""
import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36

ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
child = os.fork()
if child == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1):
    signal.signal(s, lambda signum, _frame: os.kill(child, signum))
status = 0
while True:
    try:
        pid, raw = os.wait()
    except ChildProcessError:
        break
    if pid == child:
        code = os.waitstatus_to_exitcode(raw)
        status = code if code >= 0 else 128 - code
sys.exit(status)
