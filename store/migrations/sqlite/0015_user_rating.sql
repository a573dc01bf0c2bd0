-- A user's own rating of an item, 0 to 10 (Plex's userRating, Jellyfin's UserData Rating).
ALTER TABLE user_data ADD COLUMN rating REAL;
