-- A small stable integer per file: Plex clients address parts (/library/parts/{id}/...) by one.
-- Existing files take their rowid; new ones the next number, set by the trigger.
ALTER TABLE media_files ADD COLUMN seq INTEGER;
UPDATE media_files SET seq = rowid;
CREATE UNIQUE INDEX media_files_seq ON media_files (seq);
CREATE TRIGGER media_files_seq AFTER INSERT ON media_files WHEN NEW.seq IS NULL
BEGIN
	UPDATE media_files SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM media_files) WHERE id = NEW.id;
END;

-- The same for libraries: Plex clients address sections by an integer key.
ALTER TABLE libraries ADD COLUMN seq INTEGER;
UPDATE libraries SET seq = rowid;
CREATE UNIQUE INDEX libraries_seq ON libraries (seq);
CREATE TRIGGER libraries_seq AFTER INSERT ON libraries WHEN NEW.seq IS NULL
BEGIN
	UPDATE libraries SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM libraries) WHERE id = NEW.id;
END;
