#!/usr/bin/env python3
"""A Standard Webhooks receiver for Till's export tests.

Verifies every delivery with the specification's reference library (PyPI `standardwebhooks`;
without it, by the specification's HMAC in the standard library, which the demo uses),
dedupes by webhook-id (effect-once: a delivery seen before is answered 200 and not recorded
again), and can be told to fail a share of calls: 500, 429 with Retry-After, or a timeout
(it takes the delivery, then never answers in time, so the sender cannot know it arrived).

Every accepted first delivery is appended to --log as one JSON line, flushed and fsynced before
the answer, so a receiver killed and restarted keeps its memory of ids:
  {"id": webhook-id, "type": ..., "order": the order it concerns, "n": arrival number}
Bad signatures, duplicates and injected faults are logged as {"bad"|"dup"|"fault": ...} lines.

  receiver.py --port P --secret whsec_... --log FILE [--fail 0.3] [--mix 4:1:1] [--seed N]
              [--cert CERT --key KEY] [--retry-after S] [--stall S]
Prints "ready PORT" when it listens.
"""

import argparse
import json
import os
import random
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from standardwebhooks import Webhook
except ImportError:  # the demo runs without PyPI: the specification's HMAC by hand
    import base64
    import hashlib
    import hmac

    class Webhook:
        def __init__(self, secret):
            self.key = base64.b64decode(secret.removeprefix("whsec_"))

        def verify(self, body, headers):
            signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
            want = base64.b64encode(hmac.new(self.key, signed, hashlib.sha256).digest()).decode()
            sigs = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split() if "," in s]
            if not any(hmac.compare_digest(want, s) for s in sigs):
                raise ValueError("no matching signature")
            if abs(time.time() - int(headers["webhook-timestamp"])) > 300:
                raise ValueError("timestamp too far from now")
            return json.loads(body)

lock = threading.Lock()
seen = set()
arrivals = 0


def load(path):
    global arrivals
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a line cut by a kill
            if "id" in rec:
                seen.add(rec["id"])
                arrivals = max(arrivals, rec.get("n", 0))


def append(path, rec):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(rec) + "\n")
        f.flush()
        os.fsync(f.fileno())


def order_of(kind, data):
    if kind == "order.created":
        return data.get("id")
    if kind == "order.voided":
        return data.get("order_id")
    if kind == "return.created":
        return data.get("order_id")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--fail", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--retry-after", type=float, default=1)
    ap.add_argument("--stall", type=float, default=3)
    ap.add_argument("--mix", default="1:1:1", help="weights of 500, 429 and timeout among failures")
    a = ap.parse_args()
    wh = Webhook(a.secret)
    rng = random.Random(a.seed)
    load(a.log)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, extra=None):
            body = b"{}"
            self.send_response(status)
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            global arrivals
            n = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(n)
            if len(body) < n:
                # The sender went away mid-body (the test kills it): nothing arrived to verify.
                with lock:
                    append(a.log, {"cut": self.headers.get("webhook-id"), "got": len(body), "of": n})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload = wh.verify(body, headers)
            except Exception as e:  # the library raises its own WebhookVerificationError
                with lock:
                    append(a.log, {"bad": headers.get("webhook-id"), "why": str(e)})
                self.answer(400)
                return
            wid = headers["webhook-id"]
            with lock:
                r = rng.random()
                fault = None
                if r < a.fail:
                    w = [float(x) for x in a.mix.split(":")]
                    x = r / a.fail * sum(w)
                    fault = "500" if x < w[0] else "429" if x < w[0] + w[1] else "timeout"
                if fault in ("500", "429"):
                    append(a.log, {"fault": fault, "of": wid})
                    self.answer(500 if fault == "500" else 429,
                                {"retry-after": str(a.retry_after)} if fault == "429" else None)
                    return
                if wid in seen:
                    append(a.log, {"dup": wid})
                else:
                    seen.add(wid)
                    arrivals += 1
                    kind = payload.get("type")
                    append(a.log, {"id": wid, "type": kind, "order": order_of(kind, payload.get("data", {})),
                                   "n": arrivals})
                if fault == "timeout":
                    append(a.log, {"fault": "timeout", "of": wid})
            if fault == "timeout":
                time.sleep(a.stall)  # took it, never answers in time
                return
            self.answer(200)

    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(f"ready {a.port}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
