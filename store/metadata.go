package store

import (
	"context"
	"reflect"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

// The descriptive columns of items that metadata owns; scans never overwrite them on existing items.
type itemMetaRow struct {
	bun.BaseModel `bun:"table:items"`

	ID             string  `bun:"id,pk"`
	Title          string  `bun:"title"`
	SortTitle      string  `bun:"sort_title"`
	SearchTitle    string  `bun:"search_title"`
	OriginalTitle  string  `bun:"original_title"`
	Overview       string  `bun:"overview"`
	Tagline        string  `bun:"tagline"`
	Year           *int    `bun:"year"`
	Premiere       string  `bun:"premiere"`
	CommunityScore float64 `bun:"community_score"`
	CriticScore    float64 `bun:"critic_score"`
	OfficialRating string  `bun:"official_rating"`
	RuntimeMS      int64   `bun:"runtime_ms"`
	Collection     string  `bun:"collection"`
	ProviderIDs    string  `bun:"provider_ids"`
	LockedFields   string  `bun:"locked_fields"`
	MetadataLocked bool    `bun:"metadata_locked"`
}

type itemTagRow struct {
	bun.BaseModel `bun:"table:item_tags"`

	ItemID   string `bun:"item_id,pk"`
	Kind     string `bun:"kind,pk"`
	Value    string `bun:"value"`
	ValueKey string `bun:"value_key,pk"`
	Position int    `bun:"position"`
}

type personRow struct {
	bun.BaseModel `bun:"table:people"`

	ID      string `bun:"id,pk"`
	Name    string `bun:"name"`
	NameKey string `bun:"name_key"`
	Thumb   string `bun:"thumb"`
}

type itemPersonRow struct {
	bun.BaseModel `bun:"table:item_people"`

	ItemID   string `bun:"item_id,pk"`
	PersonID string `bun:"person_id"`
	Kind     string `bun:"kind"`
	Role     string `bun:"role"`
	Position int    `bun:"position,pk"`
	Name     string `bun:"name,scanonly"`
	Thumb    string `bun:"thumb,scanonly"`
}

type itemImageRow struct {
	bun.BaseModel `bun:"table:item_images"`

	ItemID   string `bun:"item_id,pk"`
	Kind     string `bun:"kind,pk"`
	Position int    `bun:"position,pk"`
	Path     string `bun:"path"`
	URL      string `bun:"url"`
}

// Metadata implements core.MetadataStore.
type Metadata struct {
	db    *DB
	newID func() string
}

var _ core.MetadataStore = (*Metadata)(nil)

const premiereLayout = "2006-01-02"

// ItemMetadata returns an item's metadata with its genres, studios, tags, credits and images.
func (s *Metadata) ItemMetadata(ctx context.Context, id core.ItemID) (core.Metadata, error) {
	return s.read(ctx, s.db.R, id, false)
}

// UpdateMetadata reads an item's metadata, applies fn and writes the result in one write
// transaction, so that a scan's merge and an admin's edit of the same item never lose each other's
// changes. On SQLite the transaction holds the write lock; on PostgreSQL the row is locked FOR UPDATE.
// When fn leaves the metadata unchanged nothing is written.
func (s *Metadata) UpdateMetadata(ctx context.Context, id core.ItemID, fn func(*core.Metadata) error) (core.Metadata, error) {
	var m core.Metadata
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cur, err := s.read(ctx, tx, id, s.db.Dialect == Postgres)
		if err != nil {
			return err
		}
		m = cur
		if err := fn(&m); err != nil {
			return err
		}
		if reflect.DeepEqual(cur, m) {
			return nil
		}
		return s.write(ctx, tx, id, m)
	})
	if err != nil {
		return core.Metadata{}, err
	}
	return m, nil
}

// read loads an item's metadata through db (a pool or a transaction); lock takes the item's row
// lock first (PostgreSQL).
func (s *Metadata) read(ctx context.Context, db bun.IDB, id core.ItemID, lock bool) (core.Metadata, error) {
	var row itemMetaRow
	q := db.NewSelect().Model(&row).Where("id = ?", string(id))
	if lock {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return core.Metadata{}, wrap(err, "select metadata of item %s", id)
	}
	m := core.Metadata{Title: row.Title, OriginalTitle: row.OriginalTitle, SortTitle: row.SortTitle, Overview: row.Overview,
		Tagline: row.Tagline, CommunityScore: row.CommunityScore, CriticScore: row.CriticScore,
		OfficialRating: row.OfficialRating, Runtime: time.Duration(row.RuntimeMS) * time.Millisecond,
		Collection: row.Collection, Locked: row.MetadataLocked}
	if row.Year != nil {
		m.Year = *row.Year
	}
	m.Premiere, _ = time.Parse(premiereLayout, row.Premiere)
	fromJSON(row.ProviderIDs, &m.ProviderIDs)
	fromJSON(row.LockedFields, &m.LockedFields)

	var tags []itemTagRow
	if err := db.NewSelect().Model(&tags).Where("item_id = ?", string(id)).Order("kind", "position").Scan(ctx); err != nil {
		return core.Metadata{}, wrap(err, "select tags of item %s", id)
	}
	for _, t := range tags {
		switch t.Kind {
		case "genre":
			m.Genres = append(m.Genres, t.Value)
		case "studio":
			m.Studios = append(m.Studios, t.Value)
		case "tag":
			m.Tags = append(m.Tags, t.Value)
		}
	}
	var credits []itemPersonRow
	if err := db.NewSelect().Model(&credits).ColumnExpr("ip.*, p.name, p.thumb").
		Join("JOIN people AS p ON p.id = ip.person_id").ModelTableExpr("item_people AS ip").
		Where("ip.item_id = ?", string(id)).Order("ip.position").Scan(ctx); err != nil {
		return core.Metadata{}, wrap(err, "select people of item %s", id)
	}
	for _, c := range credits {
		m.Credits = append(m.Credits, core.Credit{Name: c.Name, Kind: core.PersonKind(c.Kind), Role: c.Role, Order: c.Position, Thumb: c.Thumb})
	}
	var images []itemImageRow
	if err := db.NewSelect().Model(&images).Where("item_id = ?", string(id)).
		OrderExpr("CASE kind WHEN 'Primary' THEN 0 ELSE 1 END, kind, position").Scan(ctx); err != nil {
		return core.Metadata{}, wrap(err, "select images of item %s", id)
	}
	for _, im := range images {
		m.Images = append(m.Images, core.Image{Kind: core.ImageKind(im.Kind), Path: im.Path, URL: im.URL})
	}
	return m, nil
}

