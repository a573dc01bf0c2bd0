package jellyfin

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/maphash"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"golang.org/x/sync/errgroup"
)

// A page of 100 cards costs more to map and encode than to read from the store's page caches, so
// lists keep each item's encoded card when the item service offers a card cache (cardStore, the
// store's, found by type assertion like core's batch stores). A card is encoded without the
// caller's user data, the only part that differs between users, which is spliced in per request
// where the encoder would have written it: the answer is the same bytes as writeJSON's.

// cardStore keeps encoded cards at a write generation (core.Items passes the store's on).
type cardStore = core.CardStore

// cardKey is what a card depends on besides the item: the options that change it.
func (o dtoOptions) cardKey() (key string, ok bool) {
	// Details (every field, blurhashes) are not lists; child counts come with a recursive count
	// that depends on the user's data.
	if o.fields.all || o.blurHash || o.childInfo {
		return "", false
	}
	names := make([]string, 0, len(o.fields.names))
	for n, on := range o.fields.names {
		if on {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	key = strconv.FormatBool(o.images) + "|" + strings.Join(names, ",")
	if o.noDownloads && o.fields.has("CanDownload") {
		key += "|nodownloads"
	}
	return key, true
}

// userDataField is how the encoder writes an empty UserData: found in an encoded card, it marks
// where the caller's goes. Quotes inside strings are escaped, so only the field itself matches.
var userDataField = func() []byte {
	b, err := json.Marshal(struct{ UserData *userItemDataDto }{&userItemDataDto{}})
	if err != nil {
		panic(err)
	}
	return append([]byte{','}, bytes.TrimSuffix(bytes.TrimPrefix(b, []byte("{")), []byte("}"))...)
}()

// writeCards is writeItems through cs; ok is false when it wrote nothing and writeItems must.
func (h *Handler) writeCards(c *gin.Context, cs cardStore, viewer core.Caller, items []core.Item, total, offset int, o dtoOptions) (ok bool) {
	cards, data, ok, err := h.cards(c.Request.Context(), cs, viewer, items, o)
	switch {
	case !ok:
		return false
	case err != nil:
		h.fail(c, err)
		return true
	}
	buf := pageBuffers.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= maxPooledPage {
			pageBuffers.Put(buf)
		}
	}()
	b, err := appendCards((*buf)[:0], items, cards, data, o.userData, total, offset)
	if err != nil {
		return false
	}
	*buf = b
	c.Data(http.StatusOK, "application/json; charset=utf-8", b) // written before it returns
	return true
}

// cardSeed seeds the hash of the options a card depends on (core.CardKey.Sig): cards live in this
// process only.
var cardSeed = maphash.MakeSeed()

// pageBuffers hold the bytes of list pages between requests: a page of 100 cards is 75 KB, which
// allocated afresh for each request was a good part of the garbage a busy server collected.
var pageBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledPage is the largest page buffer kept for another request.
const maxPooledPage = 1 << 20

// cards returns the cards of items, encoding and keeping those cs lacks, and the viewer's data of
// each when o asks for it; ok is false when o's lists have no cards or cs keeps none, or when a
// card could not be encoded.
func (h *Handler) cards(ctx context.Context, cs cardStore, viewer core.Caller, items []core.Item, o dtoOptions) (cards [][]byte, data map[core.ItemID]core.UserData, ok bool, err error) {
	sig, ok := o.cardKey()
	if !ok {
		return nil, nil, false, nil
	}
	gen, ok := cs.CardStamp() // before anything is read: a write after it makes what is kept unused
	if !ok {
		return nil, nil, false, nil
	}
	keys := make([]core.CardKey, len(items))
	sum := maphash.String(cardSeed, h.ServerID+"|"+sig) // cards carry the server's id
	for i, it := range items {
		keys[i] = core.CardKey{Item: it.Key, Updated: it.UpdatedAt.UnixNano(), Sig: sum}
	}
	cards = cs.Cards(gen, keys)
	var missing []core.Item
	for i, it := range items {
		if it.Key == 0 { // not from the store (no key to keep its card under)
			cards[i] = nil
		}
		if cards[i] == nil {
			missing = append(missing, it)
		}
	}
	p := &page{opts: o}
	g, gctx := errgroup.WithContext(ctx)
	if len(missing) > 0 {
		g.Go(func() (err error) {
			p.batch, err = h.batch(gctx, viewer, missing, o.batchParts())
			return err
		})
	}
	if o.userData && len(items) > 0 {
		ids := make([]core.ItemID, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		g.Go(func() (err error) {
			p.data, err = h.UserData.Get(gctx, viewer, ids...)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, true, err
	}
	if len(missing) > 0 {
		var newKeys []core.CardKey
		var newCards [][]byte
		for i, it := range items {
			if cards[i] != nil {
				continue
			}
			card, err := encodeCard(h.itemDto(it, p))
			if err != nil {
				return nil, nil, false, nil
			}
			cards[i] = card
			if it.Key != 0 {
				newKeys, newCards = append(newKeys, keys[i]), append(newCards, card)
			}
		}
		cs.KeepCards(gen, newKeys, newCards)
	}
	return cards, p.data, true, nil
}

// encodeCard encodes d without its UserData, prefixed with where UserData goes (4 bytes).
func encodeCard(d baseItemDto) ([]byte, error) {
	d.UserData = &userItemDataDto{}
	b, err := encode(nil, d)
	if err != nil {
		return nil, err
	}
	at := bytes.Index(b, userDataField)
	if at < 0 {
		return nil, errNoUserData
	}
	card := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(b)-len(userDataField)), uint32(at))
	card = append(card, b[:at]...)
	return append(card, b[at+len(userDataField):]...), nil
}

// errNoUserData: the card was not encoded as expected; the page is then written by writeJSON.
var errNoUserData = errors.New("encoded card without UserData")

// appendCards writes the query result of items from their cards and, with userData, the user's
// data of each, as writeJSON writes a queryResult[baseItemDto].
func appendCards(b []byte, items []core.Item, cards [][]byte, data map[core.ItemID]core.UserData, userData bool, total, offset int) ([]byte, error) {
	size := 64
	for _, card := range cards {
		size += len(card) + 300
	}
	b = slices.Grow(b, size)
	b = append(b, `{"Items":[`...)
	var err error
	for i, card := range cards {
		if i > 0 {
			b = append(b, ',')
		}
		at := int(binary.BigEndian.Uint32(card))
		card = card[4:]
		b = append(b, card[:at]...)
		if userData {
			ud, ok := data[items[i].ID]
			if !ok {
				ud = core.UserData{ItemID: items[i].ID}
			}
			b = append(b, `,"UserData":`...)
			if b, err = appendUserData(b, ud); err != nil {
				return nil, err
			}
		}
		b = append(b, card[at:]...)
	}
	b = append(b, `],"TotalRecordCount":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"StartIndex":`...)
	b = strconv.AppendInt(b, int64(offset), 10)
	return append(b, '}'), nil
}

// encode appends v as writeJSON encodes it (no HTML escaping), without the newline.
func encode(b []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// cardsOf returns the card cache of the item service, if it has one.
func (h *Handler) cardsOf() (cardStore, bool) {
	cs, ok := h.Items.(cardStore)
	return cs, ok
}

// appendUserData appends d as encode writes toUserData(d). Most items of a list have no rating,
// progress, likes or plays: those are written by hand, the others by encode.
func appendUserData(b []byte, d core.UserData) ([]byte, error) {
	if d.Rating != nil || d.PlayedPercent > 0 || d.UnplayedCount != nil || d.Likes != nil || d.LastPlayedAt != nil ||
		!plainJSON(string(d.ItemID)) {
		return encode(b, toUserData(d))
	}
	b = append(b, `{"PlaybackPositionTicks":`...)
	b = strconv.AppendInt(b, toTicks(d.Position), 10)
	b = append(b, `,"PlayCount":`...)
	b = strconv.AppendInt(b, int64(d.PlayCount), 10)
	b = append(b, `,"IsFavorite":`...)
	b = strconv.AppendBool(b, d.Favorite)
	b = append(b, `,"Played":`...)
	b = strconv.AppendBool(b, d.Played)
	b = append(b, `,"Key":"`...)
	b = appendJID(b, d.ItemID)
	b = append(b, `","ItemId":"`...)
	b = appendJID(b, d.ItemID)
	return append(b, `"}`...), nil
}

// appendJID appends jid(id) without making the string.
func appendJID(b []byte, id core.ItemID) []byte {
	s := string(id)
	for {
		i := strings.IndexByte(s, '-')
		if i < 0 {
			return append(b, s...)
		}
		b, s = append(b, s[:i]...), s[i+1:]
	}
}

// plainJSON reports whether s is written in JSON as it is, between quotes: letters, digits and
// dashes only (item ids are).
func plainJSON(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}
