-- Foundation: what residents asked that the bot could not answer, and
-- whether an answer helped. No Telegram ids are stored here: feedback is
-- de-duplicated by a keyed hash of (chat, answer message) instead.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
-- Key for pseudonymous references; created once per database, never leaves it.
INSERT INTO meta (key, value) VALUES ('pseudonym_key', randomblob(32));

CREATE TABLE unanswered_question (
    id            INTEGER PRIMARY KEY,
    text          TEXT NOT NULL,
    normalized    TEXT NOT NULL,
    nearest_topic TEXT,
    nearest_score REAL,
    reason        TEXT NOT NULL DEFAULT 'no_match' CHECK (reason IN ('no_match', 'unhelpful')),
    asked_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX unanswered_question_normalized ON unanswered_question (normalized);

CREATE TABLE answer_feedback (
    id         INTEGER PRIMARY KEY,
    topic_id   TEXT NOT NULL,
    helpful    INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    answer_ref TEXT NOT NULL UNIQUE,
    given_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX answer_feedback_topic ON answer_feedback (topic_id);
