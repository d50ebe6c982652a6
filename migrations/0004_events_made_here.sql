-- Till schema 4: remember which events this register made (rather than received). A register
-- restored from an old backup of its own database re-issues the events it made after the
-- restore under a new register id, and must tell them from copies of its older events that it
-- received back from the server.
ALTER TABLE events ADD COLUMN made_here INTEGER NOT NULL DEFAULT 0;
UPDATE events SET made_here = 1
 WHERE origin = (SELECT unhex(value) FROM device_kv WHERE key = 'register_id');
