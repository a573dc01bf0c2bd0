-- Whether a user may download files for offline use (Jellyfin's EnableContentDownloading, true
-- by default as there).
ALTER TABLE users ADD COLUMN downloads BOOLEAN NOT NULL DEFAULT TRUE;
