-- Tokens of other services (a plex.tv account's) that an admin linked to a user: only their
-- SHA-256 is kept.
CREATE TABLE linked_tokens (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	label        TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP
);
CREATE INDEX linked_tokens_user ON linked_tokens (user_id);
