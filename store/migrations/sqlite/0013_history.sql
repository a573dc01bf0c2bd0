-- Play history: one row per play session. item_id has no foreign key: history outlives the items
-- it names (statistics still count a movie deleted since).
CREATE TABLE play_history (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	item_id     TEXT NOT NULL,
	library_id  TEXT NOT NULL,
	file_id     TEXT NOT NULL,
	device_id   TEXT NOT NULL,
	device_name TEXT NOT NULL,
	client      TEXT NOT NULL,
	started_at  TIMESTAMP NOT NULL,
	stopped_at  TIMESTAMP NOT NULL,
	watched_ms  BIGINT NOT NULL,
	position_ms BIGINT NOT NULL,
	method      TEXT NOT NULL,
	reason      TEXT NOT NULL
);
CREATE INDEX play_history_stopped ON play_history (stopped_at);
CREATE INDEX play_history_user ON play_history (user_id, stopped_at);
CREATE INDEX play_history_item ON play_history (item_id);
