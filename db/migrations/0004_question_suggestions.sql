-- Misses kept for admins also when the bot offered "Maksud Anda" topics: the question is
-- stored as 'suggested' when the topics are shown, and marked with the topic the
-- resident chose if they press one (then it was not a miss, but it tells admins how
-- residents word that topic). SQLite cannot alter a CHECK, so the table is rebuilt.

CREATE TABLE unanswered_question_new (
    id            INTEGER PRIMARY KEY,
    text          TEXT NOT NULL,
    normalized    TEXT NOT NULL,
    nearest_topic TEXT,
    nearest_score REAL,
    reason        TEXT NOT NULL DEFAULT 'no_match'
                  CHECK (reason IN ('no_match', 'unhelpful', 'suggested')),
    chosen_topic  TEXT,
    -- keyed hash of (chat, question message), like answer_feedback.answer_ref: lets the
    -- press of a suggestion find its question without storing a Telegram id
    question_ref  TEXT,
    asked_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO unanswered_question_new (id, text, normalized, nearest_topic, nearest_score, reason, asked_at)
    SELECT id, text, normalized, nearest_topic, nearest_score, reason, asked_at
    FROM unanswered_question;
DROP TABLE unanswered_question;
ALTER TABLE unanswered_question_new RENAME TO unanswered_question;
CREATE INDEX unanswered_question_normalized ON unanswered_question (normalized);
CREATE INDEX unanswered_question_ref ON unanswered_question (question_ref);
