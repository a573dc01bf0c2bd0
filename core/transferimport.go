package core

// Importing a user's data document (see transfer.go for the document and Export).

import (
	"context"
	"time"
)

// Import applies a document to a user's data (the caller's own, or anyone's for an admin): items
// are matched by id, then by provider ids, then by kind, title and year (an episode by its
// series and numbers), among those the user may see; entries whose item has no match are
// skipped and counted. Importing the same document again changes nothing: user data is merged
// (see mergeImported), and history sessions, list entries and playlist entries already there are
// not added twice. Nothing is written unless the whole document is valid, and then it is written
// in one transaction.
func (s *Transfer) Import(ctx context.Context, c Caller, user UserID, doc TransferDoc) (ImportReport, error) {
	t, _, err := s.target(ctx, c, user)
	if err != nil {
		return ImportReport{}, err
	}
	if err := doc.validate(); err != nil {
		return ImportReport{}, err
	}
	m := &matcher{st: s.d.Store, items: s.d.Items.store, c: t}
	match, err := m.match(ctx, doc.Items)
	if err != nil {
		return ImportReport{}, err
	}
	rep := ImportReport{UnmatchedItems: []TransferItem{}}
	for _, it := range doc.Items {
		if _, ok := match[it.ID]; ok {
			rep.Items.Imported++
			continue
		}
		rep.Items.Unmatched++
		if len(rep.UnmatchedItems) < maxUnmatchedShown {
			rep.UnmatchedItems = append(rep.UnmatchedItems, it)
		}
	}
	now := s.d.Now().UTC()
	plan := ImportPlan{At: now, Merge: mergeImported, NewID: s.d.NewID}
	planned := map[ItemID]int{} // index in plan.UserData
	for _, d := range doc.UserData {
		it, ok := match[d.Item]
		if !ok {
			rep.UserData.Unmatched++
			continue
		}
		rep.UserData.Imported++
		ud := UserData{ItemID: it.ID, Position: time.Duration(d.PositionMS) * time.Millisecond, Played: d.Played,
			PlayCount: d.PlayCount, LastPlayedAt: utc(d.LastPlayedAt), Favorite: d.Favorite, Likes: d.Likes, Rating: d.Rating}
		if !it.Kind.Playable() {
			ud.Position, ud.Played, ud.PlayCount, ud.LastPlayedAt = 0, false, 0, nil // theirs comes from the items under them
		}
		if i, ok := planned[it.ID]; ok {
			plan.UserData[i] = mergeImported(plan.UserData[i], ud) // two exported items matched one here
		} else {
			planned[it.ID] = len(plan.UserData)
			plan.UserData = append(plan.UserData, ud)
		}
	}
	for _, p := range doc.History {
		it, ok := match[p.Item]
		if !ok {
			rep.History.Unmatched++
			continue
		}
		method := p.Method
		if method == "" {
			method = PlayDirect
		}
		plan.History = append(plan.History, HistoryEntry{User: t.UserID, Item: it.ID, Library: it.LibraryID,
			DeviceID: cut(p.DeviceID, maxHistoryText), DeviceName: cut(p.DeviceName, maxHistoryText), Client: cut(p.Client, maxHistoryText),
			Started: p.StartedAt.UTC(), Stopped: p.StoppedAt.UTC(), Watched: time.Duration(p.WatchedMS) * time.Millisecond,
			Position: time.Duration(p.PositionMS) * time.Millisecond, Method: method, Reason: cut(p.Reason, maxHistoryText)})
	}
	entries := func(es []TransferEntry, count *ImportCount) []ListEntry {
		var out []ListEntry
		for _, e := range es {
			it, ok := match[e.Item]
			if !ok {
				count.Unmatched++
				continue
			}
			at := e.AddedAt.UTC()
			if at.IsZero() {
				at = now
			}
			out = append(out, ListEntry{Item: Item{ID: it.ID}, AddedAt: at})
		}
		return out
	}
	plan.Watchlist = entries(doc.Watchlist, &rep.Watchlist)
	for _, l := range doc.Lists {
		name, _ := checkListName(l.Name)
		plan.Lists = append(plan.Lists, ImportList{Name: name, CreatedAt: orNow(l.CreatedAt, now), Entries: entries(l.Items, &rep.ListItems)})
	}
	for _, p := range doc.Playlists {
		name, _ := checkPlaylistName(p.Name)
		ip := ImportPlaylist{Name: name, CreatedAt: orNow(p.CreatedAt, now)}
		for _, id := range p.Items {
			if it, ok := match[id]; ok && it.Kind.Playable() {
				ip.Items = append(ip.Items, it.ID)
			} else {
				rep.PlaylistEntries.Unmatched++
			}
		}
		plan.Playlists = append(plan.Playlists, ip)
	}
	res, err := s.d.Store.Import(ctx, t.UserID, plan)
	if err != nil {
		return ImportReport{}, err
	}
	for _, x := range []struct{ to, from *ImportCount }{{&rep.History, &res.History}, {&rep.Watchlist, &res.Watchlist},
		{&rep.Lists, &res.Lists}, {&rep.ListItems, &res.ListItems}, {&rep.Playlists, &res.Playlists},
		{&rep.PlaylistEntries, &res.PlaylistEntries}} {
		x.to.Imported, x.to.Existing = x.from.Imported, x.from.Existing
	}
	return rep, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	return new(t.UTC())
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.UTC()
}

// mergeImported combines the stored data for an item with imported data so that importing twice
// changes nothing and an import never undoes what this server knows: the item stays played if
// either side played it, the play count is the larger, the last play the later, the resume point
// is that of the side that played last, a favorite stays one, and likes and rating come from the
// import when it has them.
func mergeImported(cur, in UserData) UserData {
	out := cur
	out.Played = cur.Played || in.Played
	out.PlayCount = max(cur.PlayCount, in.PlayCount)
	if in.LastPlayedAt != nil && (cur.LastPlayedAt == nil || in.LastPlayedAt.After(*cur.LastPlayedAt)) {
		out.LastPlayedAt, out.Position, out.File = new(*in.LastPlayedAt), in.Position, in.File
	} else if cur.LastPlayedAt == nil && cur.Position == 0 {
		out.Position, out.File = in.Position, in.File
	}
	out.Favorite = cur.Favorite || in.Favorite
	if in.Likes != nil {
		out.Likes = new(*in.Likes)
	}
	if in.Rating != nil {
		out.Rating = new(*in.Rating)
	}
	return out
}
