-- Deadline notices already given (reminders to OPD groups, daily escalations to admins),
-- so the scheduled job never repeats one, across restarts.
CREATE TABLE deadline_notice (
    complaint_id INTEGER NOT NULL REFERENCES complaint (id),
    kind         TEXT NOT NULL,      -- reminder | escalation:<YYYY-MM-DD>
    due_at       TEXT NOT NULL,      -- the deadline it is about; a new deadline, new notices
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (complaint_id, kind, due_at)
);
CREATE INDEX complaint_due ON complaint (status, due_at);
