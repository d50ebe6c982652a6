-- Till schema 8: the export outbox (docs/DATA.md, "The export outbox"). Device-local, like
-- print_jobs: only the register that exports (the server, or a standalone register) fills it,
-- in the same transaction that stores the event, whichever way the event came (rung here or
-- synced from a client). Never synced, never part of the shared state.
--
-- key: the Till event id (`origin:seq`, 32 hex digits, a colon, the seq), or `conflict:<hex>`
-- for a conflict the rules opened (conflicts are derived, not events). It is the webhook-id and
-- the idempotency key the platforms see, so a re-send is recognised as the same thing.
-- order_key: the order a sale, void or return belongs to; entries of one order go out in the
-- order they were queued (a void or return never before its sale).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT    NOT NULL UNIQUE,
    topic       TEXT    NOT NULL CHECK (topic IN ('order.created', 'order.voided', 'return.created', 'stock.changed', 'conflict.opened')),
    order_key   TEXT,
    at_ms       INTEGER NOT NULL,   -- the event's time (HLC wall time)
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_ms INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    remote_id   TEXT,               -- the platform's id for what was made (order, refund)
    queued_ms   INTEGER NOT NULL,
    sent_ms     INTEGER
) STRICT;
-- Waiting entries in queue order: the next one due is found by walking this from the front (an
-- index on the next try's time would make every step sort the whole backlog by id).
CREATE INDEX outbox_due ON outbox (id) WHERE state = 'pending';
-- Refused entries, counted by the screen's badge on every refresh without reading the sent ones.
CREATE INDEX outbox_dead ON outbox (id) WHERE state = 'dead';
CREATE INDEX outbox_order ON outbox (order_key, id) WHERE order_key IS NOT NULL;

-- A conflict the rules open is queued while this register exports (conflict.opened). A rebuild
-- (re-key, journal check) inserts conflicts again; the key makes that a no-op.
CREATE TRIGGER outbox_conflict AFTER INSERT ON conflicts
WHEN EXISTS (SELECT 1 FROM device_kv WHERE key = 'export')
 AND COALESCE((SELECT value FROM device_kv WHERE key = 'mode'), 'standalone') != 'client'
BEGIN
    INSERT OR IGNORE INTO outbox (key, topic, at_ms, queued_ms)
    VALUES ('conflict:' || lower(hex(NEW.id)), 'conflict.opened',
            CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
