"""The published JSON Schemas the stand-in's answers are checked against, and the checker.

The schemas are those of the Airbyte WooCommerce source, airbyte-source-woocommerce 0.4.12 on
PyPI (its manifest.yaml holds one schema per stream). The wheel is fetched by scripts/test and
pinned here by its SHA-256; nothing from it is kept in the repository.

Python's standard library has neither YAML nor JSON Schema, so this file has a reader for the
YAML the manifest is written in (block mappings and sequences, quoted and plain scalars, flow
lists, folded and literal blocks) and a checker for the JSON Schema keywords the four schemas use
(type, properties, items, oneOf; format is an annotation, as draft-07 has it by default), plus a
few more (required, enum, anyOf, allOf, additionalProperties). A schema keyword it does not know
stops it: it never passes what it cannot check.
"""

import hashlib
import json
import re
import zipfile

WHEEL_NAME = "airbyte_source_woocommerce-0.4.12-py3-none-any.whl"
WHEEL_SHA256 = "c9305af7aac856eee1f6ef926a83a76b023e89c94398b406942d393e261c0afb"
STREAMS = {
    "orders": "orders_stream",
    "refunds": "refunds_stream",
    "products": "products_stream",
    "variations": "product_variations_stream",
}

# Where the published schemas and WooCommerce itself disagree. Each is used only when an answer
# fails the published schema and passes with it, and is counted (state "errata").
ERRATA = [
    {
        "stream": "orders",
        "path": ["properties", "tax_lines", "items", "properties", "rate_id"],
        "add_type": "integer",
        "why": "an order's tax line answers rate_id with the tax item's rate id, an integer (absint in "
        "WC_Order_Item_Tax, 75 in the REST docs' example); the schema (like WooCommerce's own) says string",
    },
    {
        "stream": "variations",
        "path": ["properties", "manage_stock"],
        "add_type": "boolean",
        "why": "WooCommerce's v3 variations controller answers manage_stock with managing_stock(), a boolean; "
        "the schema says string",
    },
    {
        "stream": "refunds",
        "path": ["properties", "line_items", "items", "properties", "price"],
        "add_type": "number",
        "why": "WooCommerce answers a refund line's price as its total divided by its quantity (a float, "
        "2.5 for a 2.50 unit); the schema says string or integer",
    },
]

KNOWN_KEYWORDS = {
    "type", "properties", "items", "oneOf", "anyOf", "allOf", "required", "enum", "additionalProperties",
    "format", "$schema", "title", "description", "readonly", "money", "unknown",
}


class SchemaError(Exception):
    """The wheel or its schemas cannot be used."""


# --- YAML ----------------------------------------------------------------------------------------

def _scalar(text):
    t = text.strip()
    if t.startswith('"'):
        return json.loads(t)
    if t.startswith("'"):
        return t[1:-1].replace("''", "'")
    if t.startswith("[") and t.endswith("]"):
        inner = t[1:-1].strip()
        return [_scalar(x) for x in _split_flow(inner)] if inner else []
    if t == "{}":
        return {}
    if t in ("null", "~", ""):
        return None
    if t in ("true", "True"):
        return True
    if t in ("false", "False"):
        return False
    if re.fullmatch(r"-?\d+", t):
        return int(t)
    if re.fullmatch(r"-?\d+\.\d+", t):
        return float(t)
    return t


def _split_flow(s):
    out, cur, quote = [], "", None
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            cur += ch
        elif ch == ",":
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [x for x in out if x.strip()]


