package store

import "encoding/json"

// toJSON encodes v for a TEXT column, or returns empty when v is nil or empty.
func toJSON(v any, empty string) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return empty
	}
	return string(b)
}

// fromJSON decodes a TEXT column written by toJSON; a malformed value leaves v as it is, because a
// damaged detail column must not make the whole row unreadable.
func fromJSON(s string, v any) {
	_ = json.Unmarshal([]byte(s), v)
}
