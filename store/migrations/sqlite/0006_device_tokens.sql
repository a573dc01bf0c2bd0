-- Device tokens: the opaque, long-lived token a Jellyfin or Plex client keeps for one login on one
-- device (decision 0009). Only its SHA-256 is stored, as for refresh tokens.
ALTER TABLE sessions ADD COLUMN device_token_hash TEXT;
CREATE UNIQUE INDEX sessions_device_token ON sessions (device_token_hash);
