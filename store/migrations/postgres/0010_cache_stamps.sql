-- One row per family of tables the caches depend on. Each process bumps a family's gen after
-- committing writes to it, and polls the table for bumps by other processes (store/stamps.go).
CREATE TABLE cache_stamps (
    name TEXT PRIMARY KEY,
    gen BIGINT NOT NULL DEFAULT 0
);
INSERT INTO cache_stamps (name, gen) VALUES ('lists', 0), ('content', 0), ('users', 0), ('user_data', 0);
