-- Till schema 1: device-local settings, the event log, and the tables materialized from it.
-- Every table except device_kv and events is derived: it can be rebuilt by re-applying the log.

-- Device-local key/value settings (register id, mode, port, secret, counters). Never synced.
CREATE TABLE device_kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The event log. log_seq is this database's own order of arrival: the sequence a server hands
-- out to its clients, never reused (AUTOINCREMENT), even after a re-key deletes rows, so a
-- position a client has passed always means the same event. (origin, seq) is the event's
-- identity everywhere.
CREATE TABLE events (
    log_seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    origin      BLOB    NOT NULL CHECK (length(origin) = 16),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    body        BLOB    NOT NULL,
    pending     INTEGER NOT NULL DEFAULT 0,  -- 1: made here, not yet acknowledged by a server
    applied     INTEGER NOT NULL DEFAULT 1,  -- 0: stored for relay, but of a kind this build cannot read
    made_here   INTEGER NOT NULL DEFAULT 0,  -- 1: made by this register (not received): a register
                                             -- restored from an old backup re-issues these
    received_ms INTEGER NOT NULL,
    UNIQUE (origin, seq)
) STRICT;
CREATE INDEX events_pending ON events (log_seq) WHERE pending = 1;
CREATE INDEX events_unapplied ON events (log_seq) WHERE applied = 0;

-- Last-write-wins records carry the key of the write that set them: (hlc_ms, hlc_logical, hlc_origin).
CREATE TABLE tax_profiles (
    name        TEXT PRIMARY KEY,
    rate_bp     INTEGER NOT NULL,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    hlc_origin  BLOB    NOT NULL
) STRICT;

-- A product has two LWW registers: its data (NULL until an upsert arrives) and whether it is on sale.
CREATE TABLE products (
    sku                TEXT PRIMARY KEY,
    name               TEXT,
    price_cents        INTEGER,
    tax_profile        TEXT,
    data_hlc_ms        INTEGER,
    data_hlc_logical   INTEGER,
    data_hlc_origin    BLOB,
    active             INTEGER NOT NULL,
    active_hlc_ms      INTEGER NOT NULL,
    active_hlc_logical INTEGER NOT NULL,
    active_hlc_origin  BLOB    NOT NULL
) STRICT;

CREATE TABLE users (
    name        TEXT PRIMARY KEY,
    role        TEXT    NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash    TEXT    NOT NULL,
    active      INTEGER NOT NULL,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    hlc_origin  BLOB    NOT NULL
) STRICT;

-- Store-wide settings, shared by all registers.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT    NOT NULL,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    hlc_origin  BLOB    NOT NULL
) STRICT;

