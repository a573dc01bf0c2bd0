package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/walros/walros/core"
)

// Items carry what parental controls filter on, kept here so that a list adds one condition on
// its own row instead of joining ancestors and tags: parental_level, the highest rating level of
// the item and its ancestors (NULL when none is rated), and parental_tags, the folded tags and
// genres of the item and its ancestors as "|a|b|". A new item inherits its parent's at insert;
// writing an item's metadata recomputes it and its descendants.

// parentalRow is what recomputing needs of an item.
type parentalRow struct {
	ID       string  `bun:"id"`
	ParentID *string `bun:"parent_id"`
	Rating   string  `bun:"official_rating"`
	Level    *int    `bun:"parental_level"`
	Tags     *string `bun:"parental_tags"`
}

// inheritParental gives a new item its parent's parental values (none for a top-level item).
func inheritParental(ctx context.Context, db bun.IDB, id string) error {
	_, err := db.NewUpdate().Table("items").
		Set("parental_level = (SELECT p.parental_level FROM items p WHERE p.id = items.parent_id)").
		Set("parental_tags = COALESCE((SELECT p.parental_tags FROM items p WHERE p.id = items.parent_id), '')").
		Where("id = ?", id).Exec(ctx)
	return wrap(err, "inherit parental values of item %s", id)
}

