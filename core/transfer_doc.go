package core

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// ParseTransfer reads a transfer document; anything but one JSON document is ErrInvalid.
func ParseTransfer(r io.Reader) (TransferDoc, error) {
	dec := json.NewDecoder(r)
	var doc TransferDoc
	if err := dec.Decode(&doc); err != nil {
		return TransferDoc{}, Invalid("document", "is not a transfer document: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return TransferDoc{}, Invalid("document", "has data after its end")
	}
	return doc, nil
}

// validate checks a whole document before anything is written.
func (doc *TransferDoc) validate() error {
	if doc.Format != TransferFormat {
		return Invalid("format", "must be %q", TransferFormat)
	}
	if doc.Version != TransferVersion {
		return Invalid("version", "must be %d (this server reads no other)", TransferVersion)
	}
	if len(doc.Items) > MaxTransferItems {
		return Invalid("items", "a document describes at most %d items", MaxTransferItems)
	}
	n := len(doc.UserData) + len(doc.History) + len(doc.Watchlist)
	for _, l := range doc.Lists {
		n += len(l.Items)
	}
	for _, p := range doc.Playlists {
		n += len(p.Items)
	}
	if n > MaxTransferEntries {
		return Invalid("document", "holds at most %d entries", MaxTransferEntries)
	}
	known := make(map[ItemID]bool, len(doc.Items))
	for i, it := range doc.Items {
		if it.ID == "" || known[it.ID] {
			return Invalid("items", "item %d: ids must be present and unique", i)
		}
		known[it.ID] = true
		if !slices.Contains(ItemKinds, it.Kind) {
			return Invalid("items", "item %d: unknown kind %q", i, it.Kind)
		}
		if !text(it.Title, true) || !providerIDs(it.ProviderIDs) {
			return Invalid("items", "item %d: title and provider ids must be short text", i)
		}
		for _, p := range []*TransferParent{it.Series, it.Album} {
			if p != nil && (!text(p.Title, false) || !providerIDs(p.ProviderIDs)) {
				return Invalid("items", "item %d: its series or album must be short text", i)
			}
		}
	}
	ref := func(section string, i int, id ItemID) error {
		if !known[id] {
			return Invalid(section, "entry %d names an item the document does not describe", i)
		}
		return nil
	}
	seen := map[ItemID]bool{}
	for i, d := range doc.UserData {
		if err := ref("userData", i, d.Item); err != nil {
			return err
		}
		if seen[d.Item] {
			return Invalid("userData", "entry %d: one entry per item", i)
		}
		seen[d.Item] = true
		if d.PositionMS < 0 || d.PlayCount < 0 || d.Rating != nil && (*d.Rating < 0 || *d.Rating > 10 || math.IsNaN(*d.Rating)) {
			return Invalid("userData", "entry %d: positions and counts must not be negative, ratings are 0 to 10", i)
		}
	}
	for i, p := range doc.History {
		if err := ref("history", i, p.Item); err != nil {
			return err
		}
		switch {
		case p.StoppedAt.IsZero() || p.StartedAt.After(p.StoppedAt):
			return Invalid("history", "entry %d: a session stops after it starts", i)
		case p.WatchedMS < 0 || p.PositionMS < 0:
			return Invalid("history", "entry %d: durations must not be negative", i)
		case !slices.Contains([]PlayMethod{"", PlayDirect, PlayRemux, PlayTranscode}, p.Method):
			return Invalid("history", "entry %d: unknown method %q", i, p.Method)
		}
	}
	entries := func(section string, es []TransferEntry) error {
		if len(es) > MaxListItems {
			return Invalid(section, "a list holds at most %d items", MaxListItems)
		}
		for i, e := range es {
			if err := ref(section, i, e.Item); err != nil {
				return err
			}
		}
		return nil
	}
	if err := entries("watchlist", doc.Watchlist); err != nil {
		return err
	}
	if len(doc.Lists) > MaxListsPerUser {
		return Invalid("lists", "a user keeps at most %d lists", MaxListsPerUser)
	}
	names := map[string]bool{}
	for i, l := range doc.Lists {
		name, err := checkListName(l.Name)
		if err != nil || names[name] {
			return Invalid("lists", "list %d: names must be 1 to %d bytes of text, and unique", i, maxPlaylistName)
		}
		names[name] = true
		if err := entries("lists", l.Items); err != nil {
			return err
		}
	}
	if len(doc.Playlists) > MaxPlaylistsPerUser {
		return Invalid("playlists", "a user keeps at most %d playlists", MaxPlaylistsPerUser)
	}
	for i, p := range doc.Playlists {
		if _, err := checkPlaylistName(p.Name); err != nil {
			return Invalid("playlists", "playlist %d: names must be 1 to %d bytes of text", i, maxPlaylistName)
		}
		if len(p.Items) > MaxPlaylistEntries {
			return Invalid("playlists", "a playlist holds at most %d entries", MaxPlaylistEntries)
		}
		for j, id := range p.Items {
			if err := ref("playlists", j, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// text reports whether s is short valid text (and not empty, when required).
func text(s string, required bool) bool {
	return (!required || strings.TrimSpace(s) != "") && len(s) <= maxTransferText && utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

func providerIDs(m map[string]string) bool {
	if len(m) > maxProviderIDs {
		return false
	}
	for k, v := range m {
		if !text(k, true) || !text(v, false) || len(k) > 64 {
			return false
		}
	}
	return true
}