def _key_value(text):
    """`key: value` split at the first `: ` outside quotes, or None."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == ":" and (i + 1 == len(text) or text[i + 1] == " "):
            return _scalar(text[:i]), text[i + 1:].strip()
    return None


def load_yaml(text):
    """The YAML of the manifest as Python values."""
    lines = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            lines.append(None)
            continue
        lines.append((len(raw) - len(raw.lstrip(" ")), raw.strip()))
    pos = [0]

    def skip():
        while pos[0] < len(lines) and lines[pos[0]] is None:
            pos[0] += 1

    def block_scalar(style, indent):
        parts = []
        while pos[0] < len(lines):
            if lines[pos[0]] is None:
                parts.append("")
                pos[0] += 1
                continue
            ind, content = lines[pos[0]]
            if ind <= indent:
                break
            parts.append(content)
            pos[0] += 1
        while parts and parts[-1] == "":
            parts.pop()
        joined = " ".join(p for p in parts) if style.startswith(">") else "\n".join(parts)
        return joined if style.endswith("-") else joined + "\n"

    def value_after(rest, indent):
        if rest in (">", ">-", "|", "|-"):
            return block_scalar(rest, indent)
        if rest:
            return _scalar(rest)
        skip()
        if pos[0] >= len(lines):
            return None
        ind, content = lines[pos[0]]
        if ind > indent or (ind == indent and content.startswith("- ")):
            return node(ind)
        return None

    def node(indent):
        skip()
        ind, content = lines[pos[0]]
        if content == "-" or content.startswith("- "):
            return sequence(ind)
        return mapping(ind)

    def sequence(indent):
        out = []
        while True:
            skip()
            if pos[0] >= len(lines):
                return out
            ind, content = lines[pos[0]]
            if ind != indent or not (content == "-" or content.startswith("- ")):
                return out
            rest = content[1:].strip()
            kv = _key_value(rest) if rest else None
            if kv is None:
                pos[0] += 1
                out.append(value_after(rest, indent))
                continue
            # A mapping item: its first key is on the dash's line.
            item_indent = indent + (len(content) - len(rest))
            lines[pos[0]] = (item_indent, rest)
            out.append(mapping(item_indent))

    def mapping(indent):
        out = {}
        while True:
            skip()
            if pos[0] >= len(lines):
                return out
            ind, content = lines[pos[0]]
            if ind != indent or content.startswith("- "):
                if ind > indent:
                    raise SchemaError(f"YAML line {pos[0] + 1}: unexpected indentation")
                return out
            kv = _key_value(content)
            if kv is None:
                raise SchemaError(f"YAML line {pos[0] + 1}: not key: value")
            pos[0] += 1
            out[kv[0]] = value_after(kv[1], indent)

    return node(0)


# --- JSON Schema ---------------------------------------------------------------------------------

def _is_type(value, t):
    if t == "null":
        return value is None
    if t == "boolean":
        return isinstance(value, bool)
    if t == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "string":
        return isinstance(value, str)
    if t == "array":
        return isinstance(value, list)
    if t == "object":
        return isinstance(value, dict)
    raise SchemaError(f"unknown type {t!r}")


def check(value, schema, path="$", problems=None):
    """What is wrong with `value` by `schema`: a list of `(kind, path, words)`; empty when it passes.

    Besides JSON Schema, request schemas may say `readonly` (the field is WooCommerce's to set),
    `money` (a decimal string) and `unknown` (properties not listed are reported)."""
    problems = [] if problems is None else problems
    unknown_keywords = set(schema) - KNOWN_KEYWORDS
    if unknown_keywords:
        raise SchemaError(f"schema keyword(s) {sorted(unknown_keywords)} at {path} are not checked here")
    if schema.get("readonly"):
        problems.append(("readonly", path, "is set by WooCommerce, not by a request"))
        return problems
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_is_type(value, t) for t in types):
            problems.append(("type", path, f"is not of type {','.join(types)}"))
            return problems
    if "enum" in schema and value not in schema["enum"]:
        problems.append(("type", path, f"is not one of {', '.join(map(str, schema['enum']))}"))
    if schema.get("money") and isinstance(value, str) and not re.fullmatch(r"-?\d+(\.\d+)?", value):
        problems.append(("money", path, f"{value!r} is not an amount"))
    for key in ("oneOf", "anyOf"):
        if key in schema:
            passing = sum(1 for s in schema[key] if not check(value, s, path))
            if (key == "oneOf" and passing != 1) or (key == "anyOf" and passing == 0):
                problems.append(("type", path, f"matches {passing} of the {key} schemas"))
    for s in schema.get("allOf", []):
        check(value, s, path, problems)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                problems.append(("required", f"{path}.{name}", "is required"))
        for name, v in value.items():
            if name in props:
                check(v, props[name], f"{path}.{name}", problems)
            elif schema.get("additionalProperties") is False or schema.get("unknown"):
                problems.append(("unknown", f"{path}.{name}", "is not a field WooCommerce documents here"))
            elif isinstance(schema.get("additionalProperties"), dict):
                check(v, schema["additionalProperties"], f"{path}.{name}", problems)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            check(item, schema["items"], f"{path}[{i}]", problems)
    return problems


def _widened(schema, path, add_type):
    s = json.loads(json.dumps(schema))
    node = s
    for p in path:
        node = node[p]
    types = node["type"] if isinstance(node["type"], list) else [node["type"]]
    node["type"] = types + [add_type]
    return s


class Published:
    """The four published schemas, with the errata beside them."""

    def __init__(self, wheel_path):
        try:
            data = open(wheel_path, "rb").read()
        except OSError as e:
            raise SchemaError(f"{wheel_path}: {e}") from e
        digest = hashlib.sha256(data).hexdigest()
        if digest != WHEEL_SHA256:
            raise SchemaError(f"{wheel_path}: SHA-256 {digest}, not the pinned {WHEEL_SHA256}")
        with zipfile.ZipFile(wheel_path) as z:
            manifest = load_yaml(z.read("source_woocommerce/manifest.yaml").decode("utf-8"))
        self.schemas = {}
        for name, stream in STREAMS.items():
            try:
                self.schemas[name] = manifest["definitions"][stream]["schema_loader"]["schema"]
            except (KeyError, TypeError) as e:
                raise SchemaError(f"the manifest has no schema for {stream}") from e
        self.errata, self.errata_list = {}, ERRATA
        for i, e in enumerate(ERRATA):
            base = self.errata.get(e["stream"], (self.schemas[e["stream"]], []))
            self.errata[e["stream"]] = (_widened(base[0], e["path"], e["add_type"]), base[1] + [i])
        self.source = f"{WHEEL_NAME} (sha256 {WHEEL_SHA256[:12]}…)"

    def verdict(self, stream, obj):
        """`(problems, errata used)`: the published schema's problems with `obj`; when it fails
        that and passes with the errata of its stream, no problems and the errata's numbers."""
        problems = check(obj, self.schemas[stream])
        if problems and stream in self.errata:
            widened, numbers = self.errata[stream]
            if not check(obj, widened):
                return [], numbers
        return problems, []
