package store

import (
	"context"
	"testing"

	"github.com/walros/walros/core"
)

// The helpers of the tests of what items' rows copy from their first Primary image (blurhashes.go,
// imagetags.go): library "l" holds items a, b and c.

// setImages replaces an item's images through the one writer of item_images.
func setImages(t *testing.T, st Stores, id core.ItemID, images ...core.Image) {
	t.Helper()
	if _, err := st.Metadata.UpdateMetadata(context.Background(), id, func(m *core.Metadata) error { m.Images = images; return nil }); err != nil {
		t.Fatal(err)
	}
}

// listed reads field of each item of library "l" from a list, as clients do (through the list
// caches).
func listed(t *testing.T, st Stores, field func(core.Item) string) map[core.ItemID]string {
	t.Helper()
	items, _, err := st.Items.Items(context.Background(), core.ItemQuery{Library: "l", Sort: core.SortTitle, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	out := map[core.ItemID]string{}
	for _, it := range items {
		out[it.ID] = field(it)
	}
	return out
}
