-- Till schema 4: each client register's own key and its revocation (server only, device-local).
-- A register sends a random key of its own in its first hello (sealed with the store's key); from
-- then on the server opens its requests with that key only. Revoking a register shuts out the
-- box that holds that key without re-keying the store.
ALTER TABLE peers ADD COLUMN register_key BLOB CHECK (register_key IS NULL OR length(register_key) = 32);
ALTER TABLE peers ADD COLUMN revoked_ms INTEGER;
