-- Statistics rollups (decision 0019). Each UTC day of play_history is summed into "packs": one text
-- row per day and kind, holding an entry per hour, library and method, user, or item. A year of
-- server-wide statistics so reads a few hundred rows instead of a million. store/stats.go keeps
-- them in the transaction that adds a history row, and takes a deleted user's plays out of them;
-- statistics read them for the whole UTC days of a range, and play_history itself for the
-- partial days at its ends.

-- The title a session belongs to when it was played: the item at the top of the played item's
-- hierarchy (the series of an episode, the artist of a track, a movie itself). Personal statistics
-- rank genres and people by title.
ALTER TABLE play_history ADD COLUMN title_id TEXT NOT NULL DEFAULT '';

-- A small number for each item or title ever played, so that packs hold integers, not UUIDs. It
-- outlives the item, as history does.
CREATE TABLE stats_items (
	item_key BIGSERIAL PRIMARY KEY,
	item_id  TEXT NOT NULL UNIQUE
);

-- Server-wide packs. period is the day, counted from 1970-01-01 UTC. data is entries separated by
-- spaces, each of a fixed number of fields separated by spaces, in no order:
--   hours  "H PLAYS MS": plays stopped in hour H (0-23, UTC) of the day
--   split  "LIBRARY METHOD PLAYS MS"
--   users  "USER HOURS PLAYS MS": HOURS has bit H set when the user played in hour H
--   items  "ITEM_KEY PLAYS MS"
-- and, per hour (period counts hours from 1970-01-01 00:00 UTC), for the whole hours at the ends
-- of a range:
--   split/h "LIBRARY METHOD PLAYS MS", users/h "USER PLAYS MS", items/h "ITEM_KEY PLAYS MS"
-- MS is the time watched, in milliseconds.
CREATE TABLE stats_packs (
	kind   TEXT NOT NULL,
	period BIGINT NOT NULL,
	data   TEXT NOT NULL,
	PRIMARY KEY (kind, period)
);

-- A user's packs, as above: per day hours "H PLAYS MS", items "ITEM_KEY PLAYS MS", titles
-- "TITLE_KEY PLAYS MS"; per hour items/h and titles/h.
CREATE TABLE stats_user_packs (
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind    TEXT NOT NULL,
	period  BIGINT NOT NULL,
	data    TEXT NOT NULL,
	PRIMARY KEY (user_id, kind, period)
);

-- A title's people, from the index alone.
CREATE INDEX item_people_item_person ON item_people (item_id, person_id);

-- backfill: the history recorded so far. store.Stats.Rebuild runs the statements from here on.
CREATE TEMP TABLE stats_titles (item_id TEXT PRIMARY KEY, title_id TEXT NOT NULL);
INSERT INTO stats_titles (item_id, title_id)
	WITH RECURSIVE up (item_id, id, parent_id) AS (
		SELECT id, id, parent_id FROM items
		UNION ALL SELECT up.item_id, i.id, i.parent_id FROM up JOIN items i ON i.id = up.parent_id
	)
	SELECT item_id, id FROM up WHERE parent_id IS NULL;
UPDATE play_history SET title_id = COALESCE((SELECT t.title_id FROM stats_titles t WHERE t.item_id = play_history.item_id), item_id)
	WHERE title_id = '';
DROP TABLE stats_titles;
INSERT INTO stats_items (item_id)
	SELECT item_id FROM play_history UNION SELECT title_id FROM play_history EXCEPT SELECT item_id FROM stats_items;
CREATE TEMP TABLE stats_backfill ON COMMIT DROP AS
	SELECT h.user_id, k.item_key, t.item_key AS title_key, h.library_id, h.method, h.watched_ms,
		CAST(FLOOR(EXTRACT(EPOCH FROM h.stopped_at) / 3600) AS BIGINT) AS hour
	FROM play_history h JOIN stats_items k ON k.item_id = h.item_id JOIN stats_items t ON t.item_id = h.title_id;
INSERT INTO stats_packs (kind, period, data)
	SELECT 'hours', day, STRING_AGG(h || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT hour / 24 AS day, hour % 24 AS h, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY hour / 24, hour % 24
	) AS g GROUP BY day;
INSERT INTO stats_packs (kind, period, data)
	SELECT 'split', day, STRING_AGG(library_id || ' ' || method || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT hour / 24 AS day, library_id, method, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY hour / 24, library_id, method
	) AS g GROUP BY day;
INSERT INTO stats_packs (kind, period, data)
	SELECT 'users', day, STRING_AGG(user_id || ' ' || hours || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT hour / 24 AS day, user_id, BIT_OR(1 << CAST(hour % 24 AS INTEGER)) AS hours, COUNT(*) AS plays, SUM(watched_ms) AS ms
		FROM stats_backfill GROUP BY hour / 24, user_id
	) AS g GROUP BY day;
INSERT INTO stats_packs (kind, period, data)
	SELECT 'items', day, STRING_AGG(item_key || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT hour / 24 AS day, item_key, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY hour / 24, item_key
	) AS g GROUP BY day;
INSERT INTO stats_user_packs (user_id, kind, period, data)
	SELECT user_id, 'hours', day, STRING_AGG(h || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT user_id, hour / 24 AS day, hour % 24 AS h, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY user_id, hour / 24, hour % 24
	) AS g GROUP BY user_id, day;
INSERT INTO stats_user_packs (user_id, kind, period, data)
	SELECT user_id, 'items', day, STRING_AGG(item_key || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT user_id, hour / 24 AS day, item_key, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY user_id, hour / 24, item_key
	) AS g GROUP BY user_id, day;
INSERT INTO stats_user_packs (user_id, kind, period, data)
	SELECT user_id, 'titles', day, STRING_AGG(title_key || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT user_id, hour / 24 AS day, title_key, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY user_id, hour / 24, title_key
	) AS g GROUP BY user_id, day;
INSERT INTO stats_packs (kind, period, data)
	SELECT 'split/h', hour, STRING_AGG(library_id || ' ' || method || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT hour, library_id, method, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY hour, library_id, method
	) AS g GROUP BY hour;
INSERT INTO stats_packs (kind, period, data)
	SELECT 'users/h', hour, STRING_AGG(user_id || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT hour, user_id, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY hour, user_id
	) AS g GROUP BY hour;
INSERT INTO stats_packs (kind, period, data)
	SELECT 'items/h', hour, STRING_AGG(item_key || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT hour, item_key, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY hour, item_key
	) AS g GROUP BY hour;
INSERT INTO stats_user_packs (user_id, kind, period, data)
	SELECT user_id, 'items/h', hour, STRING_AGG(item_key || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT user_id, hour, item_key, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY user_id, hour, item_key
	) AS g GROUP BY user_id, hour;
INSERT INTO stats_user_packs (user_id, kind, period, data)
	SELECT user_id, 'titles/h', hour, STRING_AGG(title_key || ' ' || plays || ' ' || ms, ' ') FROM (
		SELECT user_id, hour, title_key, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM stats_backfill GROUP BY user_id, hour, title_key
	) AS g GROUP BY user_id, hour;
DROP TABLE stats_backfill;
