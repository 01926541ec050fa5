#!/usr/bin/env python3
"""A small HTTP worker for the rolld example: python3 app.py PORT, or python3 app.py with an inherited socket

Binds 127.0.0.1:PORT (or $APP_BIND:PORT) and answers GET / with
"hello from pid N port P generation G" (G from $ROLLD_GENERATION);
GET /env/NAME answers the value of the environment variable NAME (404 if unset).

Without PORT it serves a listening socket it inherited (rolld's held-socket mode):
  LISTEN_FDS / LISTEN_PID (systemd socket activation): fd 3, if LISTEN_PID is this process
  SERVER_STARTER_PORT ("host:port=fd;path=fd", Server::Starter): the first entry's fd
With APP_PROTOCOL=systemd or APP_PROTOCOL=server-starter only that protocol is accepted (to test
each one alone). APP_NOTIFY=1 sends READY=1 to $NOTIFY_SOCKET once serving (systemd's sd_notify).

Environment:
  APP_BIND          host to bind instead of 127.0.0.1 (an IPv6 address such as ::1 works too)
  APP_FAIL          if non-empty, every request answers 500 (to make smoke tests fail)
  APP_FAIL_FILE     if this file exists, every request answers 500
  APP_EXIT_FILE     once this file exists (looked for every 0.5 s), drain as on SIGTERM and exit 3
                    (a version that fails after it went live, without dropping what it serves)
  APP_EXIT          if set, print a line on stderr and exit at once with this status
  APP_NO_BIND       if non-empty, never bind: wait for a signal without serving
  APP_START_DELAY_S wait this many seconds before binding (a slow-starting worker)
  APP_LOCK_FILE     take an exclusive lock on this file (flock) before serving; exit 4 at once if
                    another process holds it (an app that cannot run twice)
  APP_IGNORE_TERM   if non-empty, SIGTERM is ignored (only SIGINT or SIGKILL stop the worker)
  APP_STOP_HOLD_FILE once stopped (SIGTERM, SIGINT), keep serving while this file exists, then drain
                    (a worker slow to stop, for as long as a test holds it)
  APP_CHILDREN      fork this many children that sleep until killed (they ignore SIGTERM too
                    when APP_IGNORE_TERM is set)
  APP_OUTPUT_MB     write this many MiB to stdout at start, as fast as possible
  APP_CRASH_FILE    if this file exists when the app starts, it writes a line to stderr and
                    exits 3 at once (a worker that crash-loops)
  APP_LEAK_KB       every request keeps this many KiB of memory for good (a leaking worker)
  APP_HANG_FILE     while this file exists, requests hang: read, never answered, the port still open
                    and accepting (a deadlocked worker); only in the workers whose pid it lists, one
                    per line, or in every worker when it is empty; the watchdog pings stop too
  APP_HEALTH_LISTENER if non-empty, also serve 127.0.0.1 on a port the kernel picks: a held-socket
                    worker's own port, where rolld's liveness checks reach it alone
  WATCHDOG_USEC     with NOTIFY_SOCKET: send WATCHDOG=1 every half of this many microseconds (systemd's watchdog)
  ROLLD_GENERATION  echoed in the response body

SIGTERM / SIGINT drain gracefully: the listening socket is closed at once (an inherited one: only
this process's copy; the socket and its queue of not-yet-accepted connections live on in rolld and
the other workers, and this process accepts nothing more once it has stopped its accept loop); requests in flight,
and any further request on an already-open keep-alive connection, are answered with
"Connection: close"; a connection that stays idle for IDLE_GRACE_S after the drain began is
closed; the process exits 0 when no connection is left, or after DRAIN_DEADLINE_S at the latest.

Quiet by design: one line on start and one on stop, nothing per request.
"""

import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IDLE_GRACE_S = 0.5
DRAIN_DEADLINE_S = 10.0
POLL_S = 0.05


