-- A user's own lists of items: the watchlist (one per user, made on first use) and lists they
-- name. Entries are a set, ordered by when they were added; deleting an item or a user removes
-- its entries.
CREATE TABLE user_lists (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	id         TEXT NOT NULL UNIQUE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	watchlist  BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX user_lists_name ON user_lists (user_id, name);
CREATE UNIQUE INDEX user_lists_watchlist ON user_lists (user_id) WHERE watchlist;
CREATE TABLE user_list_items (
	list_id  TEXT NOT NULL REFERENCES user_lists (id) ON DELETE CASCADE,
	item_id  TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	added_at TIMESTAMP NOT NULL,
	PRIMARY KEY (list_id, item_id)
);
CREATE INDEX user_list_items_added ON user_list_items (list_id, added_at);
CREATE INDEX user_list_items_item ON user_list_items (item_id);

-- The version (media file) a resume point was reached in, when the player said; '' otherwise.
-- No foreign key: a rescan that replaces the file leaves a stale id, which players ignore.
ALTER TABLE user_data ADD COLUMN file_id TEXT NOT NULL DEFAULT '';
