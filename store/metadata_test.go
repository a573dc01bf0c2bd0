package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestMetadataRoundTrip(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryMovies, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []core.ItemID{"a", "b"} {
			if _, err := st.Items.CreateItem(ctx, core.Item{ID: id, Kind: core.KindMovie, Title: "x", LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		m := core.Metadata{Title: "The Matrix", OriginalTitle: "The Matrix", Overview: "Neo.", Tagline: "Free your mind",
			Year: 1999, Premiere: time.Date(1999, 3, 31, 0, 0, 0, 0, time.UTC), CommunityScore: 8.7, CriticScore: 88,
			OfficialRating: "R", Runtime: 136 * time.Minute, Genres: []string{"Action", "Science Fiction", "action"},
			Studios: []string{"Warner Bros."}, Tags: []string{"cyberpunk"}, Collection: "The Matrix Collection",
			Credits: []core.Credit{{Name: "Keanu Reeves", Kind: core.PersonActor, Role: "Neo", Thumb: "http://img/k.jpg"},
				{Name: "Lana Wachowski", Kind: core.PersonDirector}, {Name: ""}},
			ProviderIDs:  map[string]string{"imdb": "tt0133093", "tmdb": "603"},
			Images:       []core.Image{{Kind: core.ImagePrimary, Path: "/l/poster.jpg"}, {Kind: core.ImageBackdrop, URL: "http://img/1.jpg"}, {Kind: core.ImageBackdrop, URL: "http://img/2.jpg"}},
			LockedFields: []string{"title"}}
		if err := st.Metadata.SetMetadata(ctx, "a", m); err != nil {
			t.Fatal(err)
		}
		// Another item shares a person: one row, found regardless of case.
		if err := st.Metadata.SetMetadata(ctx, "b", core.Metadata{Title: "John Wick", Credits: []core.Credit{{Name: "KEANU REEVES", Kind: core.PersonActor}}}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Metadata.ItemMetadata(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != m.Title || got.Year != 1999 || !got.Premiere.Equal(m.Premiere) || got.Runtime != m.Runtime ||
			got.CommunityScore != 8.7 || got.Collection != m.Collection || got.ProviderIDs["tmdb"] != "603" ||
			!slices.Equal(got.Genres, []string{"Action", "Science Fiction"}) || !slices.Equal(got.LockedFields, []string{"title"}) ||
			len(got.Credits) != 2 || got.Credits[0].Role != "Neo" || got.Credits[0].Thumb != "http://img/k.jpg" ||
			len(got.Images) != 3 || got.Images[1].URL != "http://img/1.jpg" {
			t.Fatalf("round trip:\n%+v\nwant\n%+v", got, m)
		}
		var people int
		if err := db.R.NewSelect().Table("people").ColumnExpr("COUNT(*)").Scan(ctx, &people); err != nil || people != 2 {
			t.Fatalf("%d people, %v; want 2", people, err)
		}
		it, _ := st.Items.Item(ctx, "a")
		if it.Title != "The Matrix" || it.SortTitle != "matrix" {
			t.Fatalf("item after metadata: %+v", it)
		}
		// Replacing clears the lists.
		if err := st.Metadata.SetMetadata(ctx, "a", core.Metadata{Title: "The Matrix"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Metadata.ItemMetadata(ctx, "a"); len(got.Genres)+len(got.Credits)+len(got.Images) != 0 {
			t.Fatalf("lists survived a replace: %+v", got)
		}
	})
}

// TestUpdateMetadataLosesNothing runs concurrent read-modify-write updates of one item: each adds
// its own tag, and every tag must be there at the end (two separate read and write calls would lose
// some).
func TestUpdateMetadataLosesNothing(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryMovies, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Items.CreateItem(ctx, core.Item{ID: "a", Kind: core.KindMovie, Title: "x", LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		const n = 16
		errs := make(chan error, n)
		for i := range n {
			go func() {
				_, err := st.Metadata.UpdateMetadata(ctx, "a", func(m *core.Metadata) error {
					m.Tags = append(m.Tags, fmt.Sprintf("tag%02d", i))
					return nil
				})
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Metadata.ItemMetadata(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Tags) != n {
			t.Fatalf("%d tags after %d concurrent updates: %v", len(got.Tags), n, got.Tags)
		}
		// An error from fn writes nothing; a missing item is ErrNotFound.
		boom := errors.New("boom")
		if _, err := st.Metadata.UpdateMetadata(ctx, "a", func(m *core.Metadata) error { m.Title = "changed"; return boom }); !errors.Is(err, boom) {
			t.Fatalf("fn error: %v", err)
		}
		if got, _ := st.Metadata.ItemMetadata(ctx, "a"); got.Title != "x" {
			t.Fatalf("title %q after a failed update; want x", got.Title)
		}
		if _, err := st.Metadata.UpdateMetadata(ctx, "nope", func(*core.Metadata) error { return nil }); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("missing item: %v", err)
		}
	})
}
