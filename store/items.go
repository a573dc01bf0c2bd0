package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
	"golang.org/x/text/unicode/norm"
)

type itemRow struct {
	bun.BaseModel `bun:"table:items,alias:item"`

	Seq         int64     `bun:"seq,pk,autoincrement"`
	ID          string    `bun:"id"`
	LibraryID   string    `bun:"library_id"`
	ParentID    *string   `bun:"parent_id"`
	Kind        string    `bun:"kind"`
	Title       string    `bun:"title"`
	SortTitle   string    `bun:"sort_title"`
	SearchTitle string    `bun:"search_title"`
	Year        *int      `bun:"year"`
	Path        string    `bun:"path"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`

	MatchKey      string `bun:"match_key"`
	OriginalTitle string `bun:"original_title"`
	Overview      string `bun:"overview"`
	IndexNumber   *int   `bun:"index_number"`
	IndexEnd      *int   `bun:"index_end"`
	ParentIndex   *int   `bun:"parent_index"`
	Absolute      *int   `bun:"absolute_number"`
	AirDate       string `bun:"air_date"`
	RuntimeMS     int64  `bun:"runtime_ms"`
	ExtraType     string `bun:"extra_type"`
	ProviderIDs   string `bun:"provider_ids"`
	Review        string `bun:"review"`

	RatingLevel  *int    `bun:"parental_level"` // see store/parental.go
	ParentalTags *string `bun:"parental_tags"`
	BlurHash     string  `bun:"blurhash"`  // of the first Primary image: see store/blurhashes.go
	ImageTag     string  `bun:"image_tag"` // likewise: see store/imagetags.go
}

func newItemRow(it core.Item) *itemRow {
	r := &itemRow{ID: string(it.ID), LibraryID: string(it.LibraryID), Kind: string(it.Kind), Title: it.Title,
		SortTitle: it.SortTitle, SearchTitle: searchKey(it.Title), Path: it.Path, CreatedAt: it.CreatedAt.UTC(),
		UpdatedAt: it.UpdatedAt.UTC()}
	if r.SortTitle == "" {
		r.SortTitle = core.SortKey(it.Title)
	}
	if it.ParentID != "" {
		p := string(it.ParentID)
		r.ParentID = &p
	}
	if it.Year > 0 {
		y := it.Year
		r.Year = &y
	}
	r.MatchKey, r.OriginalTitle, r.Overview = it.MatchKey, it.OriginalTitle, it.Overview
	r.IndexNumber, r.IndexEnd, r.ParentIndex, r.Absolute = it.IndexNumber, it.IndexEnd, it.ParentIndex, it.Absolute
	r.AirDate, r.RuntimeMS, r.ExtraType = it.AirDate, it.Runtime.Milliseconds(), it.ExtraType
	r.ProviderIDs = toJSON(it.ProviderIDs, "{}")
	return r
}

func (r *itemRow) toCore() core.Item {
	it := core.Item{ID: core.ItemID(r.ID), Key: r.Seq, Kind: core.ItemKind(r.Kind), Title: r.Title, SortTitle: r.SortTitle,
		LibraryID: core.LibraryID(r.LibraryID), Path: r.Path, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.ParentID != nil {
		it.ParentID = core.ItemID(*r.ParentID)
	}
	if r.Year != nil {
		it.Year = *r.Year
	}
	it.MatchKey, it.OriginalTitle, it.Overview = r.MatchKey, r.OriginalTitle, r.Overview
	it.IndexNumber, it.IndexEnd, it.ParentIndex, it.Absolute = r.IndexNumber, r.IndexEnd, r.ParentIndex, r.Absolute
	it.AirDate, it.Runtime, it.ExtraType = r.AirDate, time.Duration(r.RuntimeMS)*time.Millisecond, r.ExtraType
	fromJSON(r.ProviderIDs, &it.ProviderIDs)
	it.Review, it.BlurHash, it.ImageTag = r.Review, r.BlurHash, r.ImageTag
	it.RatingLevel = r.RatingLevel
	if r.ParentalTags != nil {
		it.ParentalTags = *r.ParentalTags
	}
	return it
}

// Items implements core.ItemStore.
type Items struct{ db *DB }

var _ core.ItemStore = (*Items)(nil)

// CreateItem inserts an item and returns it with the key the database gave it.
func (s *Items) CreateItem(ctx context.Context, it core.Item) (core.Item, error) {
	row := newItemRow(it)
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(row).ExcludeColumn("seq").Returning("seq").Exec(ctx, &row.Seq); err != nil {
			return wrap(err, "insert item %q", it.Title)
		}
		if err := inheritParental(ctx, tx, row.ID); err != nil {
			return err
		}
		return tx.NewSelect().Table("items").Column("parental_level", "parental_tags").Where("id = ?", row.ID).
			Scan(ctx, &row.RatingLevel, &row.ParentalTags)
	})
	if err != nil {
		return core.Item{}, err
	}
	return row.toCore(), nil
}

