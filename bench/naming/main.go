// Command naming measures the release-name parser (core/naming) on public
// corpora of real release names with expected values: the test tables of
// github.com/moistari/rls (tests.yaml) and github.com/razsteinmetz/go-ptn
// (testdata.json). It fetches them at run time with `go mod download`, into the
// module cache, and never keeps a copy in this repository.
//
//	go run ./bench/naming             # accuracy per corpus, per field and exact
//	go run ./bench/naming -v -n 100   # and the first 100 failures
//
// Only the fields a corpus states for a name are scored: title, year,
// season, episode, and the air date of daily shows. A title is right when it
// matches ignoring case and punctuation ("Avengers: Endgame" is "Avengers
// Endgame", "S.H.I.E.L.D." is "S H I E L D", "Marvel's" is "Marvels"). An
// episode number is right as Episode, or as Absolute when the corpus gives no
// season ("[Group] Show - 862"). A name is exactly right when every scored
// field is. Entries that are not films or TV (music, games, apps, books...)
// and the synthetic strings of a parser's own lexer tests are skipped and
// counted, with the reason.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/walros/walros/core/naming"
)

// entry is one name of a corpus and the fields the corpus states for it.
type entry struct {
	corpus string
	name   string
	kind   string // movie or episode, as the corpus says
	title  *string
	year   *int
	season *int
	ep     *int
	date   string // YYYY-MM-DD, for daily shows
}

// corpus is one downloaded table of names.
type corpus struct {
	name, module, version string
	entries               []entry
	skipped               map[string]int // reason -> count
}

func main() {
	log.SetFlags(0)
	verbose := flag.Bool("v", false, "list failures")
	limit := flag.Int("n", 40, "failures to list with -v (0 for all)")
	rlsVersion := flag.String("rls", "v0.6.0", "version of github.com/moistari/rls")
	ptnVersion := flag.String("ptn", "v1.0.0", "version of github.com/razsteinmetz/go-ptn")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "walros-bench-naming-")
	check(err)
	defer os.RemoveAll(tmp)

	rls := &corpus{name: "rls", module: "github.com/moistari/rls", version: *rlsVersion, skipped: map[string]int{}}
	readRLS(rls, filepath.Join(download(tmp, rls.module, rls.version), "tests.yaml"))
	ptn := &corpus{name: "go-ptn", module: "github.com/razsteinmetz/go-ptn", version: *ptnVersion, skipped: map[string]int{}}
	readPTN(ptn, filepath.Join(download(tmp, ptn.module, ptn.version), "testdata.json"))

	// The total counts a name found in both corpora once, as the first states it.
	total := &corpus{name: "total (distinct names)", skipped: map[string]int{}}
	seen := map[string]bool{}
	for _, c := range []*corpus{rls, ptn} {
		for _, e := range c.entries {
			if !seen[e.name] {
				seen[e.name] = true
				total.entries = append(total.entries, e)
			}
		}
	}
	var failures []string
	for _, c := range []*corpus{rls, ptn, total} {
		f := report(c)
		if c != total {
			failures = append(failures, f...)
		}
	}
	if *verbose {
		n := len(failures)
		if *limit > 0 {
			n = min(n, *limit)
		}
		fmt.Printf("\nfirst %d of %d failures (corpus: name / want / got):\n", n, len(failures))
		for _, f := range failures[:n] {
			fmt.Println(f)
		}
	}
}

// download fetches module@version into the module cache and returns its directory.
func download(tmp, module, version string) string {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = tmp // outside any module, so nothing here changes go.mod
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GO111MODULE=on")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	runErr := cmd.Run()
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out.Bytes(), &info); err != nil || info.Error != "" || info.Dir == "" {
		log.Fatalf("go mod download %s@%s: %v %s %s", module, version, runErr, info.Error, errb.String())
	}
	return info.Dir
}

