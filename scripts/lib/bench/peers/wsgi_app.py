"""The bench's WSGI app for gunicorn: answers every request like example/app.py, with its pid."""
import os


def app(environ, start_response):
    body = ("ok pid=%d\n" % os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
