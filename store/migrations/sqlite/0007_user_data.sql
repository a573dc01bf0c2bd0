-- Per-user data of items: resume point, played state and count, favorites and likes. Rows exist
-- only for items a user touched; no row means unplayed, not a favorite, no opinion.
CREATE TABLE user_data (
	user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	item_id        TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	position_ms    BIGINT NOT NULL DEFAULT 0,
	played         BOOLEAN NOT NULL DEFAULT FALSE,
	play_count     INTEGER NOT NULL DEFAULT 0,
	last_played_at TIMESTAMP,
	favorite       BOOLEAN NOT NULL DEFAULT FALSE,
	likes          BOOLEAN,
	updated_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (user_id, item_id)
);
-- Resume lists walk a user's rows from the most recently played.
CREATE INDEX user_data_resume ON user_data (user_id, last_played_at);
CREATE INDEX user_data_favorite ON user_data (user_id, item_id) WHERE favorite;
-- Deleting items (a library, a rescan) cascades here by item.
CREATE INDEX user_data_item ON user_data (item_id);

-- The episode of each series a user played last (specials aside), kept by the store whenever a
-- played state changes, so that next up reads one row per series rather than every episode the
-- user ever played.
CREATE TABLE user_series (
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	series_id  TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	episode_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
	played_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (user_id, series_id)
);
CREATE INDEX user_series_played ON user_series (user_id, played_at);
CREATE INDEX user_series_series ON user_series (series_id);
CREATE INDEX user_series_episode ON user_series (episode_id);

-- Episodes of a season in order, so that next up seeks just past the last played one and stops at
-- the first unplayed one; kind and extra_type make it covering for that search.
CREATE INDEX items_episode_order ON items (parent_id, index_number, sort_title, seq, kind, extra_type);
