-- Till schema 6: the counter's order shape (docs/DATA.md, "Money" and "The counter").
-- Orders are derived from the log like every table but device_kv and events: this migration
-- drops and recreates them (the payment column now names any tender, which the old CHECK
-- refused), and opening a database of an older schema rebuilds every derived table once.

DROP TABLE order_lines;
DROP TABLE orders;

-- payment: the only tender's name (cash, card, voucher…), or 'split' for several.
CREATE TABLE orders (
    origin             BLOB    NOT NULL,
    seq                INTEGER NOT NULL,
    number             TEXT    NOT NULL,
    payment            TEXT    NOT NULL,
    cashier            TEXT,
    approved_by        TEXT,
    shift_origin       BLOB,
    shift_seq          INTEGER,
    subtotal_cents     INTEGER NOT NULL,  -- sum of the lines' net (after discounts, before tax)
    tax_cents          INTEGER NOT NULL,
    total_cents        INTEGER NOT NULL,
    discount_cents     INTEGER NOT NULL DEFAULT 0,  -- line discounts plus the order discount
    change_cents       INTEGER NOT NULL DEFAULT 0,
    prices_include_tax INTEGER NOT NULL DEFAULT 0,
    hlc_ms             INTEGER NOT NULL,
    hlc_logical        INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX orders_number ON orders (number);
CREATE INDEX orders_time ON orders (hlc_ms, hlc_logical, origin);
CREATE INDEX orders_shift ON orders (shift_origin, shift_seq) WHERE shift_origin IS NOT NULL;

-- subtotal_cents is the line's net: after its discount and its share of the order's, before tax.
CREATE TABLE order_lines (
    origin               BLOB    NOT NULL,
    seq                  INTEGER NOT NULL,
    line_no              INTEGER NOT NULL,
    sku                  TEXT    NOT NULL,
    name                 TEXT    NOT NULL,
    qty                  INTEGER NOT NULL CHECK (qty >= 1),
    unit_price_cents     INTEGER NOT NULL,
    tax_rate_bp          INTEGER NOT NULL,
    subtotal_cents       INTEGER NOT NULL,
    tax_cents            INTEGER NOT NULL,
    discount_cents       INTEGER NOT NULL DEFAULT 0,
    order_discount_cents INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (origin, seq, line_no),
    FOREIGN KEY (origin, seq) REFERENCES orders (origin, seq) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- How each order was paid; an order of an older release has one row (its payment, its total).
-- Cash is recorded at what was handed over; orders.change_cents went back out of the drawer.
CREATE TABLE order_tenders (
    origin       BLOB    NOT NULL,
    seq          INTEGER NOT NULL,
    n            INTEGER NOT NULL,
    tender       TEXT    NOT NULL,
    amount_cents INTEGER NOT NULL,
    PRIMARY KEY (origin, seq, n),
    FOREIGN KEY (origin, seq) REFERENCES orders (origin, seq) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Who voided or took back, and the manager who approved it.
ALTER TABLE order_voids ADD COLUMN cashier TEXT;
ALTER TABLE order_voids ADD COLUMN approved_by TEXT;
ALTER TABLE returns ADD COLUMN cashier TEXT;
ALTER TABLE returns ADD COLUMN approved_by TEXT;

-- Product details of this release (category, barcodes): a second last-write-wins register per
-- product, set only by edits that carry them, so an older register's price edit leaves them be.
ALTER TABLE products ADD COLUMN category TEXT;
ALTER TABLE products ADD COLUMN details_hlc_ms INTEGER;
ALTER TABLE products ADD COLUMN details_hlc_logical INTEGER;
ALTER TABLE products ADD COLUMN details_hlc_origin BLOB;
CREATE INDEX products_category ON products (category) WHERE category IS NOT NULL;

-- Barcodes by lookup key (UPC-A as its EAN-13): the product whose details set it.
CREATE TABLE barcodes (
    code TEXT NOT NULL,
    sku  TEXT NOT NULL,
    PRIMARY KEY (code, sku)
) STRICT, WITHOUT ROWID;
CREATE INDEX barcodes_sku ON barcodes (sku);

-- Tenders the store added besides cash and card (last write wins per name).
CREATE TABLE tenders (
    name        TEXT PRIMARY KEY,
    active      INTEGER NOT NULL,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    hlc_origin  BLOB    NOT NULL
) STRICT;