// Item returns an item by id.
func (s *Items) Item(ctx context.Context, id core.ItemID) (core.Item, error) {
	var row itemRow
	err := s.db.R.NewSelect().Model(&row).Where("id = ?", string(id)).Scan(ctx)
	return row.toCore(), wrap(err, "select item %s", id)
}

// ItemByKey returns the item whose seq is key.
func (s *Items) ItemByKey(ctx context.Context, key int64) (core.Item, error) {
	var row itemRow
	err := s.db.R.NewSelect().Model(&row).Where("seq = ?", key).Scan(ctx)
	return row.toCore(), wrap(err, "select item %d", key)
}

// Items returns one page of matching items and the number of matches (see core.ItemQuery.NoCount).
// Lists that read no user data come from the list cache: the page's keys, then its rows by key.
// A first page without a count does not: the database stops after it (Latest walks an index on
// the date added), which costs less than reading the whole list.
func (s *Items) Items(ctx context.Context, q core.ItemQuery) ([]core.Item, int, error) {
	if q.Libraries != nil && len(q.Libraries) == 0 {
		return []core.Item{}, 0, nil
	}
	if key, ok := listKey(q); ok && s.db.lists != nil && (!q.NoCount || q.Offset > 0) {
		seqs, ok, err := s.db.lists.get(ctx, key, func(ctx context.Context, max int) ([]int64, error) {
			var seqs []int64
			sel := s.db.R.NewSelect().TableExpr(`items AS item`).ColumnExpr("item.seq")
			err := s.order(s.filter(sel, q), q).Limit(max+1).Scan(ctx, &seqs)
			return seqs, wrap(err, "select item list")
		})
		if err != nil {
			return nil, 0, err
		}
		if ok {
			items, err := s.bySeq(ctx, seqs, q.Offset, q.Limit)
			return items, len(seqs), err
		}
	}
	var rows []itemRow
	sel := s.order(s.filter(s.db.R.NewSelect().Model(&rows), q), q).Limit(q.Limit).Offset(q.Offset)
	var (
		total int
		err   error
	)
	if q.NoCount {
		err = sel.Scan(ctx)
		total = q.Offset + len(rows)
	} else {
		total, err = sel.ScanAndCount(ctx)
	}
	if err != nil {
		return nil, 0, wrap(err, "select items")
	}
	out := make([]core.Item, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore()
	}
	return out, total, nil
}

// page returns seqs[offset:offset+limit], limit 0 meaning to the end.
func page(seqs []int64, offset, limit int) []int64 {
	seqs = seqs[min(offset, len(seqs)):]
	if limit > 0 && limit < len(seqs) {
		seqs = seqs[:limit]
	}
	return seqs
}

// bySeq reads the page of list at offset and limit (see page), in the list's order; items deleted
// since are left out. Rows read at the current list generation come from the page cache; a page
// it misses is read with the rest of its blocks of the list (pageBlock keys).
func (s *Items) bySeq(ctx context.Context, list []int64, offset, limit int) ([]core.Item, error) {
	seqs := page(list, offset, limit)
	out := make([]core.Item, 0, len(seqs))
	if len(seqs) == 0 {
		return out, nil
	}
	st, cached := s.db.listStamp()
	if !cached {
		rows, err := s.readBySeq(ctx, seqs)
		if err != nil {
			return nil, err
		}
		for _, seq := range seqs {
			if it, ok := rows[seq]; ok {
				out = append(out, it)
			}
		}
		return out, nil
	}
	pc := s.db.pages
	start := pc.now()
	// The blocks the page overlaps: offset is within list, seqs is not empty.
	offset = min(offset, len(list))
	from, to := offset/pageBlock*pageBlock, min((offset+len(seqs)+pageBlock-1)/pageBlock*pageBlock, len(list))
	var got map[int64]core.Item                // a miss's: the page's rows
	missing, pageMisses := list[from:to], true // unless the cache holds rows for st
	pc.bySeq.read(st, func(m map[int64]timed[core.Item]) {
		pageMisses = false
		for _, seq := range seqs { // most pages: straight into out
			e, ok := m[seq]
			if !ok || !fresh(e.at, start) {
				pageMisses = true
				break
			}
			out = append(out, e.v) // its ProviderIDs are shared: read-only (core.Item)
		}
		if !pageMisses {
			return
		}
		// A miss reads what the blocks around the page lack, with it.
		out, got, missing = out[:0], make(map[int64]core.Item, len(seqs)), nil
		for i, seq := range list[from:to] {
			switch e, ok := m[seq]; {
			case !ok || !fresh(e.at, start):
				missing = append(missing, seq)
			case from+i >= offset && from+i < offset+len(seqs):
				got[seq] = e.v
			}
		}
	})
	if !pageMisses {
		return out, nil
	}
	rows, err := s.readBySeq(ctx, missing)
	if err != nil {
		return nil, err
	}
	read := make([]core.Item, 0, len(rows))
	for _, it := range rows {
		read = append(read, it)
	}
	pc.keepItems(st, start, read)
	for _, seq := range seqs {
		if it, ok := rows[seq]; ok {
			out = append(out, it)
		} else if it, ok := got[seq]; ok { // kept, around a miss
			out = append(out, it)
		}
	}
	return out, nil
}

