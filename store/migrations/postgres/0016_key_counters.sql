-- File and library keys must never be handed out again; on PostgreSQL their sequences already
-- only go up. The table exists on both databases so that their schemas stay alike.
CREATE TABLE key_counters (
	name TEXT PRIMARY KEY,
	last BIGINT NOT NULL
);
