#!/usr/bin/env python3
"""A WooCommerce stand-in for Till's export tests: the REST API v3 endpoints the connector uses,
over HTTPS with a test CA made by openssl at start, Basic authentication with a consumer key and
secret, and WooCommerce's errors. Python 3's standard library only.

    server.py --dir DIR --seed SEED.json --wheel airbyte_source_woocommerce-0.4.12-py3-none-any.whl

It prints one JSON line, {"https_port", "control_port", "ca"}, and serves until its standard
input closes. Every answer it gives is checked against the published schemas (schemas.py) and
every request against the REST API's documentation (rules.py); failures are counted, not fatal.

The control port (plain HTTP, 127.0.0.1) is for the test:
    POST /fault  {"method": "POST", "path": "^/orders$", "kind": K, "count": 1, ...} where K is
                 "status" (answer "status" without acting), "retry_after" (429 with Retry-After:
                 "seconds"), "delay" (wait "seconds", then act and answer: the client has given
                 up), "lose" (act, then close the connection without an answer)
    GET  /state  the shop, the requests, the invalid requests, the schema failures, the faults
"""

import argparse
import base64
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import rules
from schemas import Published, SchemaError
from shop import STATUSES, Shop, ShopError

PREFIX = "/wp-json/wc/v3"
STARTED = time.monotonic()
LOCK = threading.Lock()


