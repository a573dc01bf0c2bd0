-- BlurHash placeholders for lists (decision 0036). image_blurhashes keeps the hash of each picture
-- hashed so far, keyed by the picture's identity: its path, or its URL when it has none. stamp is
-- what the artwork service computed it from (a file's size and mtime), so that a picture replaced
-- under the same path is hashed again. items.blurhash copies the hash of the item's first Primary
-- image, so that lists read it with the row they read anyway; a new or changed primary image
-- clears it until the background hasher has hashed the new picture.
CREATE TABLE image_blurhashes (
	source   TEXT PRIMARY KEY,
	stamp    TEXT NOT NULL,
	blurhash TEXT NOT NULL
);
ALTER TABLE items ADD COLUMN blurhash TEXT NOT NULL DEFAULT '';
