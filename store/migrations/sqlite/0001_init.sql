-- Users, libraries, sessions, API keys and items: the foundation schema.
CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	username      TEXT NOT NULL,
	username_key  TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	admin         BOOLEAN NOT NULL DEFAULT FALSE,
	disabled      BOOLEAN NOT NULL DEFAULT FALSE,
	all_libraries BOOLEAN NOT NULL DEFAULT TRUE,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL,
	last_login_at TIMESTAMP
);

CREATE TABLE libraries (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	name_key   TEXT NOT NULL UNIQUE,
	type       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE library_paths (
	library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	path       TEXT NOT NULL,
	PRIMARY KEY (library_id, position)
);

CREATE TABLE user_libraries (
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	library_id TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, library_id)
);
CREATE INDEX user_libraries_library ON user_libraries (library_id);

CREATE TABLE sessions (
	id                TEXT PRIMARY KEY,
	user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	client            TEXT NOT NULL,
	device_id         TEXT NOT NULL,
	device_name       TEXT NOT NULL,
	address           TEXT NOT NULL,
	refresh_hash      TEXT NOT NULL UNIQUE,
	prev_refresh_hash TEXT,
	created_at        TIMESTAMP NOT NULL,
	last_seen_at      TIMESTAMP NOT NULL,
	rotated_at        TIMESTAMP,
	expires_at        TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_device ON sessions (user_id, device_id);
CREATE INDEX sessions_prev_refresh ON sessions (prev_refresh_hash);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_keys (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,
	created_by   TEXT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP
);

CREATE TABLE items (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: it is Plex's ratingKey
	id           TEXT NOT NULL UNIQUE,
	library_id   TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	parent_id    TEXT REFERENCES items (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL,
	title        TEXT NOT NULL,
	sort_title   TEXT NOT NULL,
	search_title TEXT NOT NULL,
	year         INTEGER,
	path         TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX items_library_kind_sort ON items (library_id, kind, sort_title);
CREATE INDEX items_kind_sort ON items (kind, sort_title);
CREATE INDEX items_parent ON items (parent_id, sort_title);
