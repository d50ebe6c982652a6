-- Till schema 5: conflicts between what registers did while apart (docs/DATA.md, "Conflicts").
-- Every table here is derived from the event log like the others; opening a database of an
-- older schema rebuilds all derived tables once, so its history gets the same caps and list.

-- A void or return line's claim on items: `claimed` is what the event asked to put back on the
-- shelf, `delta` what the restock cap allowed (NULL for deliveries and write-offs).
ALTER TABLE stock_moves ADD COLUMN claimed INTEGER;

-- 1 once the product's stock was counted or a delivery received: only then does stock below
-- zero mean something (a shop that never counts a product sells it into the negatives).
ALTER TABLE stock ADD COLUMN tracked INTEGER NOT NULL DEFAULT 0;

-- Edits of last-write-wins records with the version the editor saw (EventKind::Edited).
-- `base` is that version's key as 8 + 4 + 16 bytes (ms, logical, origin; big-endian), or
-- empty when the editor saw no record. Two rows with one subject and base: concurrent edits.
CREATE TABLE edits (
    subject     TEXT    NOT NULL,  -- product:SKU, tax:NAME, user:NAME, setting:KEY
    base        BLOB    NOT NULL,
    origin      BLOB    NOT NULL,  -- the edit event
    seq         INTEGER NOT NULL,
    PRIMARY KEY (subject, base, origin, seq)
) STRICT, WITHOUT ROWID;

-- Registers by the name they announced (EventKind::RegisterNamed; last write wins per register).
CREATE TABLE registers (
    origin      BLOB    PRIMARY KEY,
    name        TEXT    NOT NULL,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX registers_name ON registers (name);

-- The conflicts the current set of events contains, one per kind and scope.
CREATE TABLE conflicts (
    id       BLOB    PRIMARY KEY CHECK (length(id) = 16),
    kind     TEXT    NOT NULL,
    scope    TEXT    NOT NULL,  -- the slot: an order id, a SKU, a record and base, an order number
    subject  TEXT    NOT NULL,  -- what a person calls it: order number, SKU, record
    at_stake INTEGER NOT NULL,  -- cents (refunds), values or orders, by kind; oversold: 0 (read from stock)
    UNIQUE (kind, scope)
) STRICT, WITHOUT ROWID;

-- The events each conflict is made of (for oversold: computed when read, see docs/DATA.md).
CREATE TABLE conflict_events (
    conflict BLOB    NOT NULL REFERENCES conflicts (id) ON DELETE CASCADE,
    origin   BLOB    NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (conflict, origin, seq)
) STRICT, WITHOUT ROWID;

-- A manager's settlement of a conflict (EventKind::ConflictResolved). Kept even when no
-- conflict of that id exists here yet: the events it settles may still be on their way.
CREATE TABLE conflict_resolutions (
    origin      BLOB    NOT NULL,
    seq         INTEGER NOT NULL,
    conflict    BLOB    NOT NULL,
    note        TEXT    NOT NULL,
    by_name     TEXT,
    hlc_ms      INTEGER NOT NULL,
    hlc_logical INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX conflict_resolutions_by_conflict ON conflict_resolutions (conflict);
