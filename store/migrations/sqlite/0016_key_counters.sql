-- File and library keys must never be handed out again (a Plex client may still hold a deleted
-- file's part id): they come from counters that only go up, instead of MAX(seq) + 1.
CREATE TABLE key_counters (
	name TEXT PRIMARY KEY,
	last INTEGER NOT NULL
);
INSERT INTO key_counters (name, last) VALUES ('media_files', (SELECT COALESCE(MAX(seq), 0) FROM media_files));
INSERT INTO key_counters (name, last) VALUES ('libraries', (SELECT COALESCE(MAX(seq), 0) FROM libraries));
DROP TRIGGER media_files_seq;
CREATE TRIGGER media_files_seq AFTER INSERT ON media_files WHEN NEW.seq IS NULL
BEGIN
	UPDATE key_counters SET last = last + 1 WHERE name = 'media_files';
	UPDATE media_files SET seq = (SELECT last FROM key_counters WHERE name = 'media_files') WHERE id = NEW.id;
END;
DROP TRIGGER libraries_seq;
CREATE TRIGGER libraries_seq AFTER INSERT ON libraries WHEN NEW.seq IS NULL
BEGIN
	UPDATE key_counters SET last = last + 1 WHERE name = 'libraries';
	UPDATE libraries SET seq = (SELECT last FROM key_counters WHERE name = 'libraries') WHERE id = NEW.id;
END;
