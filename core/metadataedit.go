package core

import (
	"context"
	"slices"
	"strings"
)

// metadataedit.go: an admin's edits of an item's metadata, locked against refreshes.

// Edit sets the named fields of an item's metadata from m and locks them, so that rescans and
// provider refreshes keep the admin's values; unlock releases fields again. Only admins may.
func (s *Items) Edit(ctx context.Context, c Caller, id ItemID, m Metadata, fields, unlock []string) (Metadata, error) {
	if err := c.requireAdmin(); err != nil {
		return Metadata{}, err
	}
	for _, f := range slices.Concat(fields, unlock) {
		if !slices.Contains(MetadataFields, f) {
			return Metadata{}, Invalid("fields", "unknown field %q", f)
		}
	}
	if slices.Contains(fields, "title") && strings.TrimSpace(m.Title) == "" {
		return Metadata{}, Invalid("title", "must not be empty")
	}
	it, err := s.store.Item(ctx, id)
	if err != nil {
		return Metadata{}, err
	}
	out, err := s.meta.UpdateMetadata(ctx, id, func(cur *Metadata) error {
		*cur = edit(*cur, m, fields, unlock)
		return nil
	})
	if err == nil && it.Kind == KindMovie && slices.Contains(fields, "collection") {
		err = s.meta.SyncCollections(ctx, it.LibraryID)
	}
	return out, err
}

// edit returns cur with the named fields set from m and locked, and the unlock fields released.
func edit(cur, m Metadata, fields, unlock []string) Metadata {
	cur.LockedFields = slices.DeleteFunc(cur.LockedFields, func(f string) bool { return slices.Contains(unlock, f) })
	set := cur
	set.Locked, set.LockedFields = false, nil
	upd := Metadata{}
	for _, f := range fields {
		copyField(&upd, m, f)
		if !slices.Contains(cur.LockedFields, f) {
			cur.LockedFields = append(cur.LockedFields, f)
		}
	}
	merged := Merge(set, upd)
	for _, f := range fields { // Merge ignores empty values; an edit may clear a field
		copyField(&merged, m, f)
	}
	merged.Locked, merged.LockedFields = cur.Locked, cur.LockedFields
	return merged
}

// copyField copies one named field of Metadata from src to dst.
func copyField(dst *Metadata, src Metadata, f string) {
	switch f {
	case "title":
		dst.Title = strings.TrimSpace(src.Title)
	case "originalTitle":
		dst.OriginalTitle = src.OriginalTitle
	case "sortTitle":
		dst.SortTitle = src.SortTitle
	case "overview":
		dst.Overview = src.Overview
	case "tagline":
		dst.Tagline = src.Tagline
	case "year":
		dst.Year = src.Year
	case "premiere":
		dst.Premiere = src.Premiere
	case "communityScore":
		dst.CommunityScore = src.CommunityScore
	case "criticScore":
		dst.CriticScore = src.CriticScore
	case "officialRating":
		dst.OfficialRating = src.OfficialRating
	case "runtime":
		dst.Runtime = src.Runtime
	case "genres":
		dst.Genres = src.Genres
	case "studios":
		dst.Studios = src.Studios
	case "tags":
		dst.Tags = src.Tags
	case "collection":
		dst.Collection = src.Collection
	case "credits":
		dst.Credits = src.Credits
	case "providerIds":
		dst.ProviderIDs = src.ProviderIDs
	case "images":
		dst.Images = src.Images
	}
}
