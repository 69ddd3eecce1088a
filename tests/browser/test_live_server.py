"""The development server and a client that resets the connection, as Chromium does after a redirect."""

from __future__ import annotations

import http.client
import socket
import struct
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.serving import WSGIRequestHandler

from tests.browser.conftest import LiveServer, dispose, make_live_app, serve, stop
from tests.factories import make_member
from tests.helpers import csrf_from
from tests.smtp_server import SMTPServer

EMAIL = "amira@example.ac.uk"


def read_response(sock: socket.socket) -> bytes:
    """One whole HTTP response with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))[15:]
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_mail_is_delivered_when_the_client_resets_the_connection(
    tmp_path: Path, smtp_server: SMTPServer
) -> None:
    app = make_live_app(tmp_path, smtp_server)
    make_member(app, "Amira Khan", email=EMAIL, profile=False)
    # Werkzeug's own request handler, as `flask --debug run` uses: it skips the response's close()
    # when the client resets the connection just after the response.
    server, url = serve(app, WSGIRequestHandler)
    app.config["BASE_URL"] = url
    try:
        port = server.server_port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/auth/reset")
        page = connection.getresponse()
        cookie = page.getheader("Set-Cookie").split(";")[0]
        form = urlencode({"csrf_token": csrf_from(page.read().decode()), "email": EMAIL})
        connection.close()

        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            request = (
                f"POST /auth/reset HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(form)}\r\n\r\n{form}"
            )
            sock.sendall(request.encode())
            head = read_response(sock)
            # Close with a reset (RST) instead of an orderly shutdown.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        assert head.startswith(b"HTTP/1.1 200 ")

        LiveServer(app=app, url=url, smtp=smtp_server).wait_for_email(EMAIL, "reset_password")
    finally:
        stop(server)
        dispose(app)
