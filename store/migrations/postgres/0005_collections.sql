-- Box sets: the items a collection item holds, in order. Collections made from provider metadata
-- (a movie's TMDb collection) have a match key 'collection:...' and are rebuilt by scans.
CREATE TABLE collection_items (
	collection_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	item_id       TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	position      INTEGER NOT NULL,
	PRIMARY KEY (collection_id, item_id)
);
CREATE INDEX collection_items_item ON collection_items (item_id);
