-- A small stable integer per file: Plex clients address parts (/library/parts/{id}/...) by one.
ALTER TABLE media_files ADD COLUMN seq BIGSERIAL;
CREATE UNIQUE INDEX media_files_seq ON media_files (seq);
