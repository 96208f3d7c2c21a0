-- Telegram delivers an update at least once: after a crash the same update can be handled
-- again. A handler's effect (a relay, a paste continuation, a photo, a button press) writes
-- the update's id here in the SAME transaction as the effect; the second time the insert
-- conflicts and the effect is skipped. Rows older than Telegram's redelivery window are
-- pruned by the periodic job.
CREATE TABLE applied_update (
    update_id  INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX applied_update_at ON applied_update (applied_at);
