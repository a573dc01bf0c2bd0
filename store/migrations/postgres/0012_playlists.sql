-- Playlists: a user's ordered entries of playable items, shared with chosen users. seq keys are
-- Plex's playlist ratingKey and playlistItemID.
CREATE TABLE playlists (
	seq        BIGSERIAL PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX playlists_owner ON playlists (owner_id);
CREATE TABLE playlist_shares (
	playlist_id TEXT NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
	user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (playlist_id, user_id)
);
CREATE INDEX playlist_shares_user ON playlist_shares (user_id);
CREATE TABLE playlist_entries (
	seq         BIGSERIAL PRIMARY KEY,
	playlist_id TEXT NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
	item_id     TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	position    INTEGER NOT NULL
);
CREATE INDEX playlist_entries_order ON playlist_entries (playlist_id, position);
CREATE INDEX playlist_entries_item ON playlist_entries (item_id);
