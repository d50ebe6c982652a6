"""The shop behind the stand-in: products, variations, orders and refunds, kept and answered as
WooCommerce 9 does through its REST API v3 (wp-json/wc/v3), for what Till uses of it.

What it does as WooCommerce does, from WooCommerce's source:
- an order's line `total` and `subtotal` are without tax; on create WooCommerce works the tax out
  itself, per line (rate × line total, rounded half away from zero to the cent) for the products'
  tax classes at the shop's base rates, and the order total is lines + fees + that tax;
- a status change to processing, completed or on-hold takes the ordered quantities off stock
  (once); a change to cancelled puts back what was taken; `set_paid` on create completes the
  payment (a pending order becomes processing, a completed one stays completed);
- a refund's `line_items` name order line items by id, `api_restock` puts their quantities back,
  an amount above what is left to refund is refused with HTTP 500
  (woocommerce_rest_cannot_create_order_refund), `api_refund: true` asks the payment gateway,
  which an order paid at a register has not; a refund of everything makes the order `refunded`;
- `GET /products?sku=` lists variations too (type `variation`, with their parent's id);
- `search` on orders matches ids, addresses, names and e-mails and line item names, not meta data.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
PAID_STATUSES = ("processing", "completed", "on-hold")
STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash")


class ShopError(Exception):
    """A refusal in WooCommerce's shape."""

    def __init__(self, status, code, message, params=None):
        super().__init__(message)
        self.status, self.code, self.message, self.params = status, code, message, params

    def body(self):
        data = {"status": self.status}
        if self.params:
            data["params"] = self.params
        return {"code": self.code, "message": self.message, "data": data}


def dec(v, default="0"):
    try:
        return Decimal(str(v if v not in (None, "") else default))
    except Exception:  # noqa: BLE001 - WooCommerce's wc_format_decimal makes junk 0
        return Decimal(0)


def money(d):
    return str(Decimal(d).quantize(CENT, rounding=ROUND_HALF_UP))


def now_text():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def address(email=True):
    a = {k: "" for k in ("first_name", "last_name", "company", "address_1", "address_2", "city", "state",
                         "postcode", "country")}
    if email:
        a.update(email="", phone="")
    return a