// readRLS reads rls's tests.yaml: a map from a quoted release name to the
// fields rls expects, one "  key: value" a line.
func readRLS(c *corpus, path string) {
	f, err := os.Open(path)
	check(err)
	defer f.Close()
	type raw struct {
		name   string
		fields map[string]string
	}
	var all []raw
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, `"`) && strings.HasSuffix(line, `":`):
			name, err := strconv.Unquote(line[:len(line)-1])
			if err != nil {
				c.skipped["name the bench cannot unquote"]++
				all = append(all, raw{name: "\x00", fields: map[string]string{}})
				continue
			}
			all = append(all, raw{name: name, fields: map[string]string{}})
		case strings.HasPrefix(line, "  ") && len(all) > 0:
			k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
			if !ok {
				continue
			}
			if u, err := strconv.Unquote(v); err == nil {
				v = u
			}
			all[len(all)-1].fields[k] = v
		}
	}
	check(sc.Err())
	for _, r := range all {
		if r.name == "\x00" {
			continue
		}
		typ := r.fields["type"]
		switch {
		case typ == "":
			c.skipped["no type: tokeniser tests (bare words, punctuation)"]++
			continue
		case typ != "movie" && typ != "episode" && typ != "series":
			c.skipped["not film or TV: "+typ]++
			continue
		case strings.ContainsAny(r.name, "\t\n\r\f") || strings.Contains(r.name, "[[") || strings.Contains(r.name, "{{"):
			c.skipped["synthetic: IRC-announce markup ([[meta]], {{password}}) or control characters"]++
			continue
		}
		e := entry{corpus: c.name, name: r.name, kind: "movie"}
		if typ != "movie" {
			e.kind = "episode"
		}
		if t, ok := r.fields["title"]; ok {
			e.title = &t
		}
		e.year = intField(r.fields, "year")
		e.season = intField(r.fields, "series")
		e.ep = intField(r.fields, "episode")
		if m, d := intField(r.fields, "month"), intField(r.fields, "day"); m != nil && d != nil && e.year != nil {
			e.date = fmt.Sprintf("%04d-%02d-%02d", *e.year, *m, *d)
		}
		c.entries = append(c.entries, e)
	}
}

func intField(fields map[string]string, k string) *int {
	v, ok := fields[k]
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil
	}
	return &n
}

// readPTN reads go-ptn's testdata.json: every entry is a film or an episode.
func readPTN(c *corpus, path string) {
	b, err := os.ReadFile(path)
	check(err)
	var rows []struct {
		Fname  string `json:"fname"`
		Wanted struct {
			Title   *string `json:"title"`
			Year    *int    `json:"year"`
			Season  *int    `json:"season"`
			Episode *int    `json:"episode"`
			IsMovie bool    `json:"ismovie"`
		} `json:"wanted"`
	}
	check(json.Unmarshal(b, &rows))
	for _, r := range rows {
		e := entry{corpus: c.name, name: r.Fname, kind: "episode", title: r.Wanted.Title,
			year: r.Wanted.Year, season: r.Wanted.Season, ep: r.Wanted.Episode}
		if r.Wanted.IsMovie {
			e.kind = "movie"
		}
		c.entries = append(c.entries, e)
	}
}

var fields = []string{"title", "year", "season", "episode", "date"}

// score compares one verdict with the corpus: for each field it states,
// whether the parser got it right.
func score(e entry, r naming.Result) map[string]bool {
	s := map[string]bool{}
	if e.title != nil {
		s["title"] = naming.Fold(r.Title) == naming.Fold(*e.title)
	}
	if e.year != nil {
		s["year"] = r.Year == *e.year || e.date != "" && strings.HasPrefix(r.Date, strconv.Itoa(*e.year)+"-")
	}
	if e.season != nil {
		s["season"] = r.Season != nil && *r.Season == *e.season
	}
	if e.ep != nil {
		s["episode"] = r.Episode != nil && *r.Episode == *e.ep ||
			r.Episode == nil && e.season == nil && r.Absolute != nil && *r.Absolute == *e.ep
	}
	if e.date != "" {
		s["date"] = r.Date == e.date
	}
	return s
}