def certificates(d):
    """A test CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, cwd=d, capture_output=True, timeout=60)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Till test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    return os.path.join(d, "ca.pem"), os.path.join(d, "server.pem"), os.path.join(d, "server.key")


class Record:
    """What the test reads back: requests, faults, invalid requests, schema verdicts."""

    def __init__(self, published):
        self.published = published
        self.requests, self.invalid, self.failures, self.fired, self.faults = [], [], [], [], []
        self.errata_uses = [0] * len(published.errata_list)

    def fault_for(self, method, path):
        for f in self.faults:
            if f["count"] > 0 and f.get("method", method) == method and re.search(f.get("path", ""), path):
                f["count"] -= 1
                self.fired.append({"t": round(time.monotonic() - STARTED, 3), "method": method, "path": path,
                                   "kind": f["kind"]})
                return f
        return None


def page(items, query):
    q = {k: v[0] for k, v in parse_qs(query).items()}
    per = int(q.get("per_page", 10)) if q.get("per_page", "10").isdigit() else 10
    n = int(q.get("page", 1)) if q.get("page", "1").isdigit() else 1
    total = len(items)
    pages = max(1, -(-total // per)) if total else 0
    if total and n > pages:
        raise ShopError(400, "rest_post_invalid_page_number",
                        "The page number requested is larger than the number of pages available.")
    return items[(n - 1) * per:n * per], {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}


def order_sorted(items, q, date_key="created"):
    by = q.get("orderby", "date")
    key = (lambda x: x["id"]) if by == "id" else (lambda x: (x[date_key], x["id"]))
    return sorted(items, key=key, reverse=q.get("order", "desc") == "desc")


def iso(text):
    return text.rstrip("Z")[:19]


def variation(shop, ids):
    v = shop.product(ids[1], "variation")
    if v["parent_id"] != ids[0]:
        raise ShopError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
    return v


# One object by its path: how it is found, changed and shown, and its published schema.
ONE = {
    "orders/N": (lambda s, ids: s.order(ids[0]), Shop.update_order, Shop.order_json, "orders"),
    "products/N": (lambda s, ids: s.product(ids[0]), Shop.update_product, Shop.product_json, "products"),
    "products/N/variations/N": (variation, Shop.update_product, Shop.variation_json, "variations"),
}


class Api:
    """The REST routes: (method, path, query, body) → (status, json, headers, stream)."""

    def __init__(self, shop):
        self.shop = shop

    def route(self, method, path, query, body):
        q = {k: v[0] for k, v in parse_qs(query).items()}
        parts = [p for p in path.split("/") if p]
        ids = [int(p) for p in parts[1::2] if p.isdigit()]
        shape = "/".join(p if not p.isdigit() else "N" for p in parts)
        s = self.shop
        editable = method in ("PUT", "POST", "PATCH")
        if shape == "orders" and method == "GET":
            return self.list_orders(q, query)
        if shape == "orders" and method == "POST":
            return 201, s.order_json(s.create_order(body)), {}, "orders"
        if shape in ONE and (method == "GET" or editable):
            find, update, show, stream = ONE[shape]
            obj = find(s, ids)
            if editable:
                update(s, obj, body)
            return 200, show(s, obj), {}, stream
        if shape == "orders/N/refunds" and method == "GET":
            o = s.order(ids[0])
            items, headers = page(order_sorted([s.refund_json(o, r) for r in o["refunds"]], q, "date_created"), query)
            return 200, items, headers, "refunds"
        if shape == "orders/N/refunds" and method == "POST":
            o = s.order(ids[0])
            return 201, s.refund_json(o, s.create_refund(o, body)), {}, "refunds"
        if shape == "products" and method == "GET":
            return self.list_products(q, query)
        if shape == "products/N/variations" and method == "GET":
            parent = s.product(ids[0], "product")
            vs = order_sorted([s.products[v] for v in parent["variations"]], q)
            items, headers = page([s.variation_json(v) for v in vs], query)
            return 200, items, headers, "variations"
        raise ShopError(404, "rest_no_route", "No route was found matching the URL and request method.")

    def list_orders(self, q, query):
        s = self.shop
        items = list(s.orders.values())
        status = q.get("status", "any")
        if status != "any":
            wanted = status.split(",")
            items = [o for o in items if o["status"] in wanted]
        else:
            items = [o for o in items if o["status"] != "trash"]
        if "after" in q:
            items = [o for o in items if o["created"] > iso(q["after"])]
        if "before" in q:
            items = [o for o in items if o["created"] < iso(q["before"])]
        if "search" in q:
            term = q["search"].lower()
            items = [o for o in items if term in s.searchable(o)]
        shown, headers = page(order_sorted(items, q), query)
        return 200, [fields(s.order_json(o), q) for o in shown], headers, "orders"

    def list_products(self, q, query):
        s = self.shop
        if "sku" in q:
            skus = q["sku"].split(",")
            items = [p for p in s.products.values() if p["sku"] in skus]
        else:
            items = [p for p in s.products.values() if p["type"] != "variation"]
        if "type" in q:
            items = [p for p in items if p["type"] == q["type"]]
        shown, headers = page(order_sorted(items, q), query)
        return 200, [fields(s.product_json(p), q) for p in shown], headers, "products"


def fields(obj, q):
    if "_fields" not in q:
        return obj
    keep = {f.split(".")[0] for f in q["_fields"].split(",")}
    return {k: v for k, v in obj.items() if k in keep}


def kind_of(method, path):
    parts = [p for p in path.split("/") if p]
    shape = "/".join(p if not p.isdigit() else "N" for p in parts)
    return {"orders": "orders", "orders/N": "order", "orders/N/refunds": "refunds", "products": "products",
            "products/N": "product", "products/N/variations": "variations",
            "products/N/variations/N": "variation"}.get(shape, shape)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    api = record = None

    def log_message(self, *args):
        pass

    def answer(self, status, obj, headers=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        shop = self.api.shop
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return ShopError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        try:
            key, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            key, secret = "", ""
        if key != shop.key:
            return ShopError(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        if secret != shop.secret:
            return ShopError(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
        return None

    def handle_api(self):
        url = urlsplit(self.path)
        method, rec = self.command, self.record
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        entry = {"t": round(time.monotonic() - STARTED, 3), "method": method, "path": self.path}
        with LOCK:
            rec.requests.append(entry)
            fault = rec.fault_for(method, url.path[len(PREFIX):]) if url.path.startswith(PREFIX) else None
        if fault and fault["kind"] == "status":
            entry["status"] = fault["status"]
            return self.answer(fault["status"], {"code": "internal_server_error", "message":
                               "There has been a critical error on this website.", "data": {"status": fault["status"]}})
        if fault and fault["kind"] == "retry_after":
            entry["status"] = 429
            return self.answer(429, {"code": "too_many_requests", "message": "Too many requests.",
                                     "data": {"status": 429}}, {"Retry-After": str(fault["seconds"])})
        if fault and fault["kind"] == "delay":
            time.sleep(fault["seconds"])
        status, obj, headers, stream = self.respond(method, url, raw)
        entry["status"] = status
        if fault and fault["kind"] == "lose":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        try:
            return self.answer(status, obj, headers)
        except OSError:
            return None

    def respond(self, method, url, raw):
        rec = self.record
        denied = self.authorized()
        if denied:
            return denied.status, denied.body(), {}, None
        if not url.path.startswith(PREFIX):
            return 404, ShopError(404, "rest_no_route", "No route was found.").body(), {}, None
        path = url.path[len(PREFIX):]
        kind = kind_of(method, path)
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return 400, {"code": "rest_invalid_json", "message": "Invalid JSON body passed.",
                             "data": {"status": 400}}, {}, None
        problems = rules.query_problems(kind, url.query) + (
            rules.body_problems(method, kind, body) if method != "GET" else [])
        with LOCK:
            problems += self.semantic_problems(method, kind, body)
            if problems:
                rec.invalid.append({"method": method, "path": self.path, "problems": problems})
            bad = [p for p in problems if p[0] == "type"]
            if bad:
                params = {p[1].lstrip("$.?").split(".")[0].split("[")[0] or "body": f"{p[1]} {p[2]}." for p in bad}
                err = ShopError(400, "rest_invalid_param", "Invalid parameter(s): " + ", ".join(params), params)
                return 400, err.body(), {}, None
            try:
                status, obj, headers, stream = self.api.route(method, path, url.query, body or {})
            except ShopError as e:
                return e.status, e.body(), {}, None
            self.judge(stream, obj, method)
        return status, obj, headers, stream

    def semantic_problems(self, method, kind, body):
        out = []
        if method == "POST" and kind == "orders" and isinstance(body, dict):
            for i, item in enumerate(body.get("line_items") or []):
                pid = isinstance(item, dict) and (item.get("variation_id") or item.get("product_id"))
                if pid and pid not in self.api.shop.products:
                    out.append(("semantic", f"$.line_items[{i}]", f"names product {pid}, which the shop lacks"))
        if method == "POST" and kind == "refunds" and isinstance(body, dict):
            m = re.search(r"/orders/(\d+)/refunds", self.path)
            order = self.api.shop.orders.get(int(m.group(1))) if m else None
            own = {i["id"] for i in order["line_items"]} if order else set()
            for i, item in enumerate(body.get("line_items") or []):
                if isinstance(item, dict) and item.get("id") not in own:
                    out.append(("semantic", f"$.line_items[{i}].id", "is not a line item of the order"))
        return out

    def judge(self, stream, obj, method):
        if stream is None:
            return
        for item in obj if isinstance(obj, list) else [obj]:
            problems, errata = self.record.published.verdict(stream, item)
            for n in errata:
                self.record.errata_uses[n] += 1
            if problems:
                self.record.failures.append({"method": method, "path": self.path, "stream": stream,
                                             "problems": problems[:10]})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_api


class Control(BaseHTTPRequestHandler):
    api = record = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        shop, rec = self.api.shop, self.record
        with LOCK:
            state = {
                "schemas": rec.published.source,
                "orders": [shop.order_json(o) for o in shop.orders.values()],
                "refunds": [dict(shop.refund_json(o, r), order_id=o["id"]) for o in shop.orders.values()
                            for r in o["refunds"]],
                "products": [shop.variation_json(p) if p["type"] == "variation" else shop.product_json(p)
                             for p in shop.products.values()],
                "requests": rec.requests, "invalid_requests": rec.invalid, "schema_failures": rec.failures,
                "errata": [{"why": e["why"], "uses": n} for e, n in zip(rec.published.errata_list, rec.errata_uses)],
                "faults_fired": rec.fired, "faults_left": sum(f["count"] for f in rec.faults),
                "statuses": STATUSES,
            }
        data = json.dumps(state).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        fault = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        fault.setdefault("count", 1)
        with LOCK:
            self.record.faults.append(fault)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


class TlsServer(ThreadingHTTPServer):
    daemon_threads = True
    context = None

    def finish_request(self, request, client_address):
        try:
            request = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        super().finish_request(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--wheel", required=True)
    args = ap.parse_args()
    try:
        published = Published(args.wheel)
    except SchemaError as e:
        print(f"server.py: the published schemas cannot be used: {e}", file=sys.stderr)
        return 3
    ca, cert, key = certificates(args.dir)
    with open(args.seed) as f:
        api = Api(Shop(json.load(f)))
    record = Record(published)
    Handler.api = Control.api = api
    Handler.record = Control.record = record
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    https = TlsServer(("127.0.0.1", 0), Handler)
    https.context = context
    control = ThreadingHTTPServer(("127.0.0.1", 0), Control)
    control.daemon_threads = True
    for srv in (https, control):
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    print(json.dumps({"https_port": https.server_address[1], "control_port": control.server_address[1],
                      "ca": ca}), flush=True)
    sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
