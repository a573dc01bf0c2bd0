package jellyfin

import (
	"bytes"
	"encoding/json"
	goflag "flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// The golden files under testdata/golden pin the shapes of the main DTOs. Rewrite them with
// go test ./api/jellyfin -run TestGolden -update, and read the diff.
func init() {
	if goflag.Lookup("update") == nil { // another test file of the package may have made it
		goflag.Bool("update", false, "rewrite the golden files")
	}
}

func updateGolden() bool {
	f := goflag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

var (
	hexID    = regexp.MustCompile(`\b[0-9a-f]{32}\b`)
	jsonDate = regexp.MustCompile(`"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z"`)
)

// masker makes responses deterministic: known ids get names, other ids and hashes a number in
// order of appearance, dates of the test clock "<now>", and temporary folders their library's name.
type masker struct {
	names map[string]string
	paths map[string]string
}

func (m masker) mask(t *testing.T, body []byte) []byte {
	t.Helper()
	s := string(body)
	for p, name := range m.paths {
		s = strings.ReplaceAll(s, p, name)
	}
	s = jsonDate.ReplaceAllStringFunc(s, func(d string) string {
		if strings.HasPrefix(d, `"1999-03-31`) {
			return d // from the NFO: fixed
		}
		return `"<now>"`
	})
	seen := map[string]string{}
	s = hexID.ReplaceAllStringFunc(s, func(id string) string {
		if n, ok := m.names[id]; ok {
			return n
		}
		if _, ok := seen[id]; !ok {
			seen[id] = fmt.Sprintf("<hash-%d>", len(seen)+1)
		}
		return seen[id]
	})
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(s), "", "  "); err != nil {
		t.Fatalf("indent %s: %v", s, err)
	}
	return append(out.Bytes(), '\n')
}

func TestGolden(t *testing.T) {
	e, movies, shows := browseEnv(t)
	matrix := e.item(core.KindMovie, "The Matrix")
	dw := e.item(core.KindSeries, "Doctor Who")
	s1 := e.episode("Doctor Who", 1, 1)
	m := masker{names: map[string]string{jid(matrix.ID): "<matrix>", jid(dw.ID): "<doctor-who>", jid(s1.ID): "<s01e01>",
		jid(s1.ParentID): "<season-1>", jid(movies.ID): "<lib-movies>", jid(shows.ID): "<lib-shows>", e.adminID: "<admin>",
		e.h.ServerID: "<server>"},
		paths: map[string]string{movies.Paths[0]: "/media/movies", shows.Paths[0]: "/media/shows"}}
	// pick returns one element of a QueryResult.
	pick := func(i int) func([]byte) []byte {
		return func(b []byte) []byte {
			var res struct{ Items []json.RawMessage }
			if err := json.Unmarshal(b, &res); err != nil || len(res.Items) <= i {
				t.Fatalf("no item %d in %s", i, b)
			}
			return res.Items[i]
		}
	}
	whole := func(b []byte) []byte { return b }
	for _, tc := range []struct {
		file, path string
		part       func([]byte) []byte
	}{
		{"movie_detail.json", "/Items/" + jid(matrix.ID), whole},
		{"series_detail.json", "/Users/" + e.adminID + "/Items/" + jid(dw.ID), whole},
		{"season_in_list.json", "/Shows/" + jid(dw.ID) + "/Seasons?fields=PrimaryImageAspectRatio", pick(1)},
		{"episode_in_list.json", "/Shows/" + jid(dw.ID) + "/Episodes?fields=PrimaryImageAspectRatio,Overview,MediaSourceCount", pick(1)},
		{"library_view.json", "/UserViews", pick(0)},
		{"query_result.json", "/Items?parentId=" + jid(movies.ID) + "&sortBy=SortName&limit=2&startIndex=1&fields=PrimaryImageAspectRatio,ProviderIds,Genres", whole},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := m.mask(t, tc.part(e.want(http.StatusOK, e.do("GET", tc.path, e.admin, nil)).Body.Bytes()))
			path := filepath.Join("testdata", "golden", tc.file)
			if updateGolden() {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s changed; got:\n%s", tc.file, got)
			}
		})
	}
}