// SetMetadata replaces an item's metadata in one transaction.
func (s *Metadata) SetMetadata(ctx context.Context, id core.ItemID, m core.Metadata) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return s.write(ctx, tx, id, m)
	})
}

// write replaces an item's metadata within tx.
func (s *Metadata) write(ctx context.Context, tx bun.Tx, id core.ItemID, m core.Metadata) error {
	row := &itemMetaRow{ID: string(id), Title: m.Title, SortTitle: m.SortTitle, SearchTitle: searchKey(m.Title),
		OriginalTitle: m.OriginalTitle, Overview: m.Overview, Tagline: m.Tagline, CommunityScore: m.CommunityScore,
		CriticScore: m.CriticScore, OfficialRating: m.OfficialRating, RuntimeMS: m.Runtime.Milliseconds(),
		Collection: m.Collection, ProviderIDs: toJSON(m.ProviderIDs, "{}"), LockedFields: toJSON(m.LockedFields, "[]"),
		MetadataLocked: m.Locked}
	if row.SortTitle == "" {
		row.SortTitle = core.SortKey(m.Title)
	}
	if m.Year > 0 {
		row.Year = &m.Year
	}
	if !m.Premiere.IsZero() {
		row.Premiere = m.Premiere.Format(premiereLayout)
	}
	res, err := tx.NewUpdate().Model(row).WherePK().Exec(ctx)
	if err := mustAffect(res, err, "update metadata of item %s", id); err != nil {
		return err
	}
	for _, table := range []string{"item_tags", "item_people", "item_images"} {
		if _, err := tx.NewDelete().TableExpr(table).Where("item_id = ?", string(id)).Exec(ctx); err != nil {
			return wrap(err, "clear %s of item %s", table, id)
		}
	}
	var tags []itemTagRow
	for kind, values := range map[string][]string{"genre": m.Genres, "studio": m.Studios, "tag": m.Tags} {
		seen := map[string]bool{}
		for i, v := range values {
			if k := foldKey(v); k != "" && !seen[k] {
				seen[k] = true
				tags = append(tags, itemTagRow{ItemID: string(id), Kind: kind, Value: v, ValueKey: k, Position: i})
			}
		}
	}
	if len(tags) > 0 {
		if _, err := tx.NewInsert().Model(&tags).Exec(ctx); err != nil {
			return wrap(err, "insert tags of item %s", id)
		}
	}
	for i, c := range m.Credits {
		if c.Name == "" {
			continue
		}
		pid, err := s.person(ctx, tx, c)
		if err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&itemPersonRow{ItemID: string(id), PersonID: pid, Kind: string(c.Kind),
			Role: c.Role, Position: i}).Exec(ctx); err != nil {
			return wrap(err, "credit %q on item %s", c.Name, id)
		}
	}
	count := map[core.ImageKind]int{}
	for _, im := range m.Images {
		row := &itemImageRow{ItemID: string(id), Kind: string(im.Kind), Position: count[im.Kind], Path: im.Path, URL: im.URL}
		count[im.Kind]++
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return wrap(err, "image of item %s", id)
		}
	}
	if err := refreshPrimaryImage(ctx, tx, string(id), core.PrimaryImageTag(m.Images)); err != nil {
		return err
	}
	return refreshParental(ctx, tx, string(id))
}

// SetReview records why an item needs an admin's look, or clears it.
func (s *Metadata) SetReview(ctx context.Context, id core.ItemID, reason string) error {
	res, err := s.db.W.NewUpdate().Table("items").Set("review = ?", reason).Where("id = ?", string(id)).Exec(ctx)
	return mustAffect(res, err, "set review of item %s", id)
}

// person finds or creates the person named in c; one row per name, regardless of case.
func (s *Metadata) person(ctx context.Context, tx bun.Tx, c core.Credit) (string, error) {
	var p personRow
	err := tx.NewSelect().Model(&p).Where("name_key = ?", foldKey(c.Name)).Scan(ctx)
	if err == nil {
		if c.Thumb != "" && p.Thumb == "" {
			if _, err := tx.NewUpdate().Model(&p).Set("thumb = ?", c.Thumb).WherePK().Exec(ctx); err != nil {
				return "", wrap(err, "update person %q", c.Name)
			}
		}
		return p.ID, nil
	}
	if !isNotFound(wrap(err, "")) {
		return "", wrap(err, "find person %q", c.Name)
	}
	p = personRow{ID: s.newID(), Name: c.Name, NameKey: foldKey(c.Name), Thumb: c.Thumb}
	if _, err := tx.NewInsert().Model(&p).Exec(ctx); err != nil {
		return "", wrap(err, "insert person %q", c.Name)
	}
	return p.ID, nil
}
