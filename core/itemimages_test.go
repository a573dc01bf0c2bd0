package core_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/walros/walros/core"
)

func TestParseImageKind(t *testing.T) {
	for in, want := range map[string]core.ImageKind{"Primary": core.ImagePrimary, "backdrop": core.ImageBackdrop, "LOGO": core.ImageLogo} {
		if got, err := core.ParseImageKind(in); err != nil || got != want {
			t.Errorf("ParseImageKind(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "../../etc/passwd", "Primary/0", "Poster", "Primary\x00"} {
		if _, err := core.ParseImageKind(bad); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("ParseImageKind(%q): err = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestItemImages(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		movies := e.library("Movies")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID})
		admin := core.Caller{Admin: true, AllLibraries: true}
		bob := e.member("bob", movies.ID)
		p1 := core.Image{Kind: core.ImagePrimary, URL: "https://img.test/p1.jpg"}
		p2 := core.Image{Kind: core.ImagePrimary, URL: "https://img.test/p2.jpg"}
		p3 := core.Image{Kind: core.ImagePrimary, URL: "https://img.test/p3.jpg"}
		b1 := core.Image{Kind: core.ImageBackdrop, URL: "https://img.test/b1.jpg"}
		local := core.Image{Kind: core.ImageLogo, Path: "/media/Movies/Heat/logo.png"}
		if err := e.st.Metadata.SetMetadata(e.ctx, heat.ID, core.Metadata{Title: "Heat", Images: []core.Image{p1, b1, p2, local, p3}}); err != nil {
			t.Fatal(err)
		}
		images := func() []core.Image {
			t.Helper()
			ims, err := e.items.Images(e.ctx, admin, heat.ID)
			if err != nil {
				t.Fatal(err)
			}
			return ims
		}
		primaries := func() []core.Image {
			return slices.DeleteFunc(images(), func(im core.Image) bool { return im.Kind != core.ImagePrimary })
		}

		m, err := e.items.SelectImage(e.ctx, admin, heat.ID, core.ImagePrimary, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(m.LockedFields, "images") {
			t.Fatalf("locked fields after a choice: %v, want images", m.LockedFields)
		}
		if got := primaries(); !slices.Equal(got, []core.Image{p3, p1, p2}) {
			t.Fatalf("primaries after choosing the third: %v", got)
		}
		// A refresh from a provider keeps the choice: images are locked.
		if _, err := e.st.Metadata.UpdateMetadata(e.ctx, heat.ID, func(m *core.Metadata) error {
			*m = core.Merge(*m, core.Metadata{Title: "Heat (1995)", Images: []core.Image{p1, p2}})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := primaries(); !slices.Equal(got, []core.Image{p3, p1, p2}) {
			t.Fatalf("primaries after a refresh: %v", got)
		}

		up := core.Image{Kind: "primary", Path: "/data/uploads/x.png"}
		if _, err := e.items.AddImage(e.ctx, admin, heat.ID, up); err != nil {
			t.Fatal(err)
		}
		up.Kind = core.ImagePrimary
		if got := primaries(); !slices.Equal(got, []core.Image{up, p3, p1, p2}) {
			t.Fatalf("primaries after an upload: %v", got)
		}
		gone, _, err := e.items.DeleteImage(e.ctx, admin, heat.ID, core.ImagePrimary, 0)
		if err != nil || gone != up {
			t.Fatalf("DeleteImage = %v, %v; want the upload", gone, err)
		}
		if got := images(); len(got) != 5 || !slices.Contains(got, local) || !slices.Contains(got, b1) || got[0] != p3 {
			t.Fatalf("images after deleting the upload: %v", got)
		}

		// Moving a picture within its kind: Jellyfin's editor moves backdrops left and right.
		for _, tc := range []struct {
			index, to int
			want      []core.Image
		}{
			{0, 2, []core.Image{p1, p2, p3}},
			{2, 0, []core.Image{p3, p1, p2}},
			{1, 99, []core.Image{p3, p2, p1}},
			{2, -1, []core.Image{p1, p3, p2}},
		} {
			if _, err := e.items.MoveImage(e.ctx, admin, heat.ID, core.ImagePrimary, tc.index, tc.to); err != nil {
				t.Fatal(err)
			}
			if got := primaries(); !slices.Equal(got, tc.want) {
				t.Fatalf("primaries after moving %d to %d: %v, want %v", tc.index, tc.to, got, tc.want)
			}
		}
		if _, err := e.items.MoveImage(e.ctx, admin, heat.ID, core.ImageLogo, 0, 3); err != nil {
			t.Fatal(err)
		}
		if got := images(); len(got) != 5 || got[4] != local {
			t.Fatalf("images after moving the only logo: %v", got)
		}

		// Refused without a change: non-admins, unknown images and items, bad kinds and indexes.
		before := images()
		wantErr(t, "bob lists", first(e.items.Images(e.ctx, bob, heat.ID)), core.ErrForbidden)
		wantErr(t, "bob selects", first(e.items.SelectImage(e.ctx, bob, heat.ID, core.ImagePrimary, 1)), core.ErrForbidden)
		wantErr(t, "bob adds", first(e.items.AddImage(e.ctx, bob, heat.ID, p1)), core.ErrForbidden)
		_, _, err = e.items.DeleteImage(e.ctx, bob, heat.ID, core.ImagePrimary, 0)
		wantErr(t, "bob deletes", err, core.ErrForbidden)
		wantErr(t, "bob moves", first(e.items.MoveImage(e.ctx, bob, heat.ID, core.ImagePrimary, 0, 1)), core.ErrForbidden)
		wantErr(t, "move past the end", first(e.items.MoveImage(e.ctx, admin, heat.ID, core.ImagePrimary, 3, 0)), core.ErrNotFound)
		wantErr(t, "past the end", first(e.items.SelectImage(e.ctx, admin, heat.ID, core.ImagePrimary, 3)), core.ErrNotFound)
		wantErr(t, "negative", first(e.items.SelectImage(e.ctx, admin, heat.ID, core.ImagePrimary, -1)), core.ErrInvalid)
		wantErr(t, "no such kind here", first(e.items.SelectImage(e.ctx, admin, heat.ID, core.ImageDisc, 0)), core.ErrNotFound)
		wantErr(t, "unknown item", first(e.items.SelectImage(e.ctx, admin, "nope", core.ImagePrimary, 0)), core.ErrNotFound)
		wantErr(t, "bad kind", first(e.items.AddImage(e.ctx, admin, heat.ID, core.Image{Kind: "../x", URL: "https://img.test/x"})), core.ErrInvalid)
		wantErr(t, "empty image", first(e.items.AddImage(e.ctx, admin, heat.ID, core.Image{Kind: core.ImagePrimary})), core.ErrInvalid)
		if got := images(); !slices.Equal(got, before) {
			t.Fatalf("refused changes changed the images: %v, was %v", got, before)
		}
	})
}
