package naming

import (
	"slices"
	"strconv"
	"strings"
)

// MovieKey identifies a movie by its folded title and year, so that
// "The.Matrix.1999.1080p" and "The Matrix (1999) - 4K" share a key:
// "the matrix (1999)". It is "" when r has no title.
func MovieKey(r Result) string { return movieKey(r.Title, r.Year) }

func movieKey(title string, year int) string {
	k := fold(title)
	if k == "" || year == 0 {
		return k
	}
	return k + " (" + strconv.Itoa(year) + ")"
}

// VersionLabel names one version of a movie among others by its resolution,
// HDR format and edition, as "2160p HDR Director's Cut"; by its source when it
// has none of them; "" when the name says nothing.
func VersionLabel(r Result) string {
	var parts []string
	for _, p := range []string{r.Resolution, r.HDR, r.Edition} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return r.Source
	}
	return strings.Join(parts, " ")
}

// GroupVersions groups the paths that hold one movie, following Jellyfin's
// rules for a movie folder: files in one folder that start with the folder's
// name ("Movie (2010)/Movie (2010) - 4K.mkv"), or that parse to the same title
// and year ("Movies/Heat.1995.1080p.mkv", "Movies/Heat.1995.2160p.HDR.mkv"),
// are versions or parts of one movie. Paths that are not movies (episodes,
// extras) stay alone. Each group lists the highest resolution first, then
// sorts by path; groups come in the order of their first path.
func GroupVersions(paths []string) [][]string {
	type member struct {
		path   string
		height int
	}
	var order []string
	groups := make(map[string][]member, len(paths))
	for _, p := range paths {
		r := ParseWithHint(p, HintMovie)
		key := "\x00" + p
		if r.Type == TypeMovie && r.Title != "" {
			dir, file := splitDir(p)
			mk := MovieKey(r)
			if folder := lastDir(dir); folder != "" && sharesPrefix(stripExt(file), folder) {
				if f := parseName(capName(folder), opts{}); f.title != "" {
					mk = movieKey(f.title, f.year)
				}
			}
			key = dir + "\x00" + mk
		}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], member{p, height(r.Resolution)})
	}
	out := make([][]string, 0, len(order))
	for _, k := range order {
		ms := groups[k]
		slices.SortStableFunc(ms, func(a, b member) int {
			if a.height != b.height {
				return b.height - a.height
			}
			return strings.Compare(a.path, b.path)
		})
		g := make([]string, len(ms))
		for i, m := range ms {
			g[i] = m.path
		}
		out = append(out, g)
	}
	return out
}

// splitDir splits a path after its last slash of either kind.
func splitDir(p string) (dir, file string) {
	i := strings.LastIndexAny(p, `/\`)
	return p[:i+1], p[i+1:]
}

// lastDir returns the last folder name of dir ("a/b/" gives "b").
func lastDir(dir string) string {
	d := strings.TrimRight(dir, `/\`)
	return d[strings.LastIndexAny(d, `/\`)+1:]
}

// sharesPrefix reports whether a file name starts with its folder's name,
// alone or followed by a separator: "Movie (2010) - 1080p" in "Movie (2010)".
func sharesPrefix(base, folder string) bool {
	if len(base) < len(folder) || !strings.EqualFold(base[:len(folder)], folder) {
		return false
	}
	return len(base) == len(folder) || strings.IndexByte(" -._[({", base[len(folder)]) >= 0
}

// height returns the number of lines of a resolution such as "1080p".
func height(res string) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(res, "p"))
	return n
}
