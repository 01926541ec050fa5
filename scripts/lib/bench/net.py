#!/usr/bin/env python3
"""Small network helpers for scripts/bench (everything on 127.0.0.1).

  net.py free-ports N                  N distinct free TCP ports, one per line
  net.py wait-accepting TIMEOUT PORT…  until every port accepts a connection; exit 1 on timeout
  net.py wait-refusing TIMEOUT PORT…   until no port accepts any more; exit 1 on timeout
  net.py app-start-ms APP N            start N copies of `python3 APP PORT` at once, print the ms
                                       until all accept (the app's own start time), stop them
  net.py status-round-trip SOCKET N    N `{"op":"status"}` requests on rolld's control socket, one
                                       after the other; prints "median min max" in ms
"""

import os
import signal
import socket
import subprocess
import sys
import time

POLL_S = 0.005


def free_ports(count):
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(condition, timeout_s):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_S)
    return True


def app_start_ms(app, count):
    ports = free_ports(count)
    started = time.monotonic()
    workers = [subprocess.Popen([sys.executable, app, str(p)], cwd=os.path.dirname(app) or ".",
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
    try:
        if not wait_until(lambda: all(accepts(p) for p in ports), 30):
            raise SystemExit("net.py: %s did not accept on %s within 30 s" % (app, ports))
        return (time.monotonic() - started) * 1000.0
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(15)
            except subprocess.TimeoutExpired:
                w.kill()
                w.wait()


def status_round_trips(socket_path, count):
    times = []
    for _ in range(count):
        started = time.monotonic()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(socket_path)
            client.sendall(b'{"op":"status"}\n')
            while client.recv(65536):
                pass  # the daemon closes the connection after its answer
        times.append((time.monotonic() - started) * 1000.0)
    times.sort()
    return times[(len(times) - 1) // 2], times[0], times[-1]


def main(argv):
    command, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    if command == "free-ports" and len(args) == 1:
        print("\n".join(str(p) for p in free_ports(int(args[0]))))
    elif command == "wait-accepting" and len(args) >= 2:
        ports = [int(p) for p in args[1:]]
        return 0 if wait_until(lambda: all(accepts(p) for p in ports), float(args[0])) else 1
    elif command == "wait-refusing" and len(args) >= 2:
        ports = [int(p) for p in args[1:]]
        return 0 if wait_until(lambda: not any(accepts(p) for p in ports), float(args[0])) else 1
    elif command == "app-start-ms" and len(args) == 2:
        print("%.1f" % app_start_ms(args[0], int(args[1])))
    elif command == "status-round-trip" and len(args) == 2:
        print("%.1f %.1f %.1f" % status_round_trips(args[0], int(args[1])))
    else:
        print(__doc__, file=sys.stderr)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
