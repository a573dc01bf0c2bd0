package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/walros/walros/transcoder/segcache"
)

// job is one running encode. ffmpeg's stdout is appended to file, and each
// request following the job reads the file with ReadAt at its own offset.
// After Put renames the file into the cache the descriptor still reads it.
type job struct {
	key    string
	src    Source
	dir    string   // the scratch directory, removed by cleanup
	path   string   // dir/out.<ext>
	file   *os.File // written by ffmpeg's copier, read by followers
	short  bool     // finish even when every follower has left
	cancel context.CancelCauseFunc

	mu       sync.Mutex
	size     int64         // bytes written so far
	wake     chan struct{} // closed and replaced on every write and at the end
	done     bool
	err      error // why the encode failed; nil once done means complete
	writeErr error // the first error writing file
	readers  int   // followers attached
	cleaned  bool
}

// attach returns the running job for key with one more follower, or the
// cached transcode, or a new job with one follower. The cache lookup and the
// job map are read under t.mu, and a job is removed from the map under t.mu
// when it is Put, so a request finds either one and never starts a second
// encode of a finished transcode.
func (t *Transcoder) attach(ctx context.Context, key string, src Source, argv []string, e encoding) (*job, *os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, nil, errClosed
	}
	if j := t.jobs[key]; j != nil {
		j.mu.Lock()
		j.readers++
		j.mu.Unlock()
		return j, nil, nil
	}
	f, _, err := t.Cache.Get(key)
	switch {
	case err == nil:
		return nil, f, nil
	case !errors.Is(err, segcache.ErrNotFound):
		return nil, nil, fmt.Errorf("open cached transcode: %w", err)
	}

	dir, err := t.Cache.Scratch()
	if err != nil {
		return nil, nil, err
	}
	path := filepath.Join(dir, "out"+containers[e.Container].ext)
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("create scratch file: %w", err)
	}
	limit := t.Options.FinishShorterThan
	if limit == 0 {
		limit = DefaultFinishShorterThan
	}
	// The encode outlives the request that started it, but keeps its values
	// (request id) for the log.
	runCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	j := &job{key: key, src: src, dir: dir, path: path, file: file, cancel: cancel,
		short: src.Info.Duration > 0 && src.Info.Duration < limit,
		wake:  make(chan struct{}), readers: 1}
	if t.jobs == nil {
		t.jobs = make(map[string]*job)
	}
	t.jobs[key] = j
	t.wg.Add(1)
	go t.encode(runCtx, j, argv)
	return j, nil, nil
}

// encode runs ffmpeg for j and caches the result when it succeeds.
func (t *Transcoder) encode(ctx context.Context, j *job, argv []string) {
	defer t.wg.Done()
	defer j.cancel(nil)
	err := t.FFmpeg.Run(ctx, argv, jobWriter{j})
	if err == nil && ctx.Err() != nil {
		// ffmpeg 5 exits 255 on SIGINT, but a zero exit after a stop would
		// still mean a file cut short: never cache it.
		err = context.Cause(ctx)
	}
	j.mu.Lock()
	werr := j.writeErr
	j.mu.Unlock()

	t.mu.Lock()
	if t.jobs[j.key] == j {
		delete(t.jobs, j.key)
	}
	if err == nil {
		if perr := t.Cache.Put(j.key, j.path); perr != nil {
			// The followers got the whole stream; only the next request pays.
			t.log().WarnContext(ctx, "cache audio transcode", "file", j.src.ID, "err", perr)
		}
	}
	t.mu.Unlock()

	switch {
	case err == nil:
	case werr != nil: // ffmpeg then fails on a broken pipe: not the file's fault
		t.log().ErrorContext(ctx, "write audio transcode", "file", j.src.ID, "path", j.path, "err", werr)
		err = fmt.Errorf("write scratch file: %w", werr)
	case ctx.Err() != nil:
		t.log().DebugContext(ctx, "audio transcode stopped", "file", j.src.ID, "cause", context.Cause(ctx))
		err = context.Cause(ctx)
	default:
		err = t.encodeError(ctx, j.src, err)
	}

	j.mu.Lock()
	j.done, j.err = true, err
	close(j.wake)
	clean := j.readers == 0 && !j.cleaned
	j.cleaned = j.cleaned || clean
	j.mu.Unlock()
	if clean {
		t.cleanup(j)
	}
}

// follow copies j's output to w until the encode ends, ctx is done or w fails.
func (t *Transcoder) follow(ctx context.Context, w io.Writer, j *job) error {
	defer t.detach(j)
	buf := make([]byte, 64<<10)
	var off int64
	for {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		j.mu.Lock()
		size, done, err, wake := j.size, j.done, j.err, j.wake
		j.mu.Unlock()
		if off < size {
			n, rerr := j.file.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
			if n > 0 {
				if _, werr := w.Write(buf[:n]); werr != nil {
					return fmt.Errorf("write to client: %w", werr)
				}
				off += int64(n)
			}
			if rerr != nil && !errors.Is(rerr, io.EOF) {
				return fmt.Errorf("read scratch file: %w", rerr)
			}
			continue
		}
		if done {
			return err
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// detach removes a follower. The last one to leave a long encode stops it,
// and takes it out of the map at once, so that a new request starts afresh
// instead of following an encode that is being stopped.
func (t *Transcoder) detach(j *job) {
	t.mu.Lock()
	j.mu.Lock()
	j.readers--
	abandon := j.readers == 0 && !j.done && !j.short
	if abandon && t.jobs[j.key] == j {
		delete(t.jobs, j.key)
	}
	clean := j.readers == 0 && j.done && !j.cleaned
	j.cleaned = j.cleaned || clean
	j.mu.Unlock()
	t.mu.Unlock()
	if abandon {
		j.cancel(errAbandoned)
	}
	if clean {
		t.cleanup(j)
	}
}

// cleanup closes j's file and removes its scratch directory, with the partial
// file in it unless Put has moved it into the cache. It runs once, when the
// encode is done and no follower reads the file.
func (t *Transcoder) cleanup(j *job) {
	if err := j.file.Close(); err != nil {
		t.log().Warn("close audio scratch file", "path", j.path, "err", err)
	}
	if err := os.RemoveAll(j.dir); err != nil {
		t.log().Warn("remove audio scratch dir", "path", j.dir, "err", err)
	}
}

// jobWriter appends ffmpeg's output to the job's file and wakes its followers.
type jobWriter struct{ j *job }

func (w jobWriter) Write(p []byte) (int, error) {
	w.j.mu.Lock()
	defer w.j.mu.Unlock()
	if w.j.done { // os/exec gave up waiting for this copy (WaitDelay)
		return 0, os.ErrClosed
	}
	n, err := w.j.file.Write(p)
	w.j.size += int64(n)
	if err != nil && w.j.writeErr == nil {
		w.j.writeErr = err
	}
	close(w.j.wake)
	w.j.wake = make(chan struct{})
	return n, err
}
