package hls

import (
	"slices"
	"strings"
	"time"
)

// RenditionInfo is one rendition the manager holds, for the admin page.
type RenditionInfo struct {
	File string // the source's id (Source.ID)
	ID   string // the rendition's name in URLs (Spec.ID)
	Kind Kind
	// Copy is set when its video is copied, not encoded (always false for audio, which is
	// always encoded, lightly).
	Copy bool
	// Encoders is the number of ffmpeg runs producing it now; 0 when it is only served from
	// the cache.
	Encoders int
	// Users are the users whose requests started those runs, without repeats.
	Users []string
	// Used is when a request last asked for it.
	Used time.Time
}

// Renditions returns the renditions the manager holds (those in use and those used in the last
// ten minutes), the most recently used first.
func (m *Manager) Renditions() []RenditionInfo {
	m.mu.Lock()
	out := make([]RenditionInfo, 0, len(m.renditions))
	for _, r := range m.renditions {
		ri := RenditionInfo{File: r.src.ID, ID: r.spec.ID(), Kind: r.spec.Kind, Copy: r.spec.Kind == Video && r.spec.Copy,
			Encoders: len(r.heads), Used: r.used}
		for _, h := range r.heads {
			if !slices.Contains(ri.Users, h.user) {
				ri.Users = append(ri.Users, h.user)
			}
		}
		out = append(out, ri)
	}
	m.mu.Unlock()
	slices.SortFunc(out, func(a, b RenditionInfo) int {
		if c := b.Used.Compare(a.Used); c != 0 {
			return c
		}
		return strings.Compare(a.File+a.ID, b.File+b.ID)
	})
	return out
}