// readBySeq reads items by key.
func (s *Items) readBySeq(ctx context.Context, seqs []int64) (map[int64]core.Item, error) {
	out := make(map[int64]core.Item, len(seqs))
	for chunk := range slices.Chunk(seqs, batchSize) {
		var rows []itemRow
		if err := s.db.R.NewSelect().Model(&rows).Where("seq IN (?)", bun.List(chunk)).Scan(ctx); err != nil {
			return nil, wrap(err, "select %d items", len(chunk))
		}
		for i := range rows {
			out[rows[i].Seq] = rows[i].toCore()
		}
	}
	return out, nil
}

// filter adds q's conditions to sel, whose table is items AS item.
func (s *Items) filter(sel *bun.SelectQuery, q core.ItemQuery) *bun.SelectQuery {
	if q.Libraries != nil {
		sel = sel.Where("library_id IN (?)", bun.List(q.Libraries))
	}
	if q.Library != "" {
		sel = sel.Where("library_id = ?", string(q.Library))
	}
	if len(q.Kinds) > 0 {
		kind := "kind"
		if q.Resumable || q.Sort == core.SortAdded {
			// The user's few resumable rows are the place to start; the kind index would walk
			// every movie and episode first (noIndex). Newest first, items_library_added gives
			// the order and the database stops after the page, where SQLite 3.54 would pick
			// items_library_kind_sort and sort the whole library.
			kind = noIndex(s.db.Dialect, "item.kind")
		}
		sel = sel.Where(kind+" IN (?)", bun.List(q.Kinds))
	}
	if q.Parent != "" {
		sel = sel.Where("parent_id = ?", string(q.Parent))
	}
	if q.TopLevel {
		sel = sel.Where("parent_id IS NULL")
	}
	if q.InCollection != "" {
		sel = sel.Where("id IN (SELECT ci.item_id FROM collection_items ci WHERE ci.collection_id = ?)", string(q.InCollection))
	}
	if q.Text != "" {
		sel = sel.Where("search_title LIKE ? ESCAPE '\\'", "%"+escapeLike(searchKey(q.Text))+"%")
	}
	if q.Genre != "" {
		sel = sel.Where("EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = item.id AND t.kind = 'genre' AND t.value_key = ?)", foldKey(q.Genre))
	}
	if q.Studio != "" {
		sel = sel.Where("EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = item.id AND t.kind = 'studio' AND t.value_key = ?)", foldKey(q.Studio))
	}
	if q.Tag != "" {
		sel = sel.Where("EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = item.id AND t.kind = 'tag' AND t.value_key = ?)", foldKey(q.Tag))
	}
	if q.Collection != "" {
		sel = sel.Where("lower(collection) = ?", foldKey(q.Collection))
	}
	if q.Person != "" {
		sel = sel.Where("EXISTS (SELECT 1 FROM item_people ip JOIN people p ON p.id = ip.person_id WHERE ip.item_id = item.id AND p.name_key = ?)", foldKey(q.Person))
	}
	if q.Year > 0 {
		sel = sel.Where("year = ?", q.Year)
	}
	if q.MaxRating != nil {
		sel = sel.Where("item.parental_level IS NOT NULL AND item.parental_level <= ?", *q.MaxRating)
	}
	switch l := strings.ToLower(q.Letter); {
	case l == "#":
		sel = sel.Where("NOT (substr(sort_title, 1, 1) BETWEEN 'a' AND 'z')")
	case l != "":
		sel = sel.Where("sort_title LIKE ? ESCAPE '\\'", escapeLike(l)+"%")
	}
	return userDataFilters(parentalFilter(sel, "item", q.Parental), q, s.db.Dialect)
}

// order adds q's order to sel; the title and then the key follow any order, so that pages never
// overlap.
func (s *Items) order(sel *bun.SelectQuery, q core.ItemQuery) *bun.SelectQuery {
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	switch q.Sort {
	case core.SortYear:
		sel = sel.OrderExpr("COALESCE(year, 0)" + dir)
	case core.SortAdded:
		sel = sel.OrderExpr("created_at" + dir)
	case core.SortIndex:
		sel = sel.OrderExpr("COALESCE(parent_index, 0)" + dir).OrderExpr("COALESCE(index_number, 0)" + dir)
	case core.SortPlayed:
		sel = orderPlayed(sel, q)
	}
	return sel.OrderExpr("sort_title" + dir).OrderExpr("seq" + dir)
}

