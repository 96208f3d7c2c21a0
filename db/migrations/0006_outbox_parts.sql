-- The outbox learns three things (SQLite cannot alter a CHECK, so the table is rebuilt):
-- * state 'uncertain': a send whose outcome is unknown (the request went out, the answer
--   was lost, or the bot stopped mid-send). Never retried by itself; an admin resends it
--   or dismisses it from /tertahan. 'dismissed': an admin chose not to resend.
-- * parts_sent: how many parts of a long message already went out, so a retry sends only
--   the rest.
-- * held_at: when the row was parked or became uncertain (shown in /tertahan).
-- Rows mid-send at the last stop were parked with an "uncertain" reason; they become
-- 'uncertain' so admins can resend them.

CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,     -- card, card_edit, notify, photo, pin, relay, ...
    complaint_id    INTEGER REFERENCES complaint (id),
    chat_id         INTEGER,           -- NULL: resolved at send time (OPD group of the complaint)
    payload         TEXT NOT NULL,     -- JSON: Bot API method and parameters
    state           TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'sending', 'sent', 'parked', 'uncertain',
                                       'dismissed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_error      TEXT,
    sent_message_id INTEGER,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at         TEXT,
    parts_sent      INTEGER NOT NULL DEFAULT 0,
    held_at         TEXT
);
INSERT INTO outbox_new (id, kind, complaint_id, chat_id, payload, state, attempts,
                        next_attempt_at, last_error, sent_message_id, created_at, sent_at,
                        held_at)
    SELECT id, kind, complaint_id, chat_id, payload,
           CASE WHEN state = 'parked' AND last_error LIKE 'pengiriman tidak pasti%'
                THEN 'uncertain' ELSE state END,
           attempts, next_attempt_at, last_error, sent_message_id, created_at, sent_at,
           CASE WHEN state = 'parked' THEN next_attempt_at END
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_complaint ON outbox (complaint_id, state, id);
