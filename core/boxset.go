package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Box sets (KindCollection items) come two ways: a scan makes one per movie collection its
// metadata names (they have a match key and follow the movies' collection field), and admins make
// their own of any items (no match key). BoxSets manages the admins' own.

// MaxBoxSetMembers bounds one box set.
const MaxBoxSetMembers = 10_000

// BoxSetStore persists admin-made box sets.
type BoxSetStore interface {
	// CreateBoxSet stores set (a KindCollection item without match key) holding members in order,
	// and returns it with its key.
	CreateBoxSet(ctx context.Context, set Item, members []ItemID) (Item, error)
	// BoxSetMembers returns a box set's members in order.
	BoxSetMembers(ctx context.Context, id ItemID) ([]ItemID, error)
	// SetBoxSetMembers replaces a box set's members.
	SetBoxSetMembers(ctx context.Context, id ItemID, members []ItemID) error
	// DeleteBoxSet deletes a box set an admin made; ErrNotFound for any other item.
	DeleteBoxSet(ctx context.Context, id ItemID) error
}

// BoxSets lets admins make and change their own box sets. Members are listed, like every item,
// only to callers who may see them.
type BoxSets struct {
	store BoxSetStore
	items *Items
	libs  LibraryStore
	now   Clock
	newID func() string
}

// NewBoxSets returns the box set service.
func NewBoxSets(store BoxSetStore, items *Items, libs LibraryStore, now Clock, newID func() string) *BoxSets {
	return &BoxSets{store: store, items: items, libs: libs, now: now, newID: newID}
}

// Create makes a box set named name holding members, in library lib, or when lib is empty in the
// library of the first member.
func (s *BoxSets) Create(ctx context.Context, c Caller, name string, lib LibraryID, members []ItemID) (Item, error) {
	if err := c.requireAdmin(); err != nil {
		return Item{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 200 || !utf8.ValidString(name) {
		return Item{}, Invalid("name", "must be 1 to 200 characters")
	}
	found, err := s.members(ctx, c, members)
	if err != nil {
		return Item{}, err
	}
	if lib == "" {
		if len(found) == 0 {
			return Item{}, Invalid("library", "a box set without members needs a library")
		}
		lib = found[0].LibraryID
	}
	if _, err := s.libs.Library(ctx, lib); errors.Is(err, ErrNotFound) {
		return Item{}, Invalid("library", "unknown library %q", lib)
	} else if err != nil {
		return Item{}, err
	}
	now := s.now().UTC()
	set := Item{ID: ItemID(s.newID()), Kind: KindCollection, Title: name, LibraryID: lib, CreatedAt: now, UpdatedAt: now}
	return s.store.CreateBoxSet(ctx, set, itemIDs(found))
}

// Add appends members to an admin's box set, skipping those already in it.
func (s *BoxSets) Add(ctx context.Context, c Caller, id ItemID, members []ItemID) error {
	return s.change(ctx, c, id, func(cur []ItemID) ([]ItemID, error) {
		found, err := s.members(ctx, c, members)
		if err != nil {
			return nil, err
		}
		for _, m := range itemIDs(found) {
			if !slices.Contains(cur, m) {
				cur = append(cur, m)
			}
		}
		if len(cur) > MaxBoxSetMembers {
			return nil, Invalid("ids", "a box set holds at most %d items", MaxBoxSetMembers)
		}
		return cur, nil
	})
}

// Remove takes members out of an admin's box set.
func (s *BoxSets) Remove(ctx context.Context, c Caller, id ItemID, members []ItemID) error {
	return s.change(ctx, c, id, func(cur []ItemID) ([]ItemID, error) {
		return slices.DeleteFunc(cur, func(m ItemID) bool { return slices.Contains(members, m) }), nil
	})
}

// Delete deletes an admin's box set; its members stay.
func (s *BoxSets) Delete(ctx context.Context, c Caller, id ItemID) error {
	if _, err := s.own(ctx, c, id); err != nil {
		return err
	}
	return s.store.DeleteBoxSet(ctx, id)
}

func (s *BoxSets) change(ctx context.Context, c Caller, id ItemID, fn func([]ItemID) ([]ItemID, error)) error {
	if _, err := s.own(ctx, c, id); err != nil {
		return err
	}
	cur, err := s.store.BoxSetMembers(ctx, id)
	if err != nil {
		return err
	}
	next, err := fn(cur)
	if err != nil {
		return err
	}
	return s.store.SetBoxSetMembers(ctx, id, next)
}

// own returns an admin-made box set, for an admin.
func (s *BoxSets) own(ctx context.Context, c Caller, id ItemID) (Item, error) {
	if err := c.requireAdmin(); err != nil {
		return Item{}, err
	}
	it, err := s.items.Get(ctx, c, id)
	if err != nil {
		return Item{}, err
	}
	if it.Kind != KindCollection {
		return Item{}, fmt.Errorf("item %s is not a box set: %w", id, ErrNotFound)
	}
	if it.MatchKey != "" {
		return Item{}, Invalid("id", "this box set follows its movies' collection field: change the movies' collection instead")
	}
	return it, nil
}

// members returns the items of ids in order, without duplicates; every one must exist and be
// visible to c, and none may be a box set.
func (s *BoxSets) members(ctx context.Context, c Caller, in []ItemID) ([]Item, error) {
	if len(in) > MaxBoxSetMembers {
		return nil, Invalid("ids", "a box set holds at most %d items", MaxBoxSetMembers)
	}
	found, err := s.items.GetMany(ctx, c, in)
	if err != nil {
		return nil, err
	}
	uniq := slices.Compact(slices.Sorted(slices.Values(in)))
	if len(found) != len(uniq) {
		return nil, Invalid("ids", "unknown item among %d", len(in))
	}
	for _, it := range found {
		if it.Kind == KindCollection {
			return nil, Invalid("ids", "a box set cannot hold another")
		}
	}
	return found, nil
}

func itemIDs(items []Item) []ItemID {
	out := make([]ItemID, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}
