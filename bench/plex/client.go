package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/walros/walros/bench/internal/benchlib"
)

// client talks to Walros's Plex facade as a Plex tool does (python-plexapi, plex-api from npm):
// the token in X-Plex-Token, the window in X-Plex-Container-Start and -Size, JSON only when
// Accept asks for it.
type client struct {
	base  string
	http  *http.Client
	token string
}

func newClient(base, token string, conns int) *client {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}
	return &client{base: base, token: token, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// get sends a GET with the token, asking for JSON when asJSON is set (XML, Plex's default,
// otherwise); headers are name, value pairs. It returns the status, the headers and the body, read
// whole.
func (c *client) get(ctx context.Context, path string, asJSON bool, headers ...string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("X-Plex-Token", c.token)
	req.Header.Set("X-Plex-Client-Identifier", "walros-bench")
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// movieSection finds the movie library among the sections: its key (in the paths) and its
// uuid (the library's id).
func (c *client) movieSection(ctx context.Context) (key, uuid string, err error) {
	status, _, b, err := c.get(ctx, "/library/sections", true)
	if err != nil {
		return "", "", err
	}
	if status != http.StatusOK {
		return "", "", fmt.Errorf("GET /library/sections: %d: %.200s", status, b)
	}
	var out struct {
		MediaContainer struct {
			Directory []struct {
				Key   string `json:"key"`
				Type  string `json:"type"`
				Title string `json:"title"`
				UUID  string `json:"uuid"`
			}
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return "", "", fmt.Errorf("GET /library/sections: %w", err)
	}
	for _, d := range out.MediaContainer.Directory {
		if d.Type == "movie" {
			return d.Key, d.UUID, nil
		}
	}
	return "", "", fmt.Errorf("GET /library/sections: no movie section in %.300s", b)
}

// pagePath is the movie section's list by title, as Plex clients and python-plexapi's
// section.all() ask for it; the window goes in the headers.
func pagePath(section string) string {
	return "/library/sections/" + section + "/all?type=1&sort=titleSort"
}

// page GETs the 100 movies from start.
func (c *client) page(ctx context.Context, section string, start int, asJSON bool) (int, http.Header, []byte, error) {
	return c.get(ctx, pagePath(section), asJSON, "X-Plex-Container-Start", strconv.Itoa(start), "X-Plex-Container-Size", "100")
}

// movie is what the checks read of an item, in either format.
type movie struct {
	RatingKey string `json:"ratingKey" xml:"ratingKey,attr"`
	Type      string `json:"type" xml:"type,attr"`
	Title     string `json:"title" xml:"title,attr"`
	TitleSort string `json:"titleSort" xml:"titleSort,attr"`
	Summary   string `json:"summary" xml:"summary,attr"`
	Genre     []struct {
		Tag string `json:"tag" xml:"tag,attr"`
	} `json:"Genre" xml:"Genre"`
	Media []struct {
		Part []struct {
			Key string `json:"key" xml:"key,attr"`
		} `json:"Part" xml:"Part"`
	} `json:"Media" xml:"Media"`
}

// container is a page answer: a MediaContainer whose movies are Video elements in XML and the
// Metadata array in JSON.
type container struct {
	XMLName   xml.Name `json:"-" xml:"MediaContainer"`
	Size      int      `json:"size" xml:"size,attr"`
	TotalSize int      `json:"totalSize" xml:"totalSize,attr"`
	Offset    int      `json:"offset" xml:"offset,attr"`
	Metadata  []movie  `json:"Metadata" xml:"-"`
	Video     []movie  `json:"-" xml:"Video"`
}

func parsePage(b []byte, asJSON bool) (container, []movie, error) {
	var mc container
	if asJSON {
		var w struct{ MediaContainer *container }
		w.MediaContainer = &mc
		err := json.Unmarshal(b, &w)
		return mc, mc.Metadata, err
	}
	err := xml.Unmarshal(b, &mc)
	return mc, mc.Video, err
}

// checkPage reads a page answer in full and says what is wrong with it, if anything; it returns
// the ratingKeys of the page's movies.
func checkPage(status int, h http.Header, b []byte, start int, asJSON bool) ([]int64, error) {
	if status != http.StatusOK {
		return nil, fmt.Errorf("status %d: %.200s", status, b)
	}
	wantType := "text/xml"
	if asJSON {
		wantType = "application/json"
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
		return nil, fmt.Errorf("Content-Type %q, want %s", ct, wantType)
	}
	if got := h.Get("X-Plex-Container-Total-Size"); got != strconv.Itoa(benchlib.Movies) {
		return nil, fmt.Errorf("X-Plex-Container-Total-Size %q, want %d", got, benchlib.Movies)
	}
	mc, items, err := parsePage(b, asJSON)
	if err != nil {
		return nil, err
	}
	want := min(100, benchlib.Movies-start)
	switch {
	case len(items) != want || mc.Size != want:
		return nil, fmt.Errorf("start %d: %d movies, size %d, want %d", start, len(items), mc.Size, want)
	case mc.TotalSize != benchlib.Movies:
		return nil, fmt.Errorf("start %d: totalSize %d, want %d", start, mc.TotalSize, benchlib.Movies)
	case mc.Offset != start:
		return nil, fmt.Errorf("start %d: offset %d", start, mc.Offset)
	}
	keys := make([]int64, len(items))
	prev := ""
	for i, it := range items {
		k, err := strconv.ParseInt(it.RatingKey, 10, 64)
		if err != nil || it.Type != "movie" || it.Title == "" || len(it.Media) == 0 || len(it.Media[0].Part) == 0 {
			return nil, fmt.Errorf("start %d: movie %q (ratingKey %q, type %q, %d Media)", start, it.Title, it.RatingKey, it.Type, len(it.Media))
		}
		// titleSort is written when it differs from the lower-case title; either way it is the
		// order of the list.
		sortKey := it.TitleSort
		if sortKey == "" {
			sortKey = strings.ToLower(it.Title)
		}
		if sortKey < prev {
			return nil, fmt.Errorf("start %d: %q after %q: not in title order", start, sortKey, prev)
		}
		keys[i], prev = k, sortKey
	}
	return keys, nil
}

// pageStats counts what the movies of a page hold, to show what the facade filled in.
func pageStats(b []byte, asJSON bool) string {
	_, items, err := parsePage(b, asJSON)
	if err != nil {
		return "?"
	}
	var sorted, summary, genre int
	for _, it := range items {
		if it.TitleSort != "" {
			sorted++
		}
		if it.Summary != "" {
			summary++
		}
		if len(it.Genre) > 0 {
			genre++
		}
	}
	return fmt.Sprintf("%d movies, %d KiB; with a titleSort %d, a summary %d, genres %d", len(items), len(b)>>10,
		sorted, summary, genre)
}

// totalMarker is the container's totalSize as each format writes it: the quick check of the
// throughput run.
func totalMarker(asJSON bool) []byte {
	if asJSON {
		return []byte(`"totalSize":` + strconv.Itoa(benchlib.Movies))
	}
	return []byte(`totalSize="` + strconv.Itoa(benchlib.Movies) + `"`)
}
