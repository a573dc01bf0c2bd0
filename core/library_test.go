package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func libraryNames(ls []core.Library) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Name
	}
	return out
}

func TestLibraryVisibility(t *testing.T) {
	e := newEnv(t)
	movies, music := e.library("Movies"), e.library("Music")
	for _, tc := range []struct {
		name   string
		caller core.Caller
		want   []string
	}{
		{"admin", e.admin, []string{"Movies", "Music"}},
		{"api key", core.Caller{APIKeyID: "k", Admin: true, AllLibraries: true}, []string{"Movies", "Music"}},
		{"all libraries", core.Caller{UserID: "u", AllLibraries: true}, []string{"Movies", "Music"}},
		{"granted music", core.Caller{UserID: "u", Libraries: []core.LibraryID{music.ID}}, []string{"Music"}},
		{"granted nothing", core.Caller{UserID: "u"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.libs.List(e.ctx, tc.caller)
			if err != nil || !slices.Equal(libraryNames(got), tc.want) {
				t.Fatalf("List = %v, %v; want %v", libraryNames(got), err, tc.want)
			}
			for _, l := range []core.Library{movies, music} {
				_, err := e.libs.Get(e.ctx, tc.caller, l.ID)
				if visible := slices.Contains(tc.want, l.Name); visible != (err == nil) {
					t.Fatalf("Get %s: err = %v, visible = %v", l.Name, err, visible)
				}
				if err != nil {
					wantErr(t, "Get hidden "+l.Name, err, core.ErrNotFound)
				}
			}
		})
	}
	// Through a real login, too: the grant is read from the user.
	e.user("bob", music.ID)
	bob := e.caller(e.login("bob", "bob-password", "").Access)
	if got, _ := e.libs.List(e.ctx, bob); !slices.Equal(libraryNames(got), []string{"Music"}) {
		t.Fatalf("bob sees %v", libraryNames(got))
	}
	_, err := e.libs.Get(e.ctx, e.admin, "00000000-0000-0000-0000-000000000000")
	wantErr(t, "missing library", err, core.ErrNotFound)
}

func TestLibrariesNeedAdmin(t *testing.T) {
	e := newEnv(t)
	l := e.library("Movies")
	bob := core.Caller{UserID: "bob", AllLibraries: true}
	_, err := e.libs.Create(e.ctx, bob, core.NewLibrary{Name: "Mine", Type: core.LibraryMovies, Paths: []string{"/m"}})
	wantErr(t, "Create", err, core.ErrForbidden)
	_, err = e.libs.Update(e.ctx, bob, l.ID, core.LibraryPatch{Name: ptr("Renamed")})
	wantErr(t, "Update", err, core.ErrForbidden)
	wantErr(t, "Delete", e.libs.Delete(e.ctx, bob, l.ID), core.ErrForbidden)
	if got, _ := e.libs.List(e.ctx, e.admin); !slices.Equal(libraryNames(got), []string{"Movies"}) {
		t.Fatalf("libraries after refused changes: %v", libraryNames(got))
	}
}

func TestCreateLibrary(t *testing.T) {
	e := newEnv(t)
	for name, n := range map[string]core.NewLibrary{
		"no name":       {Type: core.LibraryMovies, Paths: []string{"/m"}},
		"control char":  {Name: "a\tb", Type: core.LibraryMovies, Paths: []string{"/m"}},
		"no type":       {Name: "M", Paths: []string{"/m"}},
		"unknown type":  {Name: "M", Type: "books", Paths: []string{"/m"}},
		"type in caps":  {Name: "M", Type: "Movies", Paths: []string{"/m"}},
		"no paths":      {Name: "M", Type: core.LibraryMovies},
		"relative path": {Name: "M", Type: core.LibraryMovies, Paths: []string{"media"}},
	} {
		_, err := e.libs.Create(e.ctx, e.admin, n)
		wantErr(t, name, err, core.ErrInvalid)
	}
	created := e.clock.Now()
	l, err := e.libs.Create(e.ctx, e.admin, core.NewLibrary{Name: " Anime ", Type: core.LibraryShows,
		Paths: []string{"/media/anime/", "/media//anime", "/srv/anime"}})
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "Anime" || l.Type != core.LibraryShows || !slices.Equal(l.Paths, []string{"/media/anime", "/srv/anime"}) ||
		!l.CreatedAt.Equal(created) || l.ID == "" {
		t.Fatalf("created %+v", l)
	}
	if got, err := e.libs.Get(e.ctx, e.admin, l.ID); err != nil || !slices.Equal(got.Paths, l.Paths) {
		t.Fatalf("stored %+v, %v", got, err)
	}
	_, err = e.libs.Create(e.ctx, e.admin, core.NewLibrary{Name: "ANIME", Type: core.LibraryMovies, Paths: []string{"/x"}})
	wantErr(t, "name taken in another case", err, core.ErrConflict)
}

func TestUpdateLibrary(t *testing.T) {
	e := newEnv(t)
	l := e.library("Movies")
	_, err := e.libs.Update(e.ctx, e.admin, l.ID, core.LibraryPatch{Name: ptr(" ")})
	wantErr(t, "blank name", err, core.ErrInvalid)
	_, err = e.libs.Update(e.ctx, e.admin, l.ID, core.LibraryPatch{Paths: &[]string{}})
	wantErr(t, "no paths", err, core.ErrInvalid)
	e.clock.Add(time.Hour)
	got, err := e.libs.Update(e.ctx, e.admin, l.ID, core.LibraryPatch{Paths: &[]string{"/films/./hd"}})
	if err != nil || got.Name != "Movies" || !slices.Equal(got.Paths, []string{"/films/hd"}) ||
		!got.UpdatedAt.Equal(e.clock.Now()) || got.Type != core.LibraryMovies {
		t.Fatalf("Update paths = %+v, %v", got, err)
	}
	if got, err = e.libs.Update(e.ctx, e.admin, l.ID, core.LibraryPatch{Name: ptr("Films")}); err != nil || got.Name != "Films" {
		t.Fatalf("rename = %+v, %v", got, err)
	}
	if err := e.libs.Delete(e.ctx, e.admin, l.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.libs.Get(e.ctx, e.admin, l.ID)
	wantErr(t, "deleted library", err, core.ErrNotFound)
}
