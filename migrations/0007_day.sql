-- Till schema 7: the business day (docs/DATA.md, "The business day"): cash paid in and out and
-- dropped to the safe, the drawer opened without a sale, and Z reports. All derived from events.

-- kind: paid_in, paid_out, drop. (origin, seq) is the event's id.
CREATE TABLE cash_moves (
    origin       BLOB    NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('paid_in', 'paid_out', 'drop')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    reason       TEXT    NOT NULL,
    cashier      TEXT,
    shift_origin BLOB,
    shift_seq    INTEGER,
    hlc_ms       INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX cash_moves_shift ON cash_moves (shift_origin, shift_seq) WHERE shift_origin IS NOT NULL;

-- The drawer opened without a sale ("no sale"). Openings for a sale, a cash refund or a cash
-- movement are recorded by that event.
CREATE TABLE drawer_openings (
    origin      BLOB    NOT NULL,
    seq         INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    cashier     TEXT,
    approved_by TEXT,
    hlc_ms      INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

-- Z reports: number is gapless per register (origin); the report covers the register's events
-- with after_seq < seq < this row's seq. totals: the frozen figures as JSON (the event body is
-- the source of truth; this is for showing and adding up).
CREATE TABLE z_reports (
    origin              BLOB    NOT NULL,
    seq                 INTEGER NOT NULL,
    number              INTEGER NOT NULL,
    business_date       TEXT    NOT NULL,
    after_seq           INTEGER NOT NULL,
    opened_ms           INTEGER NOT NULL,
    closed_ms           INTEGER NOT NULL,
    net_cents           INTEGER NOT NULL,
    grand_total_cents   INTEGER NOT NULL,
    expected_cash_cents INTEGER NOT NULL,
    counted_cash_cents  INTEGER,
    closed_by           TEXT,
    totals              TEXT    NOT NULL,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX z_reports_date ON z_reports (business_date);
CREATE INDEX z_reports_number ON z_reports (origin, number);

-- Voids made by a register, for its Z report.
CREATE INDEX order_voids_by ON order_voids (void_origin, void_seq);

-- Device-local, never synced: receipts, reports and drawer kicks waiting for this register's
-- printer (docs/ARCHITECTURE.md, "Printing"). A job is written in the same transaction as the
-- event it prints, so a crash after the commit never loses it; 'sending' is written (and
-- committed) before the first byte goes out, so a job found 'sending' after a crash or a failed
-- write may have printed and is printed again marked as a copy.
CREATE TABLE print_jobs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    what       TEXT    NOT NULL CHECK (what IN ('sale', 'void', 'return', 'report', 'kick', 'test')),
    ref_origin BLOB,
    ref_seq    INTEGER,
    copy       INTEGER NOT NULL DEFAULT 0,
    kick       INTEGER NOT NULL DEFAULT 0,
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    done_ms    INTEGER,
    last_error TEXT
) STRICT;
CREATE INDEX print_jobs_open ON print_jobs (id) WHERE state != 'done';
