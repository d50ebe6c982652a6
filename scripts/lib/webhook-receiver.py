#!/usr/bin/env python3
"""An HTTPS receiver of Standard Webhooks for scripts/qemu-test.

  webhook-receiver.py --listen 127.0.0.1:8443 --cert shop.pem --key shop.key \
                      --secret whsec_… --log FILE [--seconds 600]

Every POST is checked with the `standardwebhooks` package (PyPI) against the secret, which also
checks that its timestamp is within five minutes of this host's clock; one line per request in
FILE: `verified ID TYPE`, `refused ID: WHY`, or `unverified ID TYPE (no standardwebhooks)` when
the package is missing (the test then counts the check as skipped). Answers 204 to a verified
or unverified delivery, 400 to a refused one. Stops by itself after --seconds.
"""
import argparse
import os
import http.server
import json
import ssl
import sys
import threading

try:
    from standardwebhooks.webhooks import Webhook
except ImportError:  # the test says it skipped the signature check
    Webhook = None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--pidfile", help="write this process's id here (the caller stops it by it)")
    a = p.parse_args()
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    log = open(a.log, "a", buffering=1)
    hook = Webhook(a.secret) if Webhook else None

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            ident = self.headers.get("webhook-id", "?")
            try:
                kind = json.loads(body).get("type", "?")
            except ValueError:
                kind = "?"
            status = 204
            if hook is None:
                log.write("unverified %s %s (no standardwebhooks)\n" % (ident, kind))
            else:
                try:
                    hook.verify(body, {k.lower(): v for k, v in self.headers.items()})
                    log.write("verified %s %s\n" % (ident, kind))
                except Exception as e:  # the package raises its own WebhookVerificationError
                    log.write("refused %s: %s\n" % (ident, e))
                    status = 400
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    host, port = a.listen.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    log.write("listening %s:%s%s\n" % (host, port, "" if hook else " (no standardwebhooks)"))
    threading.Timer(a.seconds, server.shutdown).start()
    server.serve_forever()
    log.write("stopped\n")


if __name__ == "__main__":
    sys.exit(main())
