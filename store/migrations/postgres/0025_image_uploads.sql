-- The ledger of the pictures uploaded into this database (decision 0044). The upload folder
-- belongs to the data folder, which another database may share (a trial of PostgreSQL, a restored
-- backup, a second server): the sweep of orphaned uploads removes only the files named here, so
-- it never takes another database's pictures for orphans. Keyed by file name, not path: a moved
-- data folder keeps its names. A new migration rather than an edit of 0024: databases migrated
-- since 0024 landed would never get the table.
CREATE TABLE image_uploads (
	name       TEXT PRIMARY KEY,
	created_at TIMESTAMPTZ NOT NULL
);
