-- Library scanning: media files, the richer item fields identification fills in, and offline roots.
ALTER TABLE items ADD COLUMN match_key TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN original_title TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN overview TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN index_number INTEGER;
ALTER TABLE items ADD COLUMN index_end INTEGER;
ALTER TABLE items ADD COLUMN parent_index INTEGER;
ALTER TABLE items ADD COLUMN absolute_number INTEGER;
ALTER TABLE items ADD COLUMN air_date TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN runtime_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN extra_type TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN provider_ids TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX items_match_key ON items (library_id, match_key) WHERE match_key <> '';
CREATE INDEX items_parent_index ON items (parent_id, index_number);

ALTER TABLE libraries ADD COLUMN offline_since TIMESTAMP;

CREATE TABLE media_files (
	id            TEXT PRIMARY KEY,
	library_id    TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	item_id       TEXT REFERENCES items (id) ON DELETE CASCADE, -- NULL when the file could not be probed
	path          TEXT NOT NULL UNIQUE,
	size          BIGINT NOT NULL,
	mtime_ns      BIGINT NOT NULL,
	inode         BIGINT NOT NULL DEFAULT 0,
	head_hash     TEXT NOT NULL DEFAULT '',
	part          INTEGER NOT NULL DEFAULT 0,
	version       TEXT NOT NULL DEFAULT '',
	probe_error   TEXT NOT NULL DEFAULT '',
	container     TEXT NOT NULL DEFAULT '',
	duration_ms   BIGINT NOT NULL DEFAULT 0,
	bitrate       BIGINT NOT NULL DEFAULT 0,
	streams       TEXT NOT NULL DEFAULT '[]',
	chapters      TEXT NOT NULL DEFAULT '[]',
	tags          TEXT NOT NULL DEFAULT '{}',
	missing_since TIMESTAMP,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX media_files_library ON media_files (library_id);
CREATE INDEX media_files_item ON media_files (item_id);
CREATE INDEX media_files_size ON media_files (library_id, size);
