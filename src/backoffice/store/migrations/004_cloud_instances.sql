-- Cloud instances the back office hosts can be deleted: the row stays (usage history and
-- activation history name it), marked retired, and no longer lists, syncs or answers.
ALTER TABLE instances ADD COLUMN retired_at INTEGER;