def log(message):
    print(message, flush=True)


class Connection:
    """One accepted client connection; idle = waiting for the first byte of the next request."""

    def __init__(self, sock):
        self.sock = sock
        self.idle = True
        self.idle_since = time.monotonic()
        self.closed_by_drain = False


class Connections:
    """All open connections, so the drain knows what is in flight and what is idle."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open = set()
        self.draining = False
        self.drain_started = 0.0
        self.requests = 0
        self.idle_closed = 0

    def add(self, conn):
        with self.lock:
            self.open.add(conn)

    def remove(self, conn):
        with self.lock:
            self.open.discard(conn)

    def set_idle(self, conn):
        with self.lock:
            conn.idle = True
            conn.idle_since = time.monotonic()

    def set_busy(self, conn):
        """Marks a request as in flight; False if the drain already closed this connection."""
        with self.lock:
            if conn.closed_by_drain:
                return False
            conn.idle = False
            self.requests += 1
            return True

    def start_drain(self):
        with self.lock:
            self.draining = True
            self.drain_started = time.monotonic()

    def close_idle(self):
        """Closes connections idle for IDLE_GRACE_S since the drain began; returns how many are open."""
        now = time.monotonic()
        with self.lock:
            for conn in self.open:
                if conn.idle and not conn.closed_by_drain:
                    idle_for = now - max(conn.idle_since, self.drain_started)
                    if idle_for >= IDLE_GRACE_S:
                        conn.closed_by_drain = True
                        self.idle_closed += 1
                        try:
                            # Wakes the handler thread blocked in readline() with EOF.
                            conn.sock.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass
            return len(self.open)


CONNECTIONS = Connections()
LEAKED = []
LEAK_BYTES = int(os.environ.get("APP_LEAK_KB") or "0") * 1024


ANSWERING = threading.Event()  # cleared while APP_HANG_FILE says this worker hangs
ANSWERING.set()


def hanging():
    """True while APP_HANG_FILE exists and lists this pid (or is empty)."""
    hang_file = os.environ.get("APP_HANG_FILE")
    if not hang_file:
        return False
    try:
        with open(hang_file) as f:
            pids = f.read().split()
    except OSError:
        return False
    return not pids or str(os.getpid()) in pids


def watch_hang_file():
    """One thread reads APP_HANG_FILE, so that hung requests cost nothing while they wait."""
    while True:
        if hanging():
            ANSWERING.clear()
        else:
            ANSWERING.set()
        time.sleep(POLL_S)


def failing():
    if os.environ.get("APP_FAIL"):
        return "APP_FAIL is set"
    fail_file = os.environ.get("APP_FAIL_FILE")
    if fail_file and os.path.exists(fail_file):
        return "APP_FAIL_FILE %s exists" % fail_file
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response sets Content-Length
    disable_nagle_algorithm = True  # no 40 ms Nagle/delayed-ACK stalls on small responses
    wbufsize = 16 * 1024  # headers and body leave in one write, flushed per request
    server_version = "rolld-example-app"
    sys_version = ""

    def setup(self):
        super().setup()
        self.conn = Connection(self.connection)
        CONNECTIONS.add(self.conn)

    def finish(self):
        try:
            super().finish()
        finally:
            CONNECTIONS.remove(self.conn)

    def handle_one_request(self):
        # Same as the base class, plus idle/busy bookkeeping for the drain.
        CONNECTIONS.set_idle(self.conn)
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:
            self.close_connection = True
            return
        if not self.raw_requestline or not CONNECTIONS.set_busy(self.conn):
            self.close_connection = True
            return
        try:
            if len(self.raw_requestline) > 65536:
                self.send_error(414)
                return
            if not self.parse_request():
                return
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(501, "Unsupported method (%r)" % self.command)
                return
            method()
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def do_GET(self):
        self.respond(send_body=True)

    def do_HEAD(self):
        self.respond(send_body=False)

    def respond(self, send_body):
        ANSWERING.wait()  # deadlocked, as far as the client can tell, while APP_HANG_FILE says so
        reason = failing()
        path = self.path.split("?", 1)[0]
        if LEAK_BYTES:
            LEAKED.append(b"x" * LEAK_BYTES)  # filled, so the pages are resident
        if reason:
            status, text = 500, "failing on purpose: %s\n" % reason
        elif path.startswith("/env/"):
            value = os.environ.get(path[len("/env/"):])
            status, text = (200, value + "\n") if value is not None else (404, "unset\n")
        elif path == "/":
            status, text = 200, "hello from pid %d port %d generation %s\n" % (
                os.getpid(), self.server.server_address[1], os.environ.get("ROLLD_GENERATION", ""))
        else:
            status, text = 404, "not found\n"
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if CONNECTIONS.draining:
            # Tell the client (nginx) not to reuse this connection: we are going away.
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - base class signature
        pass  # quiet: no line per request


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops SYNs when a front opens many connections

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], OSError):
            return  # a client going away is not worth a traceback
        super().handle_error(request, client_address)


def inherited_fd():
    """The listening fd handed down by a supervisor, or None; see the module docstring."""
    protocol = os.environ.get("APP_PROTOCOL", "")
    if protocol in ("", "systemd") and os.environ.get("LISTEN_FDS"):
        if os.environ.get("LISTEN_PID") == str(os.getpid()) and int(os.environ["LISTEN_FDS"]) >= 1:
            return 3
    if protocol in ("", "server-starter") and os.environ.get("SERVER_STARTER_PORT"):
        first = os.environ["SERVER_STARTER_PORT"].split(";")[0]
        return int(first.rsplit("=", 1)[1])
    return None


def notify(state):
    """sd_notify(state): one datagram to $NOTIFY_SOCKET ('@' = abstract namespace)."""
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return
    if path.startswith("@"):
        path = "\0" + path[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(state, path)


def watchdog_pings():
    """WATCHDOG=1 every half of $WATCHDOG_USEC, as systemd asks; a hanging worker stops sending them."""
    interval = int(os.environ["WATCHDOG_USEC"]) / 2e6
    while True:
        if ANSWERING.is_set():
            try:
                notify(b"WATCHDOG=1")
            except OSError:
                pass  # rolld is not listening (restarting): the next ping may reach it
        time.sleep(interval)


def serve_health_listener():
    """A second listener on 127.0.0.1 (any free port) with the same handler, for checks of this worker alone."""
    Server.address_family = socket.AF_INET
    extra = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=extra.serve_forever, kwargs={"poll_interval": 0.1}, name="liveness", daemon=True).start()
    return extra


def make_server(argv):
    if len(argv) == 2 and argv[1].isdigit():
        host = os.environ.get("APP_BIND") or "127.0.0.1"
        Server.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return Server((host, int(argv[1])), Handler), "%s:%s" % (host, argv[1])
    fd = inherited_fd() if len(argv) == 1 else None
    if fd is None:
        return None, None
    server = Server(None, Handler, bind_and_activate=False)
    server.socket.close()
    # family/type are read from the fd; the socket object owns this process's copy of it.
    server.socket = socket.socket(fileno=fd)
    # Several processes wake for one connection and only one gets it: a blocking accept() would
    # then hang in the others, and a hung accept loop cannot stop promptly on TERM.
    server.socket.setblocking(False)
    name = server.socket.getsockname()
    server.server_address = name if isinstance(name, tuple) else (name, 0)
    return server, "inherited fd %d (%s)" % (fd, name)


def write_output(mib):
    block = (b"x" * 1023 + b"\n") * 1024
    for _ in range(mib):
        sys.stdout.buffer.write(block)
    sys.stdout.buffer.flush()


def misbehave(ignore_term):
    """The faults asked for by APP_EXIT, APP_CHILDREN and APP_OUTPUT_MB; returns an exit status to exit with at once."""
    if os.environ.get("APP_EXIT"):
        print("exiting at once with status %s (APP_EXIT)" % os.environ["APP_EXIT"], file=sys.stderr, flush=True)
        return int(os.environ["APP_EXIT"])
    for _ in range(int(os.environ.get("APP_CHILDREN") or 0)):
        if os.fork() == 0:
            if ignore_term:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            while True:
                time.sleep(60)
    write_output(int(os.environ.get("APP_OUTPUT_MB") or 0))
    return None


def lock(path):
    """An exclusive flock held until the process exits, or None when another process holds it."""
    import fcntl
    handle = open(path, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def main(argv):
    lock_file = os.environ.get("APP_LOCK_FILE")
    held = lock(lock_file) if lock_file else True
    if held is None:
        print("refusing to start: another copy holds the lock %s (APP_LOCK_FILE)" % lock_file, file=sys.stderr, flush=True)
        return 4
    crash_file = os.environ.get("APP_CRASH_FILE")
    if crash_file and os.path.exists(crash_file):
        print("crashing on purpose: APP_CRASH_FILE %s exists" % crash_file, file=sys.stderr, flush=True)
        return 3
    ignore_term = bool(os.environ.get("APP_IGNORE_TERM"))
    status = misbehave(ignore_term)
    if status is not None:
        return status

    stop = threading.Event()
    received = []

    def on_signal(signum, _frame):
        received.append(signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, signal.SIG_IGN if ignore_term else on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if os.environ.get("APP_NO_BIND"):
        log("not binding pid %d (APP_NO_BIND)" % os.getpid())
        stop.wait()
        return 0

    stop.wait(float(os.environ.get("APP_START_DELAY_S") or 0))
    server, where = make_server(argv)
    if server is None:
        print("usage: python3 app.py PORT, or python3 app.py with LISTEN_FDS/LISTEN_PID or SERVER_STARTER_PORT set",
              file=sys.stderr)
        return 2

    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                               name="accept", daemon=True)
    serving.start()
    log("listening on %s pid %d" % (where, os.getpid()))
    extra = serve_health_listener() if os.environ.get("APP_HEALTH_LISTENER") else None
    if os.environ.get("APP_HANG_FILE"):
        threading.Thread(target=watch_hang_file, name="hang", daemon=True).start()
    if os.environ.get("APP_NOTIFY"):
        notify(b"READY=1")
    if os.environ.get("WATCHDOG_USEC") and os.environ.get("NOTIFY_SOCKET"):
        threading.Thread(target=watchdog_pings, name="watchdog", daemon=True).start()

    exit_file = os.environ.get("APP_EXIT_FILE")
    status = 0
    while not stop.wait(0.5):
        if exit_file and os.path.exists(exit_file):
            print("exiting on purpose: APP_EXIT_FILE %s exists" % exit_file, file=sys.stderr, flush=True)
            received.append("APP_EXIT_FILE")
            status = 3
            break
    hold_file = os.environ.get("APP_STOP_HOLD_FILE")
    while hold_file and os.path.exists(hold_file):
        time.sleep(POLL_S)

    # Drain: stop accepting, let in-flight requests finish, close idle keep-alives.
    CONNECTIONS.start_drain()
    server.shutdown()
    server.socket.close()
    if extra:
        extra.shutdown()
        extra.socket.close()
    deadline = time.monotonic() + DRAIN_DEADLINE_S
    remaining = CONNECTIONS.close_idle()
    while remaining and time.monotonic() < deadline:
        time.sleep(POLL_S)
        remaining = CONNECTIONS.close_idle()

    log("stopped pid %d on %s after %d requests (idle connections closed %d, left open %d)" % (
        os.getpid(), received[0], CONNECTIONS.requests, CONNECTIONS.idle_closed, remaining))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