// Facets counts visible items per genre, studio, tag, collection or person.
func (s *Items) Facets(ctx context.Context, q core.FacetQuery) ([]core.Facet, int, error) {
	var name, from string
	switch q.Kind {
	case core.FacetGenre, core.FacetStudio, core.FacetTag:
		name, from = "t.value", "item_tags t JOIN items item ON item.id = t.item_id AND t.kind = '"+string(q.Kind)+"'"
	case core.FacetCollection:
		name, from = "item.collection", "items item"
	case core.FacetPerson:
		name, from = "p.name", "item_people ip JOIN people p ON p.id = ip.person_id JOIN items item ON item.id = ip.item_id"
	default:
		return nil, 0, fmt.Errorf("facet %q: %w", q.Kind, core.ErrInvalid)
	}
	sel := s.db.R.NewSelect().TableExpr(from).ColumnExpr(name + " AS name").ColumnExpr("COUNT(DISTINCT item.id) AS count").
		Where(name + " <> ''").GroupExpr(name)
	if q.Libraries != nil {
		if len(q.Libraries) == 0 {
			return []core.Facet{}, 0, nil
		}
		sel = sel.Where("item.library_id IN (?)", bun.List(q.Libraries))
	}
	if q.Library != "" {
		sel = sel.Where("item.library_id = ?", string(q.Library))
	}
	sel = parentalFilter(sel, "item", q.Parental)
	if q.Text != "" {
		sel = sel.Where("lower("+name+") LIKE ? ESCAPE '\\'", "%"+escapeLike(strings.ToLower(q.Text))+"%")
	}
	var total int
	if err := s.db.R.NewSelect().TableExpr("(?) AS f", sel).ColumnExpr("COUNT(*)").Scan(ctx, &total); err != nil {
		return nil, 0, wrap(err, "count %s facets", q.Kind)
	}
	var rows []struct {
		Name  string `bun:"name"`
		Count int    `bun:"count"`
	}
	if err := sel.OrderExpr("lower("+name+")").Limit(q.Limit).Offset(q.Offset).Scan(ctx, &rows); err != nil {
		return nil, 0, wrap(err, "list %s facets", q.Kind)
	}
	out := make([]core.Facet, len(rows))
	for i, r := range rows {
		out[i] = core.Facet{Name: r.Name, Count: r.Count}
	}
	return out, total, nil
}

// searchKey is the form titles are searched in: lower case without accents, so "amelie" finds
// "Amélie" and "PokÉmon" finds "Pokémon".
func searchKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Person returns a person by name with their picture, the number of items of libs crediting them
// and their parts, the most frequent first.
func (s *Items) Person(ctx context.Context, name string, libs []core.LibraryID, parental *core.ParentalControls) (core.Person, error) {
	var p personRow
	if err := s.db.R.NewSelect().Model(&p).Where("name_key = ?", foldKey(name)).Scan(ctx); err != nil {
		return core.Person{}, wrap(err, "select person %q", name)
	}
	out := core.Person{Name: p.Name, Thumb: p.Thumb}
	if libs != nil && len(libs) == 0 {
		return out, nil
	}
	var kinds []struct {
		Kind  string `bun:"kind"`
		Count int    `bun:"count"`
	}
	sel := s.db.R.NewSelect().TableExpr("item_people ip JOIN items item ON item.id = ip.item_id").
		ColumnExpr("ip.kind AS kind").ColumnExpr("COUNT(DISTINCT ip.item_id) AS count").
		Where("ip.person_id = ?", p.ID).GroupExpr("ip.kind").OrderExpr("count DESC, kind")
	if libs != nil {
		sel = sel.Where("item.library_id IN (?)", bun.List(libs))
	}
	sel = parentalFilter(sel, "item", parental)
	if err := sel.Scan(ctx, &kinds); err != nil {
		return core.Person{}, wrap(err, "select parts of person %q", name)
	}
	for _, k := range kinds {
		out.Kinds = append(out.Kinds, core.PersonKind(k.Kind))
	}
	count := s.db.R.NewSelect().TableExpr("item_people ip JOIN items item ON item.id = ip.item_id").
		ColumnExpr("COUNT(DISTINCT ip.item_id)").Where("ip.person_id = ?", p.ID)
	if libs != nil {
		count = count.Where("item.library_id IN (?)", bun.List(libs))
	}
	count = parentalFilter(count, "item", parental)
	if err := count.Scan(ctx, &out.Items); err != nil {
		return core.Person{}, wrap(err, "count items of person %q", name)
	}
	return out, nil
}