// report prints a corpus's figures and returns its failures.
func report(c *corpus) []string {
	right, stated := map[string]int{}, map[string]int{}
	exact, typeRight := 0, 0
	var failures []string
	for _, e := range c.entries {
		r := naming.Parse(asFileName(e.name))
		s := score(e, r)
		ok := true
		for k, v := range s {
			stated[k]++
			if v {
				right[k]++
			} else {
				ok = false
			}
		}
		if r.Type == e.kind {
			typeRight++
		}
		if ok {
			exact++
		} else {
			failures = append(failures, fmt.Sprintf("%s: %q\n    want %s\n    got  %s", e.corpus, e.name, want(e), got(r)))
		}
	}
	fmt.Printf("== %s", c.name)
	if c.module != "" {
		fmt.Printf(" (%s@%s)", c.module, c.version)
	}
	fmt.Printf(": %d names scored", len(c.entries))
	skipped := 0
	for _, n := range c.skipped {
		skipped += n
	}
	if skipped > 0 {
		fmt.Printf(", %d skipped", skipped)
	}
	fmt.Println()
	reasons := make([]string, 0, len(c.skipped))
	for k := range c.skipped {
		reasons = append(reasons, k)
	}
	sort.Slice(reasons, func(i, j int) bool { return c.skipped[reasons[i]] > c.skipped[reasons[j]] })
	for _, k := range reasons {
		fmt.Printf("   skipped %4d  %s\n", c.skipped[k], k)
	}
	for _, k := range fields {
		if stated[k] > 0 {
			fmt.Printf("   %-8s %4d/%-4d %5.1f%%\n", k, right[k], stated[k], pct(right[k], stated[k]))
		}
	}
	fmt.Printf("   %-8s %4d/%-4d %5.1f%%   (title, year, season, episode and date, where stated)\n",
		"exact", exact, len(c.entries), pct(exact, len(c.entries)))
	fmt.Printf("   %-8s %4d/%-4d %5.1f%%   (movie or episode; not part of exact)\n",
		"type", typeRight, len(c.entries), pct(typeRight, len(c.entries)))
	return failures
}

// asFileName makes a release name one path component: a slash inside a
// torrent's name ("(CamRip / 2014)") is no folder.
func asFileName(s string) string {
	return strings.NewReplacer("/", " ", `\`, " ").Replace(s)
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func want(e entry) string {
	var parts []string
	parts = append(parts, e.kind)
	if e.title != nil {
		parts = append(parts, strconv.Quote(*e.title))
	}
	if e.year != nil {
		parts = append(parts, fmt.Sprintf("year=%d", *e.year))
	}
	if e.season != nil {
		parts = append(parts, fmt.Sprintf("season=%d", *e.season))
	}
	if e.ep != nil {
		parts = append(parts, fmt.Sprintf("episode=%d", *e.ep))
	}
	if e.date != "" {
		parts = append(parts, "date="+e.date)
	}
	return strings.Join(parts, " ")
}

func got(r naming.Result) string {
	parts := []string{r.Type, strconv.Quote(r.Title)}
	if r.Year != 0 {
		parts = append(parts, fmt.Sprintf("year=%d", r.Year))
	}
	if r.Season != nil {
		parts = append(parts, fmt.Sprintf("season=%d", *r.Season))
	}
	if r.Episode != nil {
		parts = append(parts, fmt.Sprintf("episode=%d", *r.Episode))
	}
	if r.Absolute != nil {
		parts = append(parts, fmt.Sprintf("absolute=%d", *r.Absolute))
	}
	if r.Date != "" {
		parts = append(parts, "date="+r.Date)
	}
	return strings.Join(parts, " ")
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
