-- Till schema 3: the registers a server has heard from (device-local: never synced).
CREATE TABLE peers (
    register_id     BLOB PRIMARY KEY,
    name            TEXT    NOT NULL,
    address         TEXT,
    first_seen_ms   INTEGER NOT NULL,
    last_contact_ms INTEGER NOT NULL,
    pending         INTEGER NOT NULL DEFAULT 0,  -- events the register said it still had to send
    events_received INTEGER NOT NULL DEFAULT 0   -- events it sent that were new to this server
) STRICT;
