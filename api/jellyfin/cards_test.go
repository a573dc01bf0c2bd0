package jellyfin

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// cardItems is an item service with the store's card cache, counting hits.
type cardItems struct {
	itemService
	cardStore
	hits *int
}

// plainItems is an item service without a card cache (core.Items has one).
type plainItems struct{ itemService }

func (c cardItems) Cards(gen uint64, keys []core.CardKey) [][]byte {
	out := c.cardStore.Cards(gen, keys)
	for _, b := range out {
		if b != nil {
			*c.hits++
		}
	}
	return out
}

// TestCardsSameBytes checks that lists written from cached cards are the bytes writeJSON writes,
// cold and warm, with and without user data, for two users, and after writes.
func TestCardsSameBytes(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, `Alpha "Quoted" (2001)/Alpha "Quoted" (2001).mkv`,
		"Beta <&> (2002)/Beta <&> (2002).mkv", "Gamma (2003)/Gamma (2003).mkv")
	bob, _ := e.addUser("bob")
	cs, ok := any(e.stores.Items).(cardStore)
	if !ok {
		t.Fatal("the store's items offer no card cache")
	}
	if _, ok := cs.CardStamp(); !ok {
		t.Fatal("the store keeps no cards")
	}
	hits := 0
	plain, cached := plainItems{e.items}, cardItems{e.items, cs, &hits}
	const fields = "&Fields=PrimaryImageAspectRatio,MediaSourceCount,Overview&ImageTypeLimit=1&EnableImageTypes=Primary,Backdrop,Thumb"
	paths := []string{
		"/Items?Recursive=true&IncludeItemTypes=Movie&SortBy=SortName&StartIndex=0&Limit=100" + fields,
		"/Items?Recursive=true&IncludeItemTypes=Movie&SortBy=SortName&StartIndex=1&Limit=2&enableUserData=false" + fields,
		"/Items?Recursive=true&IncludeItemTypes=Movie&enableImages=false",
	}
	check := func(step string) {
		t.Helper()
		for _, token := range []string{e.admin, bob} {
			for _, p := range paths {
				e.h.Items = plain
				want := e.want(http.StatusOK, e.do(http.MethodGet, p, token, nil)).Body.String()
				e.h.Items = cached
				for _, pass := range []string{"cold", "warm"} {
					if got := e.want(http.StatusOK, e.do(http.MethodGet, p, token, nil)).Body.String(); got != want {
						t.Errorf("%s, %s, %s:\n got %s\nwant %s", step, pass, p, got, want)
					}
				}
			}
		}
	}
	check("first")
	admin := core.Caller{UserID: core.UserID(dashed(e.adminID)), AllLibraries: true, Admin: true}
	alpha := e.item(core.KindMovie, `Alpha "Quoted"`)
	if _, err := e.userData.SetFavorite(e.ctx, admin, alpha.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.userData.Progress(e.ctx, admin, e.item(core.KindMovie, "Gamma").ID, 600*1e9, true); err != nil {
		t.Fatal(err)
	}
	check("user data")
	if _, err := e.items.Edit(e.ctx, e.operator, alpha.ID, core.Metadata{Overview: "An overview, with \"quotes\"."},
		[]string{"overview"}, nil); err != nil {
		t.Fatal(err)
	}
	check("edit")
	// A blurhash the store keeps for Beta's poster goes on its card, kept or not.
	beta := e.item(core.KindMovie, "Beta <&>")
	poster := core.Image{Kind: core.ImagePrimary, Path: "/posters/beta.jpg"}
	if _, err := e.stores.Metadata.UpdateMetadata(e.ctx, beta.ID, func(m *core.Metadata) error { m.Images = []core.Image{poster}; return nil }); err != nil {
		t.Fatal(err)
	}
	check("poster")
	if err := e.stores.Metadata.SaveBlurHashes(e.ctx, []core.ImageHash{{Item: beta.ID, Image: poster, Stamp: "s", Hash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj"}}); err != nil {
		t.Fatal(err)
	}
	check("blurhash")
	if got := e.want(http.StatusOK, e.do(http.MethodGet, paths[0], e.admin, nil)).Body.String(); !strings.Contains(got,
		`"ImageBlurHashes":{"Primary":{"`+imageTag(poster)+`":"LEHV6nWB2yk8pyo0adR*.7kCMdnj"}}`) {
		t.Errorf("no blurhash on Beta's card: %s", got)
	}
	if hits == 0 {
		t.Error("no list was written from kept cards")
	}
}

// TestCardsCost compares a page of 100 movies written from kept cards with the same page mapped
// and encoded, on a warm store (WALROS_CARDS_COST=1 go test -run CardsCost -v ./api/jellyfin).
func TestCardsCost(t *testing.T) {
	if os.Getenv("WALROS_CARDS_COST") == "" {
		t.Skip("set WALROS_CARDS_COST=1 to measure")
	}
	e := newEnv(t)
	var files []string
	for i := range 100 {
		files = append(files, fmt.Sprintf("Movie %03d (2001)/Movie %03d (2001).mkv", i, i))
	}
	e.library("Movies", core.LibraryMovies, files...)
	cs, _ := any(e.stores.Items).(cardStore)
	const path = "/Items?Recursive=true&IncludeItemTypes=Movie&SortBy=SortName&StartIndex=0&Limit=100" +
		"&Fields=PrimaryImageAspectRatio,MediaSourceCount,Overview&ImageTypeLimit=1&EnableImageTypes=Primary,Backdrop,Thumb"
	for _, tc := range []struct {
		name  string
		items itemService
	}{{"mapped and encoded", e.items}, {"kept cards", cardItems{e.items, cs, new(int)}}} {
		e.h.Items = tc.items
		r := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.want(http.StatusOK, e.do(http.MethodGet, path, e.admin, nil))
			}
		})
		t.Logf("%s: %v, %d B/op, %d allocs/op", tc.name, time.Duration(r.NsPerOp()), r.AllocedBytesPerOp(), r.AllocsPerOp())
	}
}

// TestAppendUserDataSameBytes checks that the hand-written user data is what encode writes, for
// plain items and every optional field.
func TestAppendUserDataSameBytes(t *testing.T) {
	played := time.Date(2026, 11, 23, 1, 2, 3, 400, time.UTC)
	likes, rating, count := true, 7.5, 3
	base := core.UserData{ItemID: "0123456789abcdef0123456789abcdef", Position: 90 * time.Second, PlayCount: 2, Favorite: true, Played: true}
	cases := map[string]core.UserData{
		"nothing":  {ItemID: "0123456789abcdef0123456789abcdef"},
		"plain":    base,
		"dashes":   {ItemID: "01234567-89ab-cdef-0123-456789abcdef"},
		"odd id":   {ItemID: `a"b\c<d>é`},
		"rating":   func(d core.UserData) core.UserData { d.Rating = &rating; return d }(base),
		"likes":    func(d core.UserData) core.UserData { d.Likes = &likes; return d }(base),
		"last":     func(d core.UserData) core.UserData { d.LastPlayedAt = &played; return d }(base),
		"progress": func(d core.UserData) core.UserData { d.PlayedPercent = 12.5; return d }(base),
		"folder":   func(d core.UserData) core.UserData { d.UnplayedCount = &count; d.PlayedPercent = 40; return d }(base),
	}
	for name, d := range cases {
		want, err := encode(nil, toUserData(d))
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendUserData([]byte("prefix"), d)
		if err != nil || string(got) != "prefix"+string(want) {
			t.Errorf("%s:\n got %s (%v)\nwant prefix%s", name, got, err, want)
		}
	}
}
