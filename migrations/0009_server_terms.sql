-- Till schema 9: server terms (docs/ARCHITECTURE.md, "Promotion and terms"). One row per
-- ServerElected event, derived from the log like every shared table: the register serving the
-- store is the row of the highest term, ties to the larger register id (sync::elected).
CREATE TABLE server_terms (
    origin   BLOB    NOT NULL,
    seq      INTEGER NOT NULL,
    register BLOB    NOT NULL,
    term     INTEGER NOT NULL CHECK (term >= 1),
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
