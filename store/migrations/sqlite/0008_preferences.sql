-- Opaque per-user preferences of clients: Jellyfin's display preferences (sort orders, view types,
-- home sections), one JSON value per user, key and client.
CREATE TABLE preferences (
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	pref_key   TEXT NOT NULL,
	client     TEXT NOT NULL,
	value      TEXT NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (user_id, pref_key, client)
);
