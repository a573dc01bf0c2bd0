package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/walros/walros/bench/internal/benchlib"
)

// client talks to Walros's Jellyfin facade as a signed-in jellyfin-web would.
type client struct {
	base   string
	http   *http.Client
	token  string
	userID string
}

func newClient(base string, conns int) *client {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}
	return &client{base: base, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// login signs in with POST /Users/AuthenticateByName and keeps the access token and user id.
func (c *client) login(ctx context.Context) (err error) {
	c.token, c.userID, err = benchlib.Login(ctx, c.http, c.base)
	return err
}

// get sends a GET with the token and returns the status and the body, read whole.
func (c *client) get(ctx context.Context, path string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", benchlib.JellyfinAuth+`, Token="`+c.token+`"`)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// bodies are the buffers the throughput clients read answers into: a load generator that
// allocated 75 KB afresh for each answer (io.ReadAll) spent its share of the two cores on that.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// getPooled is get reading the body into a pooled buffer; the caller puts it back.
func (c *client) getPooled(ctx context.Context, path string) (int, *bytes.Buffer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", benchlib.JellyfinAuth+`, Token="`+c.token+`"`)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf, err
}

// getJSON GETs path, wants 200 and decodes the body into out.
func (c *client) getJSON(ctx context.Context, path string, out any) error {
	status, b, err := c.get(ctx, path)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d: %.200s", path, status, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// The movie page, as the issue states it and jellyfin-web's library view sends it.
const pageFields = "PrimaryImageAspectRatio,MediaSourceCount,Overview"

func (c *client) pagePath(start int, fields bool) string {
	q := "/Items?userId=" + url.QueryEscape(c.userID) +
		"&Recursive=true&IncludeItemTypes=Movie&SortBy=SortName&SortOrder=Ascending&StartIndex=" + strconv.Itoa(start) +
		"&Limit=100&EnableTotalRecordCount=true"
	if fields {
		return q + "&Fields=" + pageFields + "&ImageTypeLimit=1&EnableImageTypes=Primary,Backdrop,Thumb"
	}
	return q + "&EnableImages=false&EnableUserData=false" // the least a client can ask for
}

// page is the part of a QueryResult the checks read.
type page struct {
	Items []struct {
		ID          string `json:"Id"`
		Name        string
		Type        string
		ImageTags   map[string]string
		UserData    *json.RawMessage
		Overview    string
		SortName    string
		AspectRatio *float64 `json:"PrimaryImageAspectRatio"`
	}
	TotalRecordCount int
	StartIndex       int
}

// checkPage reads a page answer and says what is wrong with it, if anything.
func checkPage(status int, b []byte, start int) error {
	if status != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", status, b)
	}
	var p page
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	want := min(100, benchlib.Movies-start)
	switch {
	case p.TotalRecordCount == 0 && len(p.Items) == 0:
		return fmt.Errorf("StartIndex=%d: an empty result: is the route served yet? (the facade answers routes it lacks with one)", start)
	case len(p.Items) != want:
		return fmt.Errorf("StartIndex=%d: %d items, want %d", start, len(p.Items), want)
	case p.TotalRecordCount != benchlib.Movies:
		return fmt.Errorf("StartIndex=%d: TotalRecordCount %d, want %d", start, p.TotalRecordCount, benchlib.Movies)
	}
	for _, it := range p.Items {
		if it.Type != "Movie" || it.ID == "" || it.Name == "" {
			return fmt.Errorf("StartIndex=%d: item %q of type %q", start, it.Name, it.Type)
		}
	}
	return nil
}

// pageStats counts what the fields of a page hold, to show that the facade filled them.
func pageStats(b []byte) string {
	var p page
	if json.Unmarshal(b, &p) != nil {
		return "?"
	}
	var img, ov, ud, ar int
	for _, it := range p.Items {
		if it.ImageTags["Primary"] != "" {
			img++
		}
		if it.Overview != "" {
			ov++
		}
		if it.UserData != nil {
			ud++
		}
		if it.AspectRatio != nil {
			ar++
		}
	}
	return fmt.Sprintf("%d items, %d KiB; with a Primary image tag %d, Overview %d, UserData %d, PrimaryImageAspectRatio %d",
		len(p.Items), len(b)>>10, img, ov, ud, ar)
}
