-- The teaching loop (/pertanyaan, `python -m bot faq teach`): the groups of unanswered
-- questions as they were shown to an admin (a button names a group by its id), and the
-- audit of what admins did with each: taught it to a topic, wrote a draft topic, or
-- ignored it. A teaching keeps the FAQ file's digest before and after and its previous
-- content, so undo can put the file back exactly, and only if nobody changed it since.

CREATE TABLE question_group (
    id           INTEGER PRIMARY KEY,
    question_ids TEXT NOT NULL,  -- JSON list of unanswered_question ids shown as one group
    example      TEXT NOT NULL,  -- the group's most asked wording, masked
    shown_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE teaching (
    id             INTEGER PRIMARY KEY,
    action         TEXT NOT NULL CHECK (action IN ('teach', 'draft', 'ignore')),
    group_id       INTEGER REFERENCES question_group (id),
    example        TEXT NOT NULL,   -- masked
    questions      INTEGER NOT NULL, -- stored questions this handled
    topic_id       TEXT,            -- the topic taught, or the draft's id
    phrasings      TEXT,            -- JSON list of the phrasings written
    file           TEXT,            -- the file changed
    digest_before  TEXT,            -- sha256 of the file before ('absent': no file)
    digest_after   TEXT,
    content_before BLOB,            -- the file before (NULL: it did not exist), for undo
    admin_id       INTEGER,         -- the admin's Telegram user id (1: `faq teach` in a terminal)
    admin_name     TEXT NOT NULL,
    taught_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    undone_at      TEXT,
    undone_by      TEXT
);

-- A handled question (taught, drafted or ignored) leaves /pertanyaan; undo clears it.
ALTER TABLE unanswered_question ADD COLUMN handled_by INTEGER REFERENCES teaching (id);
CREATE INDEX unanswered_question_handled ON unanswered_question (handled_by);
