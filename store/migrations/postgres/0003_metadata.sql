-- Metadata from NFO sidecars and providers: descriptive fields, genres/studios/tags, people, images,
-- and the fields an admin locked against later refreshes.
ALTER TABLE items ADD COLUMN tagline TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN premiere TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN community_score DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN critic_score DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN official_rating TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN collection TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN locked_fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE items ADD COLUMN metadata_locked BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE item_tags (
	item_id   TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	kind      TEXT NOT NULL, -- genre, studio, tag
	value     TEXT NOT NULL,
	value_key TEXT NOT NULL, -- folded, for filters
	position  INTEGER NOT NULL,
	PRIMARY KEY (item_id, kind, value_key)
);
CREATE INDEX item_tags_value ON item_tags (kind, value_key);

CREATE TABLE people (
	id       TEXT PRIMARY KEY,
	name     TEXT NOT NULL,
	name_key TEXT NOT NULL UNIQUE,
	thumb    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE item_people (
	item_id   TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	kind      TEXT NOT NULL,
	role      TEXT NOT NULL DEFAULT '',
	position  INTEGER NOT NULL,
	PRIMARY KEY (item_id, position)
);
CREATE INDEX item_people_person ON item_people (person_id);

CREATE TABLE item_images (
	item_id  TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	kind     TEXT NOT NULL,
	position INTEGER NOT NULL,
	path     TEXT NOT NULL DEFAULT '',
	url      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (item_id, kind, position)
);
