package jellyfin

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/walros/walros/core"
)

// jid writes an id as Jellyfin does: 32 lower-case hex digits, no dashes (Guid "N" format).
func jid[T ~string](id T) string {
	return strings.ReplaceAll(string(id), "-", "")
}

// parseID reads an id in any form clients send (dashed or not, any case) into the canonical
// dashed form core uses; ok is false for anything that is not a GUID.
func parseID(s string) (string, bool) {
	u, err := uuid.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// ticksPerSecond: .NET ticks are 100 ns.
const ticksPerSecond = 10_000_000

func toTicks(d time.Duration) int64 { return int64(d / 100) }

// fromTicks converts ticks to a duration, clamped to what a Duration holds: clients send any number.
func fromTicks(t int64) time.Duration {
	return time.Duration(min(max(t, 0), math.MaxInt64/100)) * 100
}

// jfTime is a time written as Jellyfin writes dates: UTC with seven fractional digits.
type jfTime time.Time

func (t jfTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.0000000Z") + `"`), nil
}

func (t *jfTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil || s == "" {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	*t = jfTime(v)
	return nil
}

// timePtr returns t as a jfTime, or nil for the zero time, so that it is omitted.
func timePtr(t time.Time) *jfTime {
	if t.IsZero() {
		return nil
	}
	j := jfTime(t)
	return &j
}

// writeJSON answers with v as JSON. Names are PascalCase (the DTOs' Go field names) and nulls are
// omitted (omitempty on every optional field), as Jellyfin writes them.
func writeJSON(c *gin.Context, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		c.String(http.StatusInternalServerError, errorBody)
		return
	}
	c.Data(status, "application/json; charset=utf-8", bytes.TrimRight(b.Bytes(), "\n"))
}

// bind reads a JSON body the way ASP.NET does: names without regard to case (encoding/json
// already does so), unknown fields ignored. An empty body leaves v as it is.
func bind(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return core.Invalid("body", "not the JSON expected: %v", err)
	}
	return nil
}

// queryResult is Jellyfin's paged list.
type queryResult[T any] struct {
	Items            []T
	TotalRecordCount int
	StartIndex       int
}
