"""What a request to the stand-in must be, by the WooCommerce REST API v3 documentation
(woocommerce.github.io/woocommerce-rest-api-docs: the order, refund, product and variation
properties, their types, which are read-only, and the list endpoints' parameters).

A request that breaks a type is refused as WordPress refuses it (HTTP 400 rest_invalid_param),
as WooCommerce would. Everything else found here (a read-only or undocumented field, an amount
that is not a decimal string, an unknown query parameter, a line item naming no product) is done
the way WooCommerce does it, and counted: the Rust test asserts that none was made.
"""

import re
from urllib.parse import parse_qs

from schemas import check

S = {"type": "string"}
MONEY = {"type": "string", "money": True}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
RO = {"readonly": True}
META = {"type": "array", "items": {"type": "object", "unknown": True, "required": ["key"],
                                   "properties": {"id": INT, "key": S, "value": {}}}}
ADDRESS = {"type": "object", "unknown": True, "properties": {
    k: ({"type": ["string", "null"]} if k == "email" else S)
    for k in ("first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode",
              "country", "email", "phone")}}
LINE_ITEM = {"type": "object", "unknown": True, "properties": {
    "id": INT, "name": S, "product_id": INT, "variation_id": INT, "quantity": INT, "tax_class": S,
    "subtotal": MONEY, "total": MONEY, "meta_data": META, "subtotal_tax": RO, "total_tax": RO, "taxes": RO,
    "sku": RO, "price": RO, "parent_name": RO, "image": RO}}
FEE_LINE = {"type": "object", "unknown": True, "properties": {
    "id": INT, "name": S, "tax_class": S, "tax_status": {"type": "string", "enum": ["taxable", "none"]},
    "total": MONEY, "meta_data": META, "total_tax": RO, "taxes": RO}}
SHIPPING_LINE = {"type": "object", "unknown": True, "properties": {
    "id": INT, "method_title": S, "method_id": S, "total": MONEY, "meta_data": META, "total_tax": RO, "taxes": RO}}
COUPON_LINE = {"type": "object", "unknown": True, "properties": {"id": INT, "code": S, "meta_data": META,
                                                                 "discount": RO, "discount_tax": RO}}
ORDER = {"type": "object", "unknown": True, "properties": {
    "parent_id": INT, "status": {"type": "string", "enum": ["pending", "processing", "on-hold", "completed",
                                                            "cancelled", "refunded", "failed", "trash"]},
    "currency": {"type": "string"}, "customer_id": INT, "customer_note": S, "billing": ADDRESS,
    "shipping": ADDRESS, "payment_method": S, "payment_method_title": S, "transaction_id": S, "meta_data": META,
    "line_items": {"type": "array", "items": LINE_ITEM},
    "shipping_lines": {"type": "array", "items": SHIPPING_LINE},
    "fee_lines": {"type": "array", "items": FEE_LINE}, "coupon_lines": {"type": "array", "items": COUPON_LINE},
    "set_paid": BOOL, **{k: RO for k in (
        "id", "number", "order_key", "created_via", "version", "date_created", "date_created_gmt",
        "date_modified", "date_modified_gmt", "discount_total", "discount_tax", "shipping_total", "shipping_tax",
        "cart_tax", "total", "total_tax", "prices_include_tax", "customer_ip_address", "customer_user_agent",
        "date_paid", "date_paid_gmt", "date_completed", "date_completed_gmt", "cart_hash", "tax_lines",
        "refunds")}}}
REFUND = {"type": "object", "unknown": True, "properties": {
    "amount": MONEY, "reason": S, "refunded_by": INT, "meta_data": META, "api_refund": BOOL, "api_restock": BOOL,
    "line_items": {"type": "array", "items": {"type": "object", "unknown": True, "required": ["id"], "properties": {
        "id": INT, "quantity": INT, "refund_total": {"type": "number"},
        "refund_tax": {"type": "array", "items": {"type": "object", "unknown": True, "required": ["id"],
                                                  "properties": {"id": INT, "refund_total": {"type": "number"}}}}}}},
    **{k: RO for k in ("id", "date_created", "date_created_gmt", "refunded_payment")}}}
