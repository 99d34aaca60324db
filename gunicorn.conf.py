"""gunicorn settings, read by `gunicorn wsgi:app` when it starts in this folder (gunicorn's default config file).

Requests gunicorn refuses before the app sees them (a request line past the limit, too many or too large
headers, a malformed request) are answered as RFC 9457 problem+json, like every other API error, and not as
gunicorn's own HTML page: API clients get one kind of error body, whatever refused them.
"""

import json

from gunicorn import util

#: the longest request line gunicorn allows (its ceiling): long query strings reach the app, which answers them
limit_request_line = 8190


def _problem_error(sock, status_int, reason, mesg):
    body = json.dumps({"type": "about:blank", "title": reason, "status": status_int, "detail": mesg}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
    util.write_nonblock(sock, head + body)


util.write_error = _problem_error
