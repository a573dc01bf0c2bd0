package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/nfo"
	"github.com/walros/walros/core/sidecar"
)

// sidecarExtensions are the files next to media that change what a scan records: NFOs, artwork
// and subtitles. A newer one makes the media files around it scanned again.
var sidecarExtensions = map[string]bool{
	".nfo": true, ".jpg": true, ".jpeg": true, ".png": true, ".webp": true, ".gif": true, ".tbn": true,
	".srt": true, ".ass": true, ".ssa": true, ".vtt": true, ".sup": true, ".idx": true, ".sub": true, ".smi": true,
	".sami": true, ".ttml": true, ".dfxp": true,
}

// folders remembers, for one scan, which items already got their folder's metadata: a series'
// tvshow.nfo is read once, not once per episode.
type folders struct {
	mu   sync.Mutex
	done map[core.ItemID]bool
}

func (f *folders) first(id core.ItemID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done == nil {
		f.done = map[core.ItemID]bool{}
	}
	if f.done[id] {
		return false
	}
	f.done[id] = true
	return true
}

// addSubtitles appends the file's sidecar subtitles to its streams, numbered after the embedded
// ones, as Jellyfin numbers external streams.
func addSubtitles(info *core.MediaInfo, subs []sidecar.Subtitle) {
	next := 0
	for _, s := range info.Streams {
		next = max(next, s.Index+1)
	}
	for _, sub := range subs {
		st := sub.Stream()
		st.Index = next
		info.Streams = append(info.Streams, st)
		next++
	}
}

// applyMetadata reads the NFOs and artwork that belong to the file's items and merges them into
// what is stored. A broken NFO is logged and skipped: it never fails the scan.
func (s *Scanner) applyMetadata(ctx context.Context, root string, f found, id identity, ids []core.ItemID, sc sidecar.Sidecars, r *run) {
	dir := filepath.Dir(f.path)
	for i, it := range id.items {
		if i >= len(ids) {
			return
		}
		leaf := i == len(id.items)-1
		var nfoPath string
		var images []core.Image
		switch {
		case leaf && (it.Kind == core.KindMovie || it.Kind == core.KindEpisode || it.Kind == core.KindVideo):
			nfoPath, images = sc.NFO, sc.Images
		case it.Kind == core.KindSeries && it.Path != "" && r.folders.first(ids[i]):
			nfoPath, images = folderSidecars(it.Path, sidecar.RoleSeries)
		case it.Kind == core.KindSeason && r.folders.first(ids[i]):
			if series := id.items[0].Path; series != "" {
				if dir != series {
					nfoPath, images = folderSidecars(dir, sidecar.RoleSeason)
				}
				if names, err := sidecar.List(series); err == nil && it.IndexNumber != nil {
					images = append(images, sidecar.SeasonImages(series, names, *it.IndexNumber)...)
				}
			}
		case it.Kind == core.KindMovie && !leaf && it.Path != "" && r.folders.first(ids[i]): // the movie of an extra
			nfoPath, images = folderSidecars(it.Path, sidecar.RoleMovie)
		case it.Kind == core.KindAlbum && it.Path != "" && r.folders.first(ids[i]):
			nfoPath, images = folderSidecars(it.Path, sidecar.RoleAlbum)
		case it.Kind == core.KindArtist && r.folders.first(ids[i]):
			if album := id.items[len(id.items)-2].Path; album != "" && filepath.Dir(album) != root && within(filepath.Dir(album), []string{root}) {
				nfoPath, images = folderSidecars(filepath.Dir(album), sidecar.RoleArtist)
			}
		default:
			continue
		}
		if nfoPath == "" && len(images) == 0 {
			continue
		}
		var m core.Metadata
		if nfoPath != "" {
			m = s.readNFO(ctx, nfoPath)
		}
		m.Images = append(images, m.Images...)
		s.merge(ctx, ids[i], m)
	}
}

func folderSidecars(dir string, role sidecar.Role) (string, []core.Image) {
	names, err := sidecar.List(dir)
	if err != nil {
		return "", nil
	}
	return sidecar.FolderNFO(dir, names, role), sidecar.ForFolder(dir, names, role)
}

func (s *Scanner) readNFO(ctx context.Context, path string) core.Metadata {
	f, err := os.Open(path)
	if err != nil {
		s.opt.Log.WarnContext(ctx, "unreadable NFO", "path", path, "err", err)
		return core.Metadata{}
	}
	defer f.Close()
	m, _, err := nfo.Parse(f)
	if err != nil {
		s.opt.Log.WarnContext(ctx, "broken NFO ignored", "path", path, "err", err)
	}
	return m
}

// merge applies m over the item's stored metadata in one store transaction: two files of one item
// (a movie and its trailer) are processed in parallel, and an admin may edit the item meanwhile.
func (s *Scanner) merge(ctx context.Context, id core.ItemID, m core.Metadata) {
	if s.meta == nil {
		return
	}
	if _, err := s.meta.UpdateMetadata(ctx, id, func(cur *core.Metadata) error {
		*cur = core.Merge(*cur, m)
		return nil
	}); err != nil {
		s.opt.Log.WarnContext(ctx, "save metadata", "item", id, "err", err)
	}
}

// sidecarTimes records the newest sidecar per folder, as a walk finds them.
type sidecarTimes map[string]time.Time

func (t sidecarTimes) saw(path string, mod time.Time) {
	if !sidecarExtensions[strings.ToLower(filepath.Ext(path))] {
		return
	}
	dir := filepath.Dir(path)
	if mod.After(t[dir]) {
		t[dir] = mod
	}
}

// newerThan reports whether a sidecar in the file's folder, or in a folder above it up to the
// root (a series' tvshow.nfo, an artist's folder art), changed after the file was last recorded.
func (t sidecarTimes) newerThan(root, path string, recorded time.Time) bool {
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		if t[dir].After(recorded) {
			return true
		}
		if dir == root || dir == filepath.Dir(dir) {
			return false
		}
	}
}