STOCK_FIELDS = {
    "sku": S, "regular_price": MONEY, "sale_price": MONEY, "status": S, "tax_status": S, "tax_class": S,
    "manage_stock": BOOL, "stock_quantity": INT, "stock_status": {"type": "string", "enum": [
        "instock", "outofstock", "onbackorder"]}, "backorders": S, "low_stock_amount": {"type": ["integer", "null"]},
    "meta_data": META, "global_unique_id": S, "description": S}
PRODUCT = {"type": "object", "unknown": True, "properties": dict(STOCK_FIELDS, name=S, **{k: RO for k in (
    "id", "permalink", "date_created", "date_created_gmt", "date_modified", "date_modified_gmt", "price",
    "price_html", "on_sale", "purchasable", "total_sales", "backorders_allowed", "backordered",
    "shipping_required", "shipping_taxable", "shipping_class_id", "average_rating", "rating_count",
    "related_ids", "variations")})}
VARIATION = {"type": "object", "unknown": True, "properties": dict(STOCK_FIELDS, **{k: RO for k in (
    "id", "permalink", "date_created", "date_created_gmt", "date_modified", "date_modified_gmt", "price",
    "on_sale", "purchasable", "backorders_allowed", "backordered", "shipping_class_id")})}

BODIES = {("POST", "orders"): ORDER, ("PUT", "order"): ORDER, ("POST", "refunds"): REFUND,
          ("PUT", "product"): PRODUCT, ("PUT", "variation"): VARIATION}

ISO = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?"
COMMON = {"context": r"view|edit", "page": r"[1-9]\d*", "per_page": r"[1-9]\d?|100", "search": r".*",
          "after": ISO, "before": ISO, "modified_after": ISO, "modified_before": ISO,
          "dates_are_gmt": r"true|false|1|0", "exclude": r"\d+(,\d+)*", "include": r"\d+(,\d+)*",
          "offset": r"\d+", "order": r"asc|desc", "_fields": r"[\w,.\-]+", "dp": r"\d+"}
QUERIES = {
    "orders": dict(COMMON, orderby=r"date|id|include|title|slug|modified", parent=r"\d+(,\d+)*",
                   status=r"(any|trash|pending|processing|on-hold|completed|cancelled|refunded|failed|checkout-draft)"
                          r"(,[\w-]+)*", customer=r"\d+", product=r"\d+"),
    "products": dict(COMMON, orderby=r"date|modified|id|include|title|slug|price|popularity|rating|menu_order",
                     sku=r"[^\s]+", type=r"simple|grouped|external|variable", status=r"any|future|trash|draft|pending|"
                     r"private|publish", stock_status=r"instock|outofstock|onbackorder", parent=r"\d+(,\d+)*"),
    "variations": dict(COMMON, orderby=r"date|modified|id|include|title|slug|menu_order", sku=r"[^\s]+",
                       status=r"any|future|trash|draft|pending|private|publish"),
    "refunds": dict(COMMON, orderby=r"date|modified|id|include|title|slug"),
}


def query_problems(kind, query):
    """Problems with a list's query string (parameters and their types)."""
    allowed = QUERIES.get(kind, COMMON)
    problems = []
    for name, values in parse_qs(query, keep_blank_values=True).items():
        if name not in allowed:
            problems.append(("unknown", f"?{name}", "is not a parameter of this endpoint"))
        elif len(values) != 1 or not re.fullmatch(allowed[name], values[0]):
            problems.append(("type", f"?{name}", f"{values!r} is not a valid value"))
    return problems


def body_problems(method, kind, body):
    """Problems with a JSON body by the documented properties of `kind`."""
    schema = BODIES.get((method, kind))
    if schema is None:
        return [("unknown", "$", f"{method} has no body here")] if body is not None else []
    if body is None:
        return [("type", "$", "the body is not JSON")]
    problems = check(body, schema)
    if method == "POST" and kind == "orders":
        for i, item in enumerate(body.get("line_items") or []):
            if isinstance(item, dict) and not (item.get("product_id") or item.get("variation_id")):
                problems.append(("required", f"$.line_items[{i}]", "names no product"))
    return problems
