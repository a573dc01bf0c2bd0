package scan_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
)

func TestRemoteImages(t *testing.T) {
	e := newEnv(t, library(t), 0)
	poster := core.Image{Kind: core.ImagePrimary, URL: "https://img.test/heat.jpg"}
	backdrop := core.Image{Kind: core.ImageBackdrop, URL: "https://img.test/heat-b.jpg"}
	p := &fakeProvider{answers: map[string]core.Match{
		"movie Heat":         {Score: 1, Metadata: core.Metadata{ProviderIDs: map[string]string{"tmdb": "949"}, Images: []core.Image{poster, backdrop}}},
		"movie Blade Runner": {Ambiguous: true, Score: 0.8, Metadata: core.Metadata{Images: []core.Image{poster}}},
		"series Dark":        {Score: 1, Metadata: core.Metadata{ProviderIDs: map[string]string{"tmdb": "70523"}}},
	}}
	e.s = scan.New(e.st.Media, e.st.Libraries, e.prober, scan.Options{Parallel: 2, Metadata: e.st.Metadata, Providers: []core.Provider{p},
		Items: e.st.Items, NewID: func() string { return uuid.Must(uuid.NewV7()).String() }})
	t.Cleanup(e.s.Close)
	e.scan("movies")
	e.scan("shows")
	find := func(kind core.ItemKind, title string) core.Item {
		t.Helper()
		items, _, err := e.items.List(e.ctx, e.admin, core.ItemQuery{Kinds: []core.ItemKind{kind}, Text: title, Limit: 1})
		if err != nil || len(items) == 0 {
			t.Fatalf("no %s %q: %v", kind, title, err)
		}
		return items[0]
	}
	heat := find(core.KindMovie, "Heat")

	got, err := e.s.RemoteImages(e.ctx, e.admin, heat.ID)
	want := []scan.RemoteImage{{Provider: "fake", Image: poster}, {Provider: "fake", Image: backdrop}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("RemoteImages(Heat) = %v, %v; want %v", got, err, want)
	}
	if q := p.asked[len(p.asked)-1]; q.ProviderIDs["tmdb"] != "949" {
		t.Fatalf("asked %+v, want Heat's tmdb id", q)
	}
	if names, err := e.s.ImageProviders(e.ctx, e.admin, heat.ID); err != nil || !slices.Equal(names, []string{"fake"}) {
		t.Fatalf("ImageProviders = %v, %v", names, err)
	}
	// A doubtful match offers nothing: its pictures are likely another film's.
	if got, err := e.s.RemoteImages(e.ctx, e.admin, find(core.KindMovie, "Blade Runner").ID); err != nil || len(got) != 0 {
		t.Fatalf("RemoteImages(Blade Runner) = %v, %v; want none", got, err)
	}
	// An episode is asked with its series' title and ids, as a refresh asks.
	eps, _, err := e.items.List(e.ctx, e.admin, core.ItemQuery{Library: e.libs["shows"].ID, Kinds: []core.ItemKind{core.KindEpisode}, Limit: 1})
	if err != nil || len(eps) == 0 {
		t.Fatalf("no episode: %v", err)
	}
	if _, err := e.s.RemoteImages(e.ctx, e.admin, eps[0].ID); err != nil {
		t.Fatal(err)
	}
	if q := p.asked[len(p.asked)-1]; q.Kind != core.KindEpisode || q.SeriesTitle == "" || q.Season == nil || q.Episode == nil {
		t.Fatalf("episode asked as %+v", q)
	}
	// A failing provider offers nothing and fails nothing.
	p.mu.Lock()
	p.err = errors.New("tmdb: 503 Service Unavailable")
	p.mu.Unlock()
	if got, err := e.s.RemoteImages(e.ctx, e.admin, heat.ID); err != nil || len(got) != 0 {
		t.Fatalf("with a failing provider: %v, %v", got, err)
	}

	// Only admins, and only items that exist.
	if _, err := e.s.RemoteImages(e.ctx, core.Caller{UserID: "u", AllLibraries: true}, heat.ID); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a user's RemoteImages: %v", err)
	}
	if _, err := e.s.ImageProviders(e.ctx, core.Caller{UserID: "u", AllLibraries: true}, heat.ID); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a user's ImageProviders: %v", err)
	}
	if _, err := e.s.RemoteImages(e.ctx, e.admin, "nope"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("unknown item: %v", err)
	}

	// Without providers there is nothing to offer, and no one to ask.
	bare := scan.New(e.st.Media, e.st.Libraries, e.prober, scan.Options{Metadata: e.st.Metadata, Items: e.st.Items})
	t.Cleanup(bare.Close)
	if got, err := bare.RemoteImages(e.ctx, e.admin, heat.ID); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("without providers: %#v, %v; want an empty list", got, err)
	}
	if names, err := bare.ImageProviders(e.ctx, e.admin, heat.ID); err != nil || names == nil || len(names) != 0 {
		t.Fatalf("providers without providers: %#v, %v", names, err)
	}
}
