#!/usr/bin/env python3
"""Server::Starter's worker for scripts/bench: start_server runs one worker process per
generation, so this one starts N copies of the example app on the socket it inherited and acts
for them: TERM/INT/HUP are passed on, and it exits once all of them have.

  start_server --port 127.0.0.1:PORT -- python3 prefork.py N python3 app.py
"""

import os
import signal
import subprocess
import sys


def inherited_fds():
    """The fds in SERVER_STARTER_PORT ("host:port=fd;path=fd"), which the copies must keep."""
    return [int(entry.rsplit("=", 1)[1]) for entry in os.environ.get("SERVER_STARTER_PORT", "").split(";") if "=" in entry]


def main(argv):
    if len(argv) < 3 or not argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 64
    app_dir = os.environ.get("PREFORK_DIR", ".")
    children = [subprocess.Popen(argv[2:], cwd=app_dir, pass_fds=inherited_fds()) for _ in range(int(argv[1]))]

    def pass_on(signum, _frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, pass_on)
    return max(child.wait() for child in children)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
