package scan

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"golang.org/x/sys/unix"

	"github.com/walros/walros/core"
)

// WatchOptions tune Watch.
type WatchOptions struct {
	// Debounce is how long a library must be quiet after a change before it is scanned: a copy
	// writes many events, and one scan after the last is enough.
	Debounce time.Duration
	// Poll is how often folders that cannot be watched (network mounts, where inotify sees only
	// local changes, or when inotify runs out of watches) are rescanned.
	Poll time.Duration
	// Refresh is how often the library list is read again, to watch new libraries and folders.
	Refresh time.Duration
}

// watcher follows the libraries' folders and rescans a library after its files change.
type watcher struct {
	s    *Scanner
	libs core.LibraryStore
	opt  WatchOptions
	fsw  *fsnotify.Watcher

	mu      sync.Mutex
	roots   map[string]core.LibraryID // watched or polled library folders
	polled  map[string]bool
	changed map[core.LibraryID]chan time.Time // per-library loop, fed with the time of each change
}

// Watch watches every library's folders until ctx ends: a file written into a library becomes an
// item within about Debounce plus the time to probe it. Folders on network filesystems, and any
// that cannot be watched, are polled instead.
func (s *Scanner) Watch(ctx context.Context, opt WatchOptions) error {
	if opt.Debounce <= 0 {
		opt.Debounce = 300 * time.Millisecond
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Minute
	}
	if opt.Refresh <= 0 {
		opt.Refresh = 30 * time.Second
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer fsw.Close()
	w := &watcher{s: s, libs: s.libs, opt: opt, fsw: fsw, roots: map[string]core.LibraryID{}, polled: map[string]bool{},
		changed: map[core.LibraryID]chan time.Time{}}
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	w.sync(ctx, &wg)
	refresh := time.NewTicker(opt.Refresh)
	defer refresh.Stop()
	poll := time.NewTicker(opt.Poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-refresh.C:
			w.sync(ctx, &wg)
		case <-poll.C:
			w.mu.Lock()
			for root := range w.polled {
				w.notify(w.roots[root])
			}
			w.mu.Unlock()
		case ev, ok := <-fsw.Events:
			if !ok {
				return nil
			}
			w.event(ev)
		case err, ok := <-fsw.Errors:
			if !ok {
				return nil
			}
			// An overflowed queue means events were lost: rescan everything to catch up.
			s.opt.Log.WarnContext(ctx, "file watcher", "err", err)
			w.mu.Lock()
			for _, lib := range w.roots {
				w.notify(lib)
			}
			w.mu.Unlock()
		}
	}
}

// sync adds watches for libraries and folders that are new since the last call.
func (w *watcher) sync(ctx context.Context, wg *sync.WaitGroup) {
	libs, err := w.libs.Libraries(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.s.opt.Log.WarnContext(ctx, "list libraries to watch", "err", err)
		}
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range libs {
		if w.changed[l.ID] == nil {
			ch := make(chan time.Time, 1)
			w.changed[l.ID] = ch
			wg.Go(func() { w.loop(ctx, l.ID, ch) })
		}
		for _, root := range l.Paths {
			if _, ok := w.roots[root]; ok {
				continue
			}
			w.roots[root] = l.ID
			if networkFS(root) {
				w.s.opt.Log.InfoContext(ctx, "polling a network folder instead of watching it", "folder", root, "every", w.opt.Poll.String())
				w.polled[root] = true
				continue
			}
			if err := w.addTree(root); err != nil {
				w.s.opt.Log.WarnContext(ctx, "cannot watch folder; polling it instead", "folder", root, "err", err)
				w.polled[root] = true
			}
		}
	}
}

// addTree watches dir and every folder below it that a scan would enter.
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if path != dir && skipDir(d.Name()) {
			return filepath.SkipDir
		}
		return w.fsw.Add(path)
	})
}

// event marks the library of a changed path, and watches folders created in it.
func (w *watcher) event(ev fsnotify.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var lib core.LibraryID
	for root, id := range w.roots {
		if within(ev.Name, []string{root}) {
			lib = id
			break
		}
	}
	if lib == "" {
		return
	}
	if ev.Has(fsnotify.Create) {
		if err := w.addTree(ev.Name); err != nil && !isNotDir(err) {
			w.s.opt.Log.Warn("watch new folder", "folder", ev.Name, "err", err)
		}
	}
	if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) || ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.notify(lib)
	}
}

func isNotDir(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err == unix.ENOTDIR
}

// notify tells a library's loop that it changed now; w.mu is held.
func (w *watcher) notify(lib core.LibraryID) {
	ch := w.changed[lib]
	if ch == nil {
		return
	}
	now := time.Now()
	select {
	case ch <- now:
	default: // a change is already pending; its scan will see this one too
		select {
		case <-ch:
		default:
		}
		ch <- now
	}
}

// loop scans a library after each quiet period following a change, until a scan has started after
// the last change: a scan already running when the change happened may have walked past it.
func (w *watcher) loop(ctx context.Context, id core.LibraryID, changed <-chan time.Time) {
	for {
		var last time.Time
		select {
		case <-ctx.Done():
			return
		case last = <-changed:
		}
		quiet := time.NewTimer(w.opt.Debounce)
	debounce:
		for {
			select {
			case <-ctx.Done():
				quiet.Stop()
				return
			case last = <-changed:
				quiet.Reset(w.opt.Debounce)
			case <-quiet.C:
				break debounce
			}
		}
		for {
			lib, err := w.libs.Library(ctx, id)
			if err != nil {
				break // deleted meanwhile
			}
			p, err := w.s.Scan(ctx, lib, 0, nil)
			if err != nil && ctx.Err() == nil {
				w.s.opt.Log.WarnContext(ctx, "scan after a change", "library", lib.Name, "err", err)
			}
			if ctx.Err() != nil || err != nil || p.Started.After(last) {
				break
			}
		}
	}
}

// networkFS reports folders on filesystems where inotify does not see changes made by other
// machines: NFS, SMB/CIFS and FUSE mounts such as rclone.
func networkFS(path string) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return false
	}
	switch uint32(st.Type) {
	case 0x6969, // NFS
		0x517B,     // SMB
		0xFF534D42, // CIFS
		0xFE534D42, // SMB2
		0x65735546: // FUSE (rclone, sshfs...)
		return true
	}
	return false
}
