// Package scan walks library folders and turns the media files in them into items: new files are
// probed and identified, unchanged ones skipped, moved ones recognised, vanished ones removed after
// a grace period, and nothing is deleted while a library's disk is unreachable.
package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/sidecar"
)

// Options tune a Scanner.
type Options struct {
	Parallel    int           // files probed at once; GOMAXPROCS when zero
	DeleteGrace time.Duration // how long a vanished file keeps its item; 0 removes it in the scan that finds it gone
	Exclude     []string      // folders never scanned, such as Walros's own data directory
	// Metadata receives what NFO files and local artwork say; nil leaves sidecars unread.
	Metadata core.MetadataStore
	// Items reads items for Identify; nil turns it off.
	Items core.ItemStore
	// Providers are asked, in order, about new items that lack metadata, after their files are
	// recorded; none keeps Walros offline.
	Providers []core.Provider
	Now       core.Clock
	NewID     func() string
	Log       *slog.Logger
	// OnFinish, when set, is called with the final progress of every scan, failed ones included,
	// before the scan's waiters are released. It runs on the scan's goroutine and must not block:
	// facades use it to tell connected clients that a library changed.
	OnFinish func(Progress)
}

// Scanner scans libraries, one scan per library at a time.
type Scanner struct {
	media  core.MediaStore
	meta   core.MetadataStore
	libs   core.LibraryStore
	prober core.Prober
	opt    Options

	mu      sync.Mutex
	running map[core.LibraryID]*run

	// Background scans run on base, which Close cancels, and are counted in wg.
	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns a scanner of the libraries in libs that records what it finds in media and probes
// files with prober.
func New(media core.MediaStore, libs core.LibraryStore, prober core.Prober, opt Options) *Scanner {
	if opt.Parallel <= 0 {
		opt.Parallel = runtime.GOMAXPROCS(0)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	base, cancel := context.WithCancel(context.Background())
	return &Scanner{media: media, meta: opt.Metadata, libs: libs, prober: prober, opt: opt, running: map[core.LibraryID]*run{},
		base: base, cancel: cancel}
}

// Close stops the background scans and waits for them; what they recorded so far stays.
func (s *Scanner) Close() {
	s.cancel()
	s.wg.Wait()
}

// Status returns the progress of the library's running or last scan; only admins may ask, and a
// library never scanned since the server started is ErrNotFound.
func (s *Scanner) Status(c core.Caller, lib core.LibraryID) (Progress, error) {
	if !c.Admin {
		return Progress{}, core.ErrForbidden
	}
	s.mu.Lock()
	r := s.running[lib]
	s.mu.Unlock()
	if r == nil {
		return Progress{}, fmt.Errorf("no scan of library %s: %w", lib, core.ErrNotFound)
	}
	return r.progress(), nil
}

// Start begins scanning a library in the background, unless a scan of it is already running, and
// returns its progress; only admins may. The scan belongs to the scanner, not to ctx: a client
// leaving does not stop it, Close does.
func (s *Scanner) Start(ctx context.Context, c core.Caller, id core.LibraryID) (Progress, error) {
	if !c.Admin {
		return Progress{}, core.ErrForbidden
	}
	lib, err := s.libs.Library(ctx, id)
	if err != nil {
		return Progress{}, err
	}
	r, started := s.begin(lib)
	if started {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.scan(s.base, lib, r)
		}()
	}
	return r.progress(), nil
}

// Scan scans lib and waits for the end, calling onProgress about every interval (and once at the
// end) when it is not nil. If a scan of lib is already running, it waits for that one.
func (s *Scanner) Scan(ctx context.Context, lib core.Library, interval time.Duration, onProgress func(Progress)) (Progress, error) {
	r, started := s.begin(lib)
	if started {
		go s.scan(ctx, lib, r)
	}
	var tick <-chan time.Time
	if onProgress != nil && interval > 0 {
		t := time.NewTicker(interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-r.done:
			p := r.progress()
			if onProgress != nil {
				onProgress(p)
			}
			if p.Err != "" {
				return p, errors.New(p.Err)
			}
			return p, nil
		case <-tick:
			onProgress(r.progress())
		case <-ctx.Done():
			return r.progress(), ctx.Err()
		}
	}
}

func (s *Scanner) begin(lib core.Library) (*run, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.running[lib.ID]; r != nil {
		select {
		case <-r.done:
		default:
			return r, false
		}
	}
	r := &run{p: Progress{Library: lib.ID, Started: s.opt.Now()}, done: make(chan struct{})}
	r.walking.Store(true)
	s.running[lib.ID] = r
	return r, true
}

func (s *Scanner) scan(ctx context.Context, lib core.Library, r *run) {
	err := s.scanLibrary(ctx, lib, r)
	r.walking.Store(false)
	r.mu.Lock()
	r.p.Finished = s.opt.Now()
	if err != nil {
		r.p.Err = err.Error()
	}
	r.mu.Unlock()
	p := r.progress()
	if err != nil {
		s.opt.Log.ErrorContext(ctx, "scan failed", "library", lib.Name, "err", err)
	} else {
		s.opt.Log.InfoContext(ctx, "scan finished", "library", lib.Name, "found", p.Found, "probed", p.Probed,
			"failed", p.Failed, "moved", p.Moved, "missing", p.Missing, "removed", p.Removed,
			"duration", p.Finished.Sub(p.Started).Round(time.Millisecond).String())
	}
	if s.opt.OnFinish != nil {
		s.opt.OnFinish(p)
	}
	close(r.done)
}

func (s *Scanner) scanLibrary(ctx context.Context, lib core.Library, r *run) error {
	known, err := s.media.LibraryFiles(ctx, lib.ID)
	if err != nil {
		return err
	}
	byPath := make(map[string]core.MediaFile, len(known))
	for _, f := range known {
		byPath[f.Path] = f
	}

	// Roots first: an unreachable one marks the library offline, and its files are left alone.
	var online, offline []string
	for _, root := range lib.Paths {
		n := 0
		for _, f := range known {
			if within(f.Path, []string{root}) {
				n++
			}
		}
		if err := rootState(root, n); err != nil {
			s.opt.Log.WarnContext(ctx, "library folder unreachable; nothing in it is removed", "library", lib.Name,
				"folder", root, "err", err)
			offline = append(offline, root)
			continue
		}
		online = append(online, root)
	}
	r.mu.Lock()
	r.p.Offline = offline
	r.mu.Unlock()
	now := s.opt.Now().UTC()
	switch {
	case len(offline) > 0 && lib.OfflineSince == nil:
		err = s.media.SetLibraryOffline(ctx, lib.ID, &now)
	case len(offline) == 0 && lib.OfflineSince != nil:
		err = s.media.SetLibraryOffline(ctx, lib.ID, nil)
	}
	if err != nil {
		return err
	}

	// Walk, sorting what is found into unchanged, returned, new or changed.
	allowed := resolveRoots(lib.Paths)
	seen := make(map[string]bool, len(known))
	times := sidecarTimes{}
	var media []found
	for _, root := range online {
		err := walkRoot(root, allowed, s.opt.Exclude, times.saw, func(f found) {
			r.found.Add(1)
			seen[f.path] = true
			media = append(media, f)
		})
		if err != nil {
			return fmt.Errorf("walk %s: %w", root, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	var work []found
	for _, f := range media {
		k, ok := byPath[f.path]
		unchanged := ok && k.Size == f.size && k.ModTime.Equal(f.modTime.UTC()) && (k.Inode == 0 || k.Inode == f.inode) &&
			!times.newerThan(f.root, f.path, k.UpdatedAt)
		if !unchanged {
			work = append(work, f)
			continue
		}
		// Unchanged, even if it failed to probe: a broken file stays broken until it changes.
		r.unchanged.Add(1)
		if k.MissingSince != nil { // back after being missing
			if err := s.media.MoveFile(ctx, k.ID, f.path, f.modTime, f.inode); err != nil {
				s.opt.Log.WarnContext(ctx, "clear missing mark", "path", f.path, "err", err)
			}
		}
	}
	r.walking.Store(false)

	// Known files no longer where they were: moved (same size and content hash), or missing.
	var gone []core.MediaFile
	for _, k := range known {
		if !seen[k.Path] && !within(k.Path, offline) {
			gone = append(gone, k)
		}
	}
	work, gone = s.matchMoves(ctx, work, gone, byPath, r)
	r.toProbe.Store(int64(len(work)))

	if err := s.probeAll(ctx, lib, work, byPath, r); err != nil {
		return err
	}

	ids := make([]core.FileID, len(gone))
	for i, g := range gone {
		ids[i] = g.ID
	}
	r.missing.Store(int64(len(gone)))
	if err := s.media.MarkMissing(ctx, ids, now); err != nil {
		return err
	}
	if len(offline) == 0 { // delete nothing while part of the library is unreachable
		n, err := s.media.PurgeMissing(ctx, lib.ID, now.Add(-s.opt.DeleteGrace))
		r.removed.Store(int64(n))
		if err != nil {
			return err
		}
	}
	s.enrich(ctx, r)
	s.syncCollections(ctx, lib.ID)
	return nil
}

// matchMoves finds, among new files, those with the size and content hash of a vanished one: the
// same file moved or renamed, which keeps its item (and so its play state).
func (s *Scanner) matchMoves(ctx context.Context, work []found, gone []core.MediaFile, byPath map[string]core.MediaFile, r *run) ([]found, []core.MediaFile) {
	if len(gone) == 0 {
		return work, gone
	}
	bySize := map[int64][]int{}
	for i, g := range gone {
		if g.HeadHash != "" {
			bySize[g.Size] = append(bySize[g.Size], i)
		}
	}
	moved := map[int]bool{}
	rest := work[:0:0]
	for _, f := range work {
		if _, known := byPath[f.path]; known || len(bySize[f.size]) == 0 {
			rest = append(rest, f)
			continue
		}
		h, err := headHash(f.path, f.size)
		match := -1
		for _, i := range bySize[f.size] {
			if err == nil && !moved[i] && gone[i].HeadHash == h {
				match = i
				break
			}
		}
		if match < 0 {
			rest = append(rest, f)
			continue
		}
		if err := s.media.MoveFile(ctx, gone[match].ID, f.path, f.modTime, f.inode); err != nil {
			s.opt.Log.WarnContext(ctx, "record move", "from", gone[match].Path, "to", f.path, "err", err)
			rest = append(rest, f)
			continue
		}
		moved[match] = true
		r.moved.Add(1)
		s.opt.Log.InfoContext(ctx, "file moved", "from", gone[match].Path, "to", f.path)
	}
	stillGone := gone[:0:0]
	for i, g := range gone {
		if !moved[i] {
			stillGone = append(stillGone, g)
		}
	}
	return rest, stillGone
}

// probeAll probes and identifies files with Parallel workers; a file that fails is recorded as
// failed and the scan goes on.
func (s *Scanner) probeAll(ctx context.Context, lib core.Library, work []found, byPath map[string]core.MediaFile, r *run) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan found)
	var wg sync.WaitGroup
	for range min(s.opt.Parallel, max(len(work), 1)) {
		wg.Go(func() {
			for f := range jobs {
				failed, err := s.probeOne(ctx, lib, f, byPath[f.path], r)
				if err != nil {
					cancel(err) // a store failure stops the scan; a bad file only counts as failed
				}
				if failed {
					r.failed.Add(1)
				}
				r.probed.Add(1)
			}
		})
	}
feed:
	for _, f := range work {
		select {
		case jobs <- f:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	return context.Cause(ctx)
}

// probeOne probes and identifies one file and records the result. It reports whether the file
// failed to probe; an error means the result could not be recorded.
func (s *Scanner) probeOne(ctx context.Context, lib core.Library, f found, known core.MediaFile, r *run) (bool, error) {
	now := s.opt.Now().UTC()
	file := core.MediaFile{ID: known.ID, LibraryID: lib.ID, Path: f.path, Size: f.size, ModTime: f.modTime.UTC(),
		Inode: f.inode, CreatedAt: known.CreatedAt, UpdatedAt: now}
	if file.ID == "" {
		file.ID, file.CreatedAt = core.FileID(s.opt.NewID()), now
	}
	var err error
	if file.HeadHash, err = headHash(f.path, f.size); err != nil {
		return true, s.recordFailure(ctx, lib, file, err)
	}
	info, err := s.prober.Probe(ctx, f.path)
	if err != nil {
		if ctx.Err() != nil {
			return false, nil // the scan is stopping; the file will be probed next time
		}
		return true, s.recordFailure(ctx, lib, file, err)
	}
	file.Info = info
	id := identifier{lib: lib, now: now, newID: s.opt.NewID}.identify(f.root, f.path, info)
	file.Part, file.Version = id.part, id.version
	var sc sidecar.Sidecars
	siblings, err := sidecar.List(filepath.Dir(f.path))
	if err == nil && len(id.items) > 0 {
		leaf := id.items[len(id.items)-1]
		role, owns := sidecar.RoleMovie, false
		switch leaf.Kind {
		case core.KindEpisode, core.KindVideo:
			role = sidecar.RoleEpisode
		case core.KindMovie:
			owns = ownsFolder(f.root, f.path, siblings, leaf.MatchKey)
		case core.KindTrack:
			role = 0
		}
		sc = sidecar.ForMedia(f.path, siblings, sidecar.Options{Role: role, OwnsFolder: owns})
		addSubtitles(&file.Info, sc.Subtitles)
	}
	_, ids, err := s.media.ApplyFile(ctx, core.FileUpdate{File: file, Items: id.items})
	if err != nil {
		return false, err
	}
	if s.meta != nil {
		s.applyMetadata(ctx, f.root, f, id, ids, sc, r)
	}
	r.touched.add(id.items, ids)
	return false, nil
}

// recordFailure keeps a file that could not be probed, with the reason, and no item: it is not
// playable, but an admin can see why.
func (s *Scanner) recordFailure(ctx context.Context, lib core.Library, file core.MediaFile, err error) error {
	s.opt.Log.WarnContext(ctx, "file not playable", "library", lib.Name, "path", file.Path, "err", err)
	file.ProbeError = err.Error()
	if len(file.ProbeError) > 500 {
		file.ProbeError = file.ProbeError[:500]
	}
	_, _, err = s.media.ApplyFile(ctx, core.FileUpdate{File: file})
	return err
}
