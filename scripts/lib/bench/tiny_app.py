#!/usr/bin/env python3
"""The smallest HTTP worker, for scripts/bench's scale run (200 of them): python3 tiny_app.py PORT

Answers every connection with one "200 OK" and closes it; exits at once on TERM.
"""

import socket
import sys

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"


def main(port):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)
    while True:
        connection, _ = server.accept()
        with connection:
            connection.recv(4096)
            connection.sendall(RESPONSE)


if __name__ == "__main__":
    main(int(sys.argv[1]))
