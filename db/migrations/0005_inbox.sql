-- The durable inbox: every update Telegram delivers (long polling or webhook) is stored
-- here before it is confirmed to Telegram, and marked handled afterwards. After a crash
-- the rows not yet handled are handled again at start; a redelivered update whose row is
-- still here is not handled twice. The body is dropped once handled (no message text is
-- kept) and handled rows are pruned after two days (Telegram keeps updates for one).

CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    -- the effective chat id, else the user id: updates of one key are handled in order
    chat_key    INTEGER NOT NULL,
    body        TEXT,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- starts that found the row unhandled: a poison update is given up after a few
    attempts    INTEGER NOT NULL DEFAULT 0,
    handled_at  TEXT,
    error       TEXT
);
CREATE INDEX inbox_unhandled ON inbox (update_id) WHERE handled_at IS NULL;
CREATE INDEX inbox_handled_at ON inbox (handled_at) WHERE handled_at IS NOT NULL;
