-- Profiles (issue 7): whether a user is left off the public sign-in list (Jellyfin's IsHidden,
-- true by default as there), an optional PIN for switching users on a signed-in device (its
-- argon2id hash, '' for none, and the wrong tries in a row that lock it), the user's playback
-- preferences, and the streaming bitrate cap an admin sets (bits per second, 0 for none).
-- An empty password_hash now means a passwordless user, reached only by switching.
ALTER TABLE users ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN pin_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN audio_language TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN subtitle_language TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN subtitle_mode TEXT NOT NULL DEFAULT 'default';
ALTER TABLE users ADD COLUMN play_default_audio BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN max_bitrate BIGINT NOT NULL DEFAULT 0;
