-- Complaints: residents, drafts, complaints, their append-only events, photos,
-- the outbox of messages owed, OPD group links, routing rules with history.

-- A resident is known by Telegram ids only (needed to notify them). Name and phone are
-- stored per complaint, and only when the resident chose to share them.
CREATE TABLE resident (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL UNIQUE,
    chat_id     INTEGER NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The complaint being written, one per resident; survives restarts.
CREATE TABLE draft (
    resident_id INTEGER PRIMARY KEY REFERENCES resident (id) ON DELETE CASCADE,
    step        TEXT NOT NULL,
    data        TEXT NOT NULL,          -- JSON
    nonce       TEXT NOT NULL,          -- identifies this draft: confirming twice = one ticket
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE complaint (
    id                   INTEGER PRIMARY KEY,
    ticket               TEXT NOT NULL UNIQUE,
    resident_id          INTEGER NOT NULL REFERENCES resident (id),
    draft_nonce          TEXT NOT NULL UNIQUE,
    category             TEXT NOT NULL,
    description          TEXT NOT NULL,   -- as the resident wrote it (they may see it)
    description_redacted TEXT NOT NULL,   -- what officers see: NIK/KK/phone numbers masked
    fingerprint          TEXT NOT NULL,   -- normalised text hash, to catch a resend
    desa_code            TEXT,
    desa_name            TEXT,
    kecamatan_code       TEXT,
    kecamatan_name       TEXT,
    latitude             REAL,
    longitude            REAL,
    location_text        TEXT,
    opd_id               TEXT NOT NULL,
    route_score          REAL NOT NULL DEFAULT 0,
    triage_reason        TEXT,            -- why it sits in triage (low confidence, rejected, ...)
    sensitive            INTEGER NOT NULL DEFAULT 0,
    emergency            INTEGER NOT NULL DEFAULT 0,
    share_identity       INTEGER NOT NULL DEFAULT 0,
    reporter_name        TEXT,
    reporter_phone       TEXT,
    status               TEXT NOT NULL CHECK (status IN
                           ('baru', 'diteruskan', 'diterima', 'diproses', 'selesai', 'ditutup')),
    card_chat_id         INTEGER,
    card_message_id      INTEGER,
    due_at               TEXT,            -- current deadline (accept, then finish)
    rating               INTEGER CHECK (rating BETWEEN 1 AND 5),
    created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX complaint_resident ON complaint (resident_id, created_at);
CREATE INDEX complaint_opd_status ON complaint (opd_id, status);
CREATE INDEX complaint_fingerprint ON complaint (resident_id, fingerprint, created_at);

CREATE TABLE complaint_photo (
    complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    position     INTEGER NOT NULL,
    file_id      TEXT NOT NULL,
    PRIMARY KEY (complaint_id, position)
);

-- The audit trail: who changed what, when, with which note. Never edited.
CREATE TABLE complaint_event (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    action       TEXT NOT NULL,   -- dibuat, diteruskan, diterima, diproses, selesai, ditutup,
                                  -- dibuka_lagi, dialihkan, bukan_wewenang, pesan_petugas, ...
    status_from  TEXT,
    status_to    TEXT NOT NULL,
    opd_id       TEXT,
    actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('resident', 'officer', 'admin', 'system')),
    actor_id     INTEGER,         -- officer/admin Telegram id; never the resident's
    actor_name   TEXT,            -- officer's display name, for the audit trail
    note         TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX complaint_event_complaint ON complaint_event (complaint_id, id);
CREATE TRIGGER complaint_event_no_update BEFORE UPDATE ON complaint_event
BEGIN SELECT RAISE(ABORT, 'complaint_event is append-only'); END;
CREATE TRIGGER complaint_event_no_delete BEFORE DELETE ON complaint_event
BEGIN SELECT RAISE(ABORT, 'complaint_event is append-only'); END;

-- Messages exchanged about a complaint, so replies can be threaded both ways.
CREATE TABLE complaint_message (
    chat_id      INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    side         TEXT NOT NULL CHECK (side IN ('resident', 'officer')),
    PRIMARY KEY (chat_id, message_id)
);

-- An officer was asked for a note (Selesai) or a reason (Bukan wewenang).
CREATE TABLE officer_prompt (
    chat_id      INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    action       TEXT NOT NULL,
    officer_id   INTEGER NOT NULL,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (chat_id, message_id)
);

-- Every message the bot owes someone. Written in the same transaction as the change
-- that caused it; sent by the outbox worker; never deleted.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,     -- card, card_edit, notify, photo, pin, relay, ...
    complaint_id    INTEGER REFERENCES complaint (id),
    chat_id         INTEGER,           -- NULL: resolved at send time (OPD group of the complaint)
    payload         TEXT NOT NULL,     -- JSON: Bot API method and parameters
    state           TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'sending', 'sent', 'parked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_error      TEXT,
    sent_message_id INTEGER,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_complaint ON outbox (complaint_id, state, id);

-- Which Telegram group acts for which OPD (or kecamatan office). Set by /hubungkan.
CREATE TABLE opd_group (
    opd_id    TEXT PRIMARY KEY,
    chat_id   INTEGER NOT NULL UNIQUE,
    title     TEXT,
    linked_by INTEGER,
    linked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Routing rules (category -> OPD), synchronised from data/categories.yaml at start, with
-- their history, like FixMyStreet's contacts: a complaint's routing can always be explained.
CREATE TABLE routing_rule (
    category   TEXT PRIMARY KEY,
    opd_id     TEXT,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE routing_rule_history (
    id         INTEGER PRIMARY KEY,
    category   TEXT NOT NULL,
    opd_from   TEXT,
    opd_to     TEXT,
    changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
