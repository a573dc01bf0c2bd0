package native

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// TestItemsPlayedAndFavoriteFilters checks ?played=, ?favorite= and ?maxRating= on GET /items,
// which the web client's browse filters use: the first two read the caller's own user data.
func TestItemsPlayedAndFavoriteFilters(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("films")
	bob, _ := e.addUser("bob", lib.ID)
	ctx := context.Background()
	ids := map[string]core.ItemID{}
	for i, title := range []string{"Alien", "Brazil", "Heat"} {
		it, err := e.stores.Items.CreateItem(ctx, core.Item{ID: core.ItemID("33333333-0000-7000-8000-00000000000" + string(rune('1'+i))),
			Kind: core.KindMovie, Title: title, LibraryID: core.LibraryID(lib.ID), CreatedAt: time.Now(), UpdatedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		ids[title] = it.ID
	}
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/items/"+string(ids["Alien"]), map[string]any{"officialRating": "R"}))
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/items/"+string(ids["Brazil"]), map[string]any{"officialRating": "PG-13"}))
	e.want(200, e.as(e.admin, "POST", "/api/v1/items/"+string(ids["Heat"])+"/played", nil))
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/items/"+string(ids["Alien"])+"/userdata", map[string]any{"favorite": true}))

	titles := func(token, query string) []string {
		t.Helper()
		var page struct {
			Items []itemDTO `json:"items"`
			Total int       `json:"total"`
		}
		e.decode(e.want(200, e.as(token, "GET", "/api/v1/items?type=movie&"+query, nil)), &page)
		out := make([]string, len(page.Items))
		for i, it := range page.Items {
			out[i] = it.Title
		}
		if len(out) != page.Total {
			t.Fatalf("%s: %d items, total %d", query, len(out), page.Total)
		}
		return out
	}
	for _, tc := range []struct {
		token, query string
		want         []string
	}{
		{e.admin, "played=true", []string{"Heat"}},
		{e.admin, "played=false", []string{"Alien", "Brazil"}},
		{e.admin, "favorite=true", []string{"Alien"}},
		{e.admin, "favorite=false&played=false", []string{"Brazil"}},
		{e.admin, "", []string{"Alien", "Brazil", "Heat"}},
		{bob, "played=true", []string{}},   // the admin's plays are not bob's
		{bob, "favorite=true", []string{}}, // nor their favorites
		{bob, "played=false", []string{"Alien", "Brazil", "Heat"}},
		// Rated at most: unrated Heat never matches; each query is its own cached list.
		{bob, "maxRating=PG-13", []string{"Brazil"}},
		{bob, "maxRating=R", []string{"Alien", "Brazil"}},
		{bob, "maxRating=de/18", []string{"Alien", "Brazil"}},
		{bob, "maxRating=G", []string{}},
		{bob, "maxRating=TV-14&played=false", []string{"Brazil"}},
	} {
		if got := titles(tc.token, tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.query, got, tc.want)
		}
	}
	for _, q := range []string{"played=maybe", "favorite=2", "maxRating=Approved", "maxRating=X9"} {
		if rec := e.as(bob, "GET", "/api/v1/items?"+q, nil); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, rec.Code)
		}
	}
}