-- Immutable records (orders, returns, shifts, counts) are keyed by the id of the event that made
-- them: (origin, seq). Integer-ordered keys append per register instead of scattering inserts
-- across the b-trees the way text ids would; the CLI shows them as "<origin hex>:<seq>".
CREATE TABLE orders (
    origin         BLOB    NOT NULL,
    seq            INTEGER NOT NULL,
    number         TEXT    NOT NULL,
    payment        TEXT    NOT NULL CHECK (payment IN ('cash', 'card')),
    cashier        TEXT,
    shift_origin   BLOB,
    shift_seq      INTEGER,
    subtotal_cents INTEGER NOT NULL,
    tax_cents      INTEGER NOT NULL,
    total_cents    INTEGER NOT NULL,
    hlc_ms         INTEGER NOT NULL,
    hlc_logical    INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX orders_number ON orders (number);
-- Orders by time: listings, and the stock sum after a count (sales are read from order lines).
CREATE INDEX orders_time ON orders (hlc_ms, hlc_logical, origin);
CREATE INDEX orders_shift ON orders (shift_origin, shift_seq) WHERE shift_origin IS NOT NULL;

CREATE TABLE order_lines (
    origin           BLOB    NOT NULL,
    seq              INTEGER NOT NULL,
    line_no          INTEGER NOT NULL,
    sku              TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    qty              INTEGER NOT NULL CHECK (qty >= 1),
    unit_price_cents INTEGER NOT NULL,
    tax_rate_bp      INTEGER NOT NULL,
    subtotal_cents   INTEGER NOT NULL,
    tax_cents        INTEGER NOT NULL,
    PRIMARY KEY (origin, seq, line_no),
    FOREIGN KEY (origin, seq) REFERENCES orders (origin, seq) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
-- Sales count against stock straight from their lines (no second copy in stock_moves): the
-- "movements after the latest count" sum walks orders by time (orders_time, migration 0002)
-- and joins their lines.

-- The void that counts for an order: the earliest by (hlc, origin). The order may not have
-- arrived yet, so there is no foreign key.
CREATE TABLE order_voids (
    origin      BLOB    NOT NULL,  -- the order's id
    seq         INTEGER NOT NULL,
    void_origin BLOB    NOT NULL,  -- the void event's id
    void_seq    INTEGER NOT NULL,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE returns (
    origin       BLOB    NOT NULL,
    seq          INTEGER NOT NULL,
    order_origin BLOB    NOT NULL,
    order_seq    INTEGER NOT NULL,
    order_number TEXT    NOT NULL,
    restock      INTEGER NOT NULL,
    refund_cents INTEGER NOT NULL,
    payment      TEXT    NOT NULL,
    shift_origin BLOB,
    shift_seq    INTEGER,
    hlc_ms       INTEGER NOT NULL,
    hlc_logical  INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX returns_order ON returns (order_origin, order_seq);

CREATE TABLE return_lines (
    origin       BLOB    NOT NULL,
    seq          INTEGER NOT NULL,
    line_no      INTEGER NOT NULL,
    sku          TEXT    NOT NULL,
    qty          INTEGER NOT NULL CHECK (qty >= 1),
    refund_cents INTEGER NOT NULL,
    PRIMARY KEY (origin, seq, line_no),
    FOREIGN KEY (origin, seq) REFERENCES returns (origin, seq) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Shifts: the open and the close may arrive in either order, hence the nullable halves.
CREATE TABLE shifts (
    origin            BLOB    NOT NULL,
    seq               INTEGER NOT NULL,
    opened_ms         INTEGER,
    float_cents       INTEGER,
    cashier           TEXT,
    closed_ms         INTEGER,
    counted_cents     INTEGER,
    expected_cents    INTEGER,
    close_hlc_ms      INTEGER,
    close_hlc_logical INTEGER,
    close_hlc_origin  BLOB,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

-- Stock: every count and every movement, and the materialized on-hand figure.
CREATE TABLE stock_counts (
    origin      BLOB    NOT NULL,
    seq         INTEGER NOT NULL,
    sku         TEXT    NOT NULL,
    on_hand     INTEGER NOT NULL,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

-- Movements other than sales (which are their order lines): identified by the record they
-- belong to, their reason and line: a void of order (origin, seq) line n, a restocked return
-- line, an adjustment.
CREATE TABLE stock_moves (
    origin      BLOB    NOT NULL,
    seq         INTEGER NOT NULL,
    reason      TEXT    NOT NULL,  -- void, return, received, damaged
    line_no     INTEGER NOT NULL,
    sku         TEXT    NOT NULL,
    delta       INTEGER NOT NULL,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    hlc_origin  BLOB    NOT NULL,  -- origin of the event that caused it (a void's, not the order's)
    PRIMARY KEY (origin, seq, reason, line_no)
) STRICT, WITHOUT ROWID;
-- Keyed by time first, not by SKU: new movements append at the end instead of dirtying one page
-- per SKU on every commit, and a new count (usually recent) sums only the short tail after it.
-- Covering (sku, delta), so that sum never touches the table.
CREATE INDEX stock_moves_by_time ON stock_moves (hlc_ms, hlc_logical, hlc_origin, sku, delta);

CREATE TABLE stock (
    sku               TEXT PRIMARY KEY,
    on_hand           INTEGER NOT NULL,
    count_hlc_ms      INTEGER,  -- key of the latest count; NULL: never counted
    count_hlc_logical INTEGER,
    count_hlc_origin  BLOB
) STRICT;