// refreshParental recomputes the parental values of an item and of its descendants (the deepest
// chain under an item is a season and its episodes).
func refreshParental(ctx context.Context, db bun.IDB, id string) error {
	var rows []parentalRow
	level := []string{id}
	for depth := 0; depth < 4 && len(level) > 0; depth++ { // the item, then each level under it
		col := "parent_id"
		if depth == 0 {
			col = "id"
		}
		var got []parentalRow
		for chunk := range slices.Chunk(level, batchSize) {
			var part []parentalRow
			err := db.NewSelect().Table("items").Column("id", "parent_id", "official_rating", "parental_level", "parental_tags").
				Where(col+" IN (?)", bun.List(chunk)).Scan(ctx, &part)
			if err != nil {
				return wrap(err, "select items under %s", id)
			}
			got = append(got, part...)
		}
		rows = append(rows, got...)
		level = level[:0]
		for _, r := range got {
			level = append(level, r.ID)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	own := map[string][]string{}
	for chunk := range slices.Chunk(ids, batchSize) {
		var tags []struct {
			ItemID string `bun:"item_id"`
			Key    string `bun:"value_key"`
		}
		if err := db.NewSelect().Table("item_tags").Column("item_id", "value_key").Where("kind IN ('tag', 'genre')").
			Where("item_id IN (?)", bun.List(chunk)).Scan(ctx, &tags); err != nil {
			return wrap(err, "select tags under %s", id)
		}
		for _, t := range tags {
			own[t.ItemID] = append(own[t.ItemID], t.Key)
		}
	}
	type value struct {
		level *int
		tags  []string
	}
	computed := map[string]value{}
	var top value // the item's parent's
	if p := rows[slices.IndexFunc(rows, func(r parentalRow) bool { return r.ID == id })].ParentID; p != nil {
		var parent parentalRow
		err := db.NewSelect().Table("items").Column("id", "parental_level", "parental_tags").Where("id = ?", *p).Scan(ctx, &parent)
		if err != nil {
			return wrap(err, "select parent of item %s", id)
		}
		top.level = parent.Level
		if parent.Tags != nil {
			top.tags = strings.Split(strings.Trim(*parent.Tags, "|"), "|")
		}
	}
	var compute func(r parentalRow) value
	byID := map[string]parentalRow{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	compute = func(r parentalRow) value {
		if v, ok := computed[r.ID]; ok {
			return v
		}
		base := top
		if r.ID != id && r.ParentID != nil {
			if p, ok := byID[*r.ParentID]; ok {
				base = compute(p)
			}
		}
		v := value{level: base.level, tags: slices.Clone(base.tags)}
		if l, ok := core.RatingLevel(r.Rating); ok && (v.level == nil || l > *v.level) {
			v.level = &l
		}
		v.tags = append(v.tags, own[r.ID]...)
		slices.Sort(v.tags)
		v.tags = slices.Compact(slices.DeleteFunc(v.tags, func(s string) bool { return s == "" || strings.Contains(s, "|") }))
		computed[r.ID] = v
		return v
	}
	for _, r := range rows {
		v := compute(r)
		tags := ""
		if len(v.tags) > 0 {
			tags = "|" + strings.Join(v.tags, "|") + "|"
		}
		if r.Tags != nil && *r.Tags == tags && equalLevel(r.Level, v.level) {
			continue
		}
		if _, err := db.NewUpdate().Table("items").Set("parental_level = ?", v.level).Set("parental_tags = ?", tags).
			Where("id = ?", r.ID).Exec(ctx); err != nil {
			return wrap(err, "set parental values of item %s", r.ID)
		}
	}
	return nil
}

func equalLevel(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// backfillParental computes the parental values of items stored before they existed, from the
// top of each library down; it runs at start and does nothing once every item has them.
func backfillParental(ctx context.Context, db *DB) error {
	for range 8 { // each round settles the items whose parents are settled
		var ids []string
		err := db.R.NewSelect().Table("items").Column("id").Where("parental_tags IS NULL").
			Where("parent_id IS NULL OR parent_id IN (SELECT p.id FROM items p WHERE p.parental_tags IS NOT NULL)").
			Limit(10000).Scan(ctx, &ids)
		if err != nil {
			return wrap(err, "select items without parental values")
		}
		if len(ids) == 0 {
			return nil
		}
		for chunk := range slices.Chunk(ids, 200) {
			err := db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				for _, id := range chunk {
					if err := refreshParental(ctx, tx, id); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// parentalFilter adds p's rules to sel, whose items table is aliased alias.
func parentalFilter(sel *bun.SelectQuery, alias string, p *core.ParentalControls) *bun.SelectQuery {
	if p == nil {
		return sel
	}
	cond, args := parentalCondition(alias, p)
	return sel.Where(cond, args...)
}

// parentalCondition is p's rules as one SQL condition on the items table aliased alias.
func parentalCondition(alias string, p *core.ParentalControls) (string, []any) {
	var conds []string
	var args []any
	level := alias + ".parental_level"
	unrated := level + " IS NULL"
	if kinds := core.KindsOfUnrated(p.BlockUnrated); len(kinds) > 0 {
		unrated = "(" + unrated + " AND " + alias + ".kind NOT IN (?))"
		args = append(args, bun.List(kinds))
	}
	if p.MaxLevel != nil {
		conds = append(conds, "("+unrated+" OR "+level+" <= ?)")
		args = append(args, *p.MaxLevel)
	} else if len(p.BlockUnrated) > 0 {
		conds = append(conds, "("+unrated+" OR "+level+" IS NOT NULL)")
	}
	tags := alias + ".parental_tags"
	conds = append(conds, tags+" IS NOT NULL") // not yet computed: hidden until it is
	for _, t := range p.BlockedTags {
		conds = append(conds, tags+" NOT LIKE ? ESCAPE '\\'")
		args = append(args, "%|"+escapeLike(t)+"|%")
	}
	return strings.Join(conds, " AND "), args
}

// parentalKey identifies p's rules in a cache key.
func parentalKey(p *core.ParentalControls) string {
	if p == nil {
		return ""
	}
	max := -1
	if p.MaxLevel != nil {
		max = *p.MaxLevel
	}
	return fmt.Sprintf("%d|%q|%q", max, p.BlockUnrated, p.BlockedTags)
}

// parentalJSON is how a user's parental controls are stored.
type parentalJSON struct {
	MaxLevel     *int         `json:"max_level,omitempty"`
	BlockUnrated []string     `json:"block_unrated,omitempty"`
	BlockedTags  []string     `json:"blocked_tags,omitempty"`
	Schedule     []windowJSON `json:"schedule,omitempty"`
}

type windowJSON struct {
	Day   string  `json:"day"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

func newParentalJSON(p core.ParentalControls) parentalJSON {
	out := parentalJSON{MaxLevel: p.MaxLevel, BlockedTags: p.BlockedTags}
	for _, k := range p.BlockUnrated {
		out.BlockUnrated = append(out.BlockUnrated, string(k))
	}
	for _, w := range p.Schedule {
		out.Schedule = append(out.Schedule, windowJSON{Day: string(w.Day), Start: w.Start, End: w.End})
	}
	return out
}

func (p parentalJSON) toCore() core.ParentalControls {
	out := core.ParentalControls{MaxLevel: p.MaxLevel, BlockedTags: p.BlockedTags}
	for _, k := range p.BlockUnrated {
		out.BlockUnrated = append(out.BlockUnrated, core.UnratedKind(k))
	}
	for _, w := range p.Schedule {
		out.Schedule = append(out.Schedule, core.AccessWindow{Day: core.Day(w.Day), Start: w.Start, End: w.End})
	}
	return out
}