class Shop:
    def __init__(self, seed):
        self.key, self.secret = seed["key"], seed["secret"]
        self.currency = seed.get("currency", "USD")
        self.prices_include_tax = bool(seed.get("prices_include_tax", False))
        self.rates = [dict(r, rate=dec(r["rate"])) for r in seed.get("tax_rates", [])]
        self.next_id, self.next_item, self.next_meta = 100, 1000, 5000
        self.products, self.orders = {}, {}
        for p in seed.get("products", []):
            self.add_product(p)
        for i in range(int(seed.get("filler_products", 0))):
            self.add_product({"sku": f"FILL-{i:04}", "name": f"Filler {i}", "price": "1.00"})
        for i in range(int(seed.get("online_orders", 0))):
            self.online_order(i)

    # --- ids and meta --------------------------------------------------------------------------

    def new_id(self):
        self.next_id += 1
        return self.next_id

    def new_item(self):
        self.next_item += 1
        return self.next_item

    def meta_list(self, items):
        out = []
        for m in items or []:
            self.set_meta(out, m.get("key"), m.get("value"), m.get("id"))
        return out

    def set_meta(self, meta, key, value, meta_id=None):
        for m in meta:
            if (meta_id and m["id"] == meta_id) or (not meta_id and m["key"] == key):
                m["key"], m["value"] = key, value
                return
        self.next_meta += 1
        meta.append({"id": self.next_meta, "key": key, "value": value})

    # --- products ------------------------------------------------------------------------------

    def add_product(self, p, parent=None):
        pid = self.new_id()
        kind = "variation" if parent else p.get("type", "simple")
        prod = {
            "id": pid, "type": kind, "parent_id": parent or 0, "name": p.get("name", ""), "sku": p.get("sku", ""),
            "regular_price": p.get("price", ""), "sale_price": "", "status": "publish",
            "tax_status": p.get("tax_status", "taxable"), "tax_class": p.get("tax_class", ""),
            "manage_stock": "stock" in p, "stock_quantity": p.get("stock"),
            "global_unique_id": p.get("global_unique_id", ""), "meta_data": self.meta_list(p.get("meta_data")),
            "attributes": p.get("attributes", []), "variations": [], "created": now_text(), "modified": now_text(),
        }
        self.products[pid] = prod
        for v in p.get("variations", []):
            vid = self.add_product(dict(v, name=p.get("name", "")), parent=pid)
            prod["variations"].append(vid)
        return pid

    def product(self, pid, kind=None):
        p = self.products.get(pid)
        if p is None or (kind == "variation" and p["type"] != "variation") or (
                kind == "product" and p["type"] == "variation"):
            code = "woocommerce_rest_product_variation_invalid_id" if kind == "variation" else \
                "woocommerce_rest_product_invalid_id"
            raise ShopError(404, code, "Invalid ID.")
        return p

    def stock_status(self, p):
        if p["manage_stock"]:
            return "instock" if (p["stock_quantity"] or 0) > 0 else "outofstock"
        return "instock"

    def update_product(self, p, body):
        if "manage_stock" in body:
            p["manage_stock"] = bool(body["manage_stock"])
        if p["manage_stock"] and "stock_quantity" in body:
            p["stock_quantity"] = int(body["stock_quantity"])
        if not p["manage_stock"]:
            p["stock_quantity"] = None
        for k in ("regular_price", "sale_price", "name", "sku", "global_unique_id"):
            if k in body:
                p[k] = body[k]
        for m in body.get("meta_data") or []:
            self.set_meta(p["meta_data"], m.get("key"), m.get("value"), m.get("id"))
        p["modified"] = now_text()

    def move_stock(self, pid, delta):
        p = self.products.get(pid)
        if p and p["manage_stock"]:
            p["stock_quantity"] = (p["stock_quantity"] or 0) + delta
            return True
        return False

    def product_json(self, p):
        price = p["sale_price"] or p["regular_price"]
        variation = p["type"] == "variation"
        parent = self.products.get(p["parent_id"]) if variation else None
        body = {
            "id": p["id"], "name": p["name"], "slug": p["name"].lower().replace(" ", "-"),
            "permalink": f"https://shop.test/?p={p['id']}", "date_created": p["created"],
            "date_created_gmt": p["created"], "date_modified": p["modified"], "date_modified_gmt": p["modified"],
            "type": p["type"], "status": p["status"], "featured": False, "catalog_visibility": "visible",
            "description": "", "short_description": "", "sku": p["sku"], "price": price,
            "regular_price": p["regular_price"], "sale_price": p["sale_price"], "date_on_sale_from": None,
            "date_on_sale_from_gmt": None, "date_on_sale_to": None, "date_on_sale_to_gmt": None,
            "price_html": price, "on_sale": bool(p["sale_price"]), "purchasable": price != "", "total_sales": 0,
            "virtual": False, "downloadable": False, "downloads": [], "download_limit": -1, "download_expiry": -1,
            "external_url": "", "button_text": "", "tax_status": p["tax_status"], "tax_class": p["tax_class"],
            "manage_stock": p["manage_stock"], "stock_quantity": p["stock_quantity"],
            "stock_status": self.stock_status(p), "backorders": "no", "backorders_allowed": False,
            "backordered": False, "low_stock_amount": None, "sold_individually": False, "weight": "",
            "dimensions": {"length": "", "width": "", "height": ""}, "shipping_required": True,
            "shipping_taxable": True, "shipping_class": "", "shipping_class_id": 0, "reviews_allowed": True,
            "average_rating": "0", "rating_count": 0, "related_ids": [], "upsell_ids": [], "cross_sell_ids": [],
            "parent_id": p["parent_id"], "purchase_note": "", "categories": [], "tags": [], "images": [],
            "attributes": self.attributes_json(p), "default_attributes": [], "variations": p["variations"],
            "grouped_products": [], "menu_order": 0, "global_unique_id": p["global_unique_id"],
            "meta_data": p["meta_data"], "_links": {"self": [{"href": f"/wp-json/wc/v3/products/{p['id']}"}]},
        }
        if parent is not None:
            body["name"] = parent["name"]
        return body

    def attributes_json(self, p):
        if p["type"] == "variation":
            return [{"id": 0, "name": a["name"], "option": a["option"]} for a in p["attributes"]]
        return [{"id": 0, "name": a["name"], "position": i, "visible": True, "variation": True,
                 "options": a.get("options", [])} for i, a in enumerate(p["attributes"])]

    def variation_json(self, v):
        price = v["sale_price"] or v["regular_price"]
        body = {k: self.product_json(v)[k] for k in (
            "id", "date_created", "date_created_gmt", "date_modified", "date_modified_gmt", "description",
            "permalink", "sku", "price", "regular_price", "sale_price", "date_on_sale_from",
            "date_on_sale_from_gmt", "date_on_sale_to", "date_on_sale_to_gmt", "on_sale", "status",
            "virtual", "downloadable", "downloads", "download_limit", "download_expiry", "tax_status",
            "tax_class", "manage_stock", "stock_quantity", "stock_status", "backorders", "backorders_allowed",
            "backordered", "low_stock_amount", "weight", "dimensions", "shipping_class", "shipping_class_id",
            "attributes", "menu_order", "global_unique_id", "meta_data")}
        body.update(purchasable=price != "", image=None, name=v["name"], type="variation",
                    parent_id=v["parent_id"])
        body["_links"] = {"self": [{"href": f"/wp-json/wc/v3/products/{v['parent_id']}/variations/{v['id']}"}]}
        return body

    # --- orders --------------------------------------------------------------------------------

    def rates_for(self, tax_class):
        cls = tax_class or ""
        return [r for r in self.rates if (r.get("class") or "") == cls]

    def item_taxes(self, total, tax_status, tax_class):
        if tax_status != "taxable":
            return {}
        return {r["id"]: (total * r["rate"] / 100).quantize(CENT, rounding=ROUND_HALF_UP)
                for r in self.rates_for(tax_class)}

    def line_item(self, posted):
        pid = posted.get("variation_id") or posted.get("product_id") or 0
        p = self.products.get(pid)
        qty = int(posted.get("quantity") or 1)
        base = dec(p["sale_price"] or p["regular_price"]) * qty if p else Decimal(0)
        return {
            "id": self.new_item(), "product_id": (p["parent_id"] or p["id"]) if p else 0,
            "variation_id": p["id"] if p and p["type"] == "variation" else 0, "quantity": qty,
            "name": posted.get("name") or (p["name"] if p else ""), "tax_class": posted.get("tax_class", ""),
            "total": dec(posted.get("total"), base), "subtotal": dec(posted.get("subtotal"), posted.get("total", base)),
            "tax_status": p["tax_status"] if p else "taxable", "meta_data": self.meta_list(posted.get("meta_data")),
            "sku": p["sku"] if p else None, "reduced": 0,
        }

    def fee_line(self, posted):
        return {"id": self.new_item(), "name": posted.get("name", ""), "tax_class": posted.get("tax_class", ""),
                "tax_status": posted.get("tax_status", "taxable"), "total": dec(posted.get("total")),
                "meta_data": self.meta_list(posted.get("meta_data"))}

    def calculate_totals(self, o):
        for item in o["line_items"]:
            item["taxes"] = self.item_taxes(item["total"], item["tax_status"], item["tax_class"])
            item["subtotal_taxes"] = self.item_taxes(item["subtotal"], item["tax_status"], item["tax_class"])
        for fee in o["fee_lines"]:
            fee["taxes"] = self.item_taxes(fee["total"], fee["tax_status"], fee["tax_class"])
        lines = sum((i["total"] for i in o["line_items"]), Decimal(0))
        fees = sum((f["total"] for f in o["fee_lines"]), Decimal(0))
        tax = sum((t for i in o["line_items"] + o["fee_lines"] for t in i["taxes"].values()), Decimal(0))
        sub_tax = sum((t for i in o["line_items"] for t in i["subtotal_taxes"].values()), Decimal(0))
        line_tax = sum((t for i in o["line_items"] for t in i["taxes"].values()), Decimal(0))
        o["discount_total"] = sum((i["subtotal"] - i["total"] for i in o["line_items"]), Decimal(0))
        o["discount_tax"] = sub_tax - line_tax
        o["cart_tax"], o["total"] = tax, lines + fees + tax

    def set_status(self, o, status):
        old, o["status"] = o["status"], status
        if status in PAID_STATUSES and not o["stock_reduced"]:
            for item in o["line_items"]:
                if self.move_stock(item["variation_id"] or item["product_id"], -item["quantity"]):
                    item["reduced"] = item["quantity"]
            o["stock_reduced"] = True
        if status in ("cancelled", "pending") and o["stock_reduced"]:
            for item in o["line_items"]:
                self.move_stock(item["variation_id"] or item["product_id"], item["reduced"])
                item["reduced"] = 0
            o["stock_reduced"] = False
        if status in ("processing", "completed") and not o["date_paid"]:
            o["date_paid"] = now_text()
        if status == "completed" and old != "completed":
            o["date_completed"] = now_text()
        o["modified"] = now_text()

    def create_order(self, body):
        for posted in body.get("line_items") or []:
            if not (posted.get("product_id") or posted.get("variation_id") or posted.get("sku")):
                raise ShopError(400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required.")
        for posted in body.get("fee_lines") or []:
            if not posted.get("name"):
                raise ShopError(400, "woocommerce_rest_invalid_fee_item", "Fee name is required.")
        oid = self.new_id()
        o = {
            "id": oid, "status": "pending", "currency": body.get("currency", self.currency),
            "created": now_text(), "modified": now_text(), "date_paid": None, "date_completed": None,
            "payment_method": body.get("payment_method", ""),
            "payment_method_title": body.get("payment_method_title", ""),
            "transaction_id": body.get("transaction_id", ""), "customer_note": body.get("customer_note", ""),
            "billing": dict(address(), **(body.get("billing") or {})),
            "shipping": dict(address(False), **(body.get("shipping") or {})),
            "meta_data": self.meta_list(body.get("meta_data")),
            "line_items": [self.line_item(x) for x in body.get("line_items") or []],
            "fee_lines": [self.fee_line(x) for x in body.get("fee_lines") or []],
            "refunds": [], "stock_reduced": False, "prices_include_tax": self.prices_include_tax,
        }
        self.calculate_totals(o)
        self.orders[oid] = o
        if body.get("status"):
            self.set_status(o, body["status"])
        if body.get("set_paid") is True and o["status"] in ("on-hold", "pending", "failed", "cancelled"):
            self.set_status(o, "processing")
        return o

    def online_order(self, i):
        """An order placed on the website (no Till id), for the listings to page through."""
        self.create_order({"status": "processing", "billing": {"first_name": "Web", "last_name": f"Customer{i}"},
                           "line_items": []})

    def order(self, oid):
        o = self.orders.get(oid)
        if o is None:
            raise ShopError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        return o

    def update_order(self, o, body):
        for m in body.get("meta_data") or []:
            self.set_meta(o["meta_data"], m.get("key"), m.get("value"), m.get("id"))
        for k in ("customer_note", "transaction_id", "payment_method", "payment_method_title"):
            if k in body:
                o[k] = body[k]
        if body.get("status") and body["status"] != o["status"]:
            self.set_status(o, body["status"])
        o["modified"] = now_text()

    def searchable(self, o):
        words = [str(o["id"])] + list(o["billing"].values()) + list(o["shipping"].values())
        return " ".join(words + [i["name"] for i in o["line_items"] + o["fee_lines"]]).lower()

    def refunded(self, o):
        return sum((r["amount"] for r in o["refunds"]), Decimal(0))

    def create_refund(self, o, body):
        items = {x.get("id"): x for x in body.get("line_items") or []}
        amount = dec(body["amount"]) if "amount" in body else sum(
            (dec(x.get("refund_total")) + sum((dec(t.get("refund_total")) for t in x.get("refund_tax") or []),
                                              Decimal(0)) for x in items.values()), Decimal(0))
        if amount < 0:
            raise ShopError(400, "woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.")
        if amount > o["total"] - self.refunded(o):
            raise ShopError(500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.")
        if body.get("api_refund", True) is not False:
            raise ShopError(500, "woocommerce_rest_cannot_create_order_refund",
                            "The payment gateway for this order does not exist.")
        lines = []
        for item in o["line_items"]:
            x = items.get(item["id"])
            if x is None:
                continue
            qty = int(x.get("quantity") or 0)
            total = dec(x.get("refund_total"))
            taxes = {t.get("id"): dec(t.get("refund_total")) for t in x.get("refund_tax") or []}
            lines.append({"id": self.new_item(), "name": item["name"], "product_id": item["product_id"],
                          "variation_id": item["variation_id"], "quantity": -qty, "tax_class": item["tax_class"],
                          "total": -total, "subtotal": -total, "taxes": {k: -v for k, v in taxes.items()},
                          "subtotal_taxes": {k: -v for k, v in taxes.items()}, "sku": item["sku"],
                          "meta_data": self.meta_list([{"key": "_refunded_item_id", "value": str(item["id"])}])})
            if body.get("api_restock", True) and qty and item["reduced"]:
                back = min(qty, item["reduced"])
                self.move_stock(item["variation_id"] or item["product_id"], back)
                item["reduced"] -= back
        refund = {"id": self.new_id(), "created": now_text(), "amount": amount, "reason": body.get("reason") or "",
                  "refunded_by": 1, "refunded_payment": False, "meta_data": self.meta_list(body.get("meta_data")),
                  "line_items": lines}
        o["refunds"].append(refund)
        if self.refunded(o) >= o["total"] and o["status"] != "refunded":
            self.set_status(o, "refunded")
        return refund

    # --- answers -------------------------------------------------------------------------------

    def item_json(self, item):
        taxes = [{"id": k, "total": money(v), "subtotal": money(item.get("subtotal_taxes", {}).get(k, v))}
                 for k, v in item["taxes"].items()]
        body = {
            "id": item["id"], "name": item["name"], "product_id": item["product_id"],
            "variation_id": item["variation_id"], "quantity": item["quantity"], "tax_class": item["tax_class"],
            "subtotal": money(item["subtotal"]), "subtotal_tax": money(sum(item.get("subtotal_taxes", {}).values(),
                                                                             Decimal(0))),
            "total": money(item["total"]), "total_tax": money(sum(item["taxes"].values(), Decimal(0))),
            "taxes": taxes, "meta_data": [dict(m, display_key=m["key"], display_value=m["value"])
                                          for m in item["meta_data"]],
            "sku": item["sku"], "price": float(item["total"] / item["quantity"]) if item["quantity"] else 0,
            "image": {"id": 0, "src": ""}, "parent_name": None,
        }
        return body

    def order_json(self, o):
        tax_lines = [{"id": r["id"] + 90000, "rate_code": f"TAX-{r['id']}", "rate_id": r["id"],
                      "label": r.get("name", "Tax"), "compound": False,
                      "tax_total": money(sum((i["taxes"].get(r["id"], 0) for i in o["line_items"] + o["fee_lines"]),
                                             Decimal(0))),
                      "shipping_tax_total": "0.00", "rate_percent": float(r["rate"]), "meta_data": []}
                     for r in self.rates if any(r["id"] in i["taxes"] for i in o["line_items"] + o["fee_lines"])]
        fees = [{"id": f["id"], "name": f["name"], "tax_class": f["tax_class"], "tax_status": f["tax_status"],
                 "amount": money(f["total"]), "total": money(f["total"]),
                 "total_tax": money(sum(f["taxes"].values(), Decimal(0))),
                 "taxes": [{"id": k, "total": money(v), "subtotal": ""} for k, v in f["taxes"].items()],
                 "meta_data": f["meta_data"]} for f in o["fee_lines"]]
        return {
            "id": o["id"], "parent_id": 0, "status": o["status"], "currency": o["currency"], "version": "9.4.0",
            "prices_include_tax": o["prices_include_tax"], "date_created": o["created"],
            "date_created_gmt": o["created"], "date_modified": o["modified"], "date_modified_gmt": o["modified"],
            "discount_total": money(o["discount_total"]), "discount_tax": money(o["discount_tax"]),
            "shipping_total": "0.00", "shipping_tax": "0.00", "cart_tax": money(o["cart_tax"]),
            "total": money(o["total"]), "total_tax": money(o["cart_tax"]), "customer_id": 0,
            "order_key": f"wc_order_{o['id']:08x}", "billing": o["billing"], "shipping": o["shipping"],
            "payment_method": o["payment_method"], "payment_method_title": o["payment_method_title"],
            "transaction_id": o["transaction_id"], "customer_ip_address": "", "customer_user_agent": "",
            "created_via": "rest-api", "customer_note": o["customer_note"], "date_completed": o["date_completed"],
            "date_completed_gmt": o["date_completed"], "date_paid": o["date_paid"], "date_paid_gmt": o["date_paid"],
            "cart_hash": "", "number": str(o["id"]), "meta_data": o["meta_data"],
            "line_items": [self.item_json(i) for i in o["line_items"]], "tax_lines": tax_lines,
            "shipping_lines": [], "fee_lines": fees, "coupon_lines": [],
            "refunds": [{"id": r["id"], "reason": r["reason"], "total": "-" + money(r["amount"])}
                        for r in o["refunds"]],
            "payment_url": "", "is_editable": o["status"] in ("pending", "on-hold", "auto-draft"),
            "needs_payment": o["status"] == "pending", "needs_processing": True, "currency_symbol": "$",
            "_links": {"self": [{"href": f"/wp-json/wc/v3/orders/{o['id']}"}],
                       "collection": [{"href": "/wp-json/wc/v3/orders"}]},
        }

    def refund_json(self, o, r):
        return {
            "id": r["id"], "date_created": r["created"], "date_created_gmt": r["created"],
            "amount": money(r["amount"]), "reason": r["reason"], "refunded_by": r["refunded_by"],
            "refunded_payment": r["refunded_payment"], "meta_data": r["meta_data"],
            "line_items": [self.item_json(i) for i in r["line_items"]], "shipping_lines": [],
            "tax_lines": [], "fee_lines": [],
            "_links": {"self": [{"href": f"/wp-json/wc/v3/orders/{o['id']}/refunds/{r['id']}"}],
                       "up": [{"href": f"/wp-json/wc/v3/orders/{o['id']}"}]},
        }
