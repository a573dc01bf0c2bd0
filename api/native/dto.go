package native

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

type userDTO struct {
	ID           string     `json:"id"`
	Username     string     `json:"username"`
	DisplayName  string     `json:"displayName"`
	Admin        bool       `json:"admin"`
	Disabled     bool       `json:"disabled"`
	AllLibraries bool       `json:"allLibraries"`
	LibraryIDs   []string   `json:"libraryIds"`
	CreatedAt    time.Time  `json:"createdAt"`
	LastLoginAt  *time.Time `json:"lastLoginAt"`
}

func toUser(u core.User) userDTO {
	libs := make([]string, len(u.LibraryIDs))
	for i, l := range u.LibraryIDs {
		libs[i] = string(l)
	}
	return userDTO{ID: string(u.ID), Username: u.Username, DisplayName: u.DisplayName, Admin: u.Admin, Disabled: u.Disabled,
		AllLibraries: u.AllLibraries, LibraryIDs: libs, CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt}
}

type libraryDTO struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Paths     []string  `json:"paths"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func toLibrary(l core.Library) libraryDTO {
	return libraryDTO{ID: string(l.ID), Name: l.Name, Type: string(l.Type), Paths: l.Paths, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

type itemDTO struct {
	ID        string    `json:"id"`
	Key       int64     `json:"key"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	SortTitle string    `json:"sortTitle"`
	Year      *int      `json:"year"`
	LibraryID string    `json:"libraryId"`
	ParentID  *string   `json:"parentId"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func toItem(it core.Item) itemDTO {
	d := itemDTO{ID: string(it.ID), Key: it.Key, Type: string(it.Kind), Title: it.Title, SortTitle: it.SortTitle,
		LibraryID: string(it.LibraryID), CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	if it.Year > 0 {
		d.Year = &it.Year
	}
	if it.ParentID != "" {
		p := string(it.ParentID)
		d.ParentID = &p
	}
	return d
}

type sessionDTO struct {
	ID         string    `json:"id"`
	UserID     string    `json:"userId"`
	Client     string    `json:"client"`
	DeviceID   string    `json:"deviceId"`
	DeviceName string    `json:"deviceName"`
	Address    string    `json:"address"`
	CreatedAt  time.Time `json:"createdAt"`
	LastSeenAt time.Time `json:"lastSeenAt"`
	Current    bool      `json:"current"`
}

type apiKeyDTO struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedBy  string     `json:"createdBy"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
}

func toAPIKey(k core.APIKey) apiKeyDTO {
	return apiKeyDTO{ID: string(k.ID), Name: k.Name, Prefix: k.Prefix, CreatedBy: string(k.CreatedBy), CreatedAt: k.CreatedAt,
		LastUsedAt: k.LastUsedAt}
}

type listDTO[T any] struct {
	Items []T `json:"items"`
}

func mapList[S, T any](in []S, f func(S) T) listDTO[T] {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return listDTO[T]{Items: out}
}

// bind decodes a JSON body strictly: unknown fields and trailing data are errors, so that a typo in
// a field name is reported instead of silently ignored.
func bind(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooLarge):
			return err
		case errors.Is(err, io.EOF):
			return core.Invalid("body", "a JSON object is required")
		case errors.As(err, &typeErr):
			return core.Invalid(typeErr.Field, "must be %s", typeErr.Type.String())
		}
		return core.Invalid("body", "malformed JSON: %s", jsonReason(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return core.Invalid("body", "unexpected data after the JSON object")
	}
	return nil
}

// jsonReason keeps decoder messages short and free of Go type names.
func jsonReason(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("syntax error at byte %d", syntax.Offset)
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
