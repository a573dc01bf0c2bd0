package jellyfin

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"math"
	"time"

	"github.com/walros/walros/core"
	"golang.org/x/sync/errgroup"
)

// page is what the DTOs of one response are built from: the items' metadata, files, ancestors and
// the caller's user data, each loaded for the whole page at once (a fixed number of queries,
// never one per item: lists of 100 items must stay within a few milliseconds).
type page struct {
	opts   dtoOptions
	batch  core.Batch
	data   map[core.ItemID]core.UserData
	hashes map[string]string // blurhash by image tag
}

// loadPage loads what DTOs of items need.
func (h *Handler) loadPage(ctx context.Context, caller core.Caller, items []core.Item, o dtoOptions) (*page, error) {
	o.noDownloads = caller.NoDownloads
	p := &page{opts: o}
	g, gctx := errgroup.WithContext(ctx) // the user data does not wait for the rest
	g.Go(func() (err error) {
		p.batch, err = h.batch(gctx, caller, items, o.batchParts())
		return err
	})
	if o.userData && len(items) > 0 {
		ids := make([]core.ItemID, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		g.Go(func() (err error) {
			p.data, err = h.UserData.Get(gctx, caller, ids...)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if o.blurHash {
		p.hashes = h.blurHashes(ctx, items, p.batch)
	}
	return p, nil
}

// batchItems is the part of core.Items that lists need beyond itemService.
type batchItems interface {
	Batch(ctx context.Context, c core.Caller, items []core.Item, parts core.BatchParts) (core.Batch, error)
	GetMany(ctx context.Context, c core.Caller, ids []core.ItemID) ([]core.Item, error)
}

// dtos loads and maps a list of items.
func (h *Handler) dtos(ctx context.Context, caller core.Caller, items []core.Item, o dtoOptions) ([]baseItemDto, error) {
	p, err := h.loadPage(ctx, caller, items, o)
	if err != nil {
		return nil, err
	}
	out := make([]baseItemDto, len(items))
	for i, it := range items {
		out[i] = h.itemDto(it, p)
	}
	return out, nil
}

// blurHashes computes the placeholders of the items' own images within a short budget: a first
// hash decodes the picture, and a detail page must not wait for a slow download.
func (h *Handler) blurHashes(ctx context.Context, items []core.Item, b core.Batch) map[string]string {
	out := map[string]string{}
	if h.Artwork == nil {
		return out
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	for _, it := range items {
		for _, im := range b.Metadata[it.ID].Images {
			if ctx.Err() != nil {
				return out
			}
			if hash, err := h.Artwork.BlurHash(ctx, im); err == nil {
				out[imageTag(im)] = hash
			}
		}
	}
	return out
}

// imageTag is an image's tag: any stable hash does (Jellyfin hashes path and date); clients only
// send it back as tag= to make their URLs cacheable.
func imageTag(im core.Image) string {
	sum := md5.Sum([]byte(string(im.Kind) + "\x00" + im.Path + "\x00" + im.URL))
	return hex.EncodeToString(sum[:])
}

// imagesOf returns the first image of each kind, and the backdrops in order.
func imagesOf(m core.Metadata) (first map[core.ImageKind]core.Image, backdrops []core.Image) {
	first = map[core.ImageKind]core.Image{}
	for _, im := range m.Images {
		if im.Kind == core.ImageBackdrop {
			backdrops = append(backdrops, im)
		}
		if _, ok := first[im.Kind]; !ok {
			first[im.Kind] = im
		}
	}
	return first, backdrops
}

// aspectRatio is the usual shape of an item's primary image: Walros does not read image sizes
// when listing, and clients use the ratio only to lay out cards before the pictures load.
func aspectRatio(k core.ItemKind) float64 {
	switch k {
	case core.KindEpisode, core.KindVideo:
		return 16.0 / 9
	case core.KindArtist, core.KindAlbum, core.KindTrack:
		return 1
	}
	return 2.0 / 3
}

// itemDto maps one item of a loaded page.
func (h *Handler) itemDto(it core.Item, p *page) baseItemDto {
	m := p.batch.Metadata[it.ID]
	fs := p.opts.fields
	d := baseItemDto{Name: it.Title, ServerId: h.ServerID, Id: jid(it.ID), Type: itemType(it.Kind), IsFolder: isFolder(it.Kind),
		MediaType: mediaType(it.Kind), LocationType: "FileSystem", IndexNumber: it.IndexNumber, IndexNumberEnd: it.IndexEnd,
		ParentIndexNumber: it.ParentIndex, ChannelId: nil, OfficialRating: m.OfficialRating}
	if it.Year > 0 {
		d.ProductionYear = ptr(it.Year)
	}
	if rt := it.Runtime; rt > 0 {
		d.RunTimeTicks = ptr(toTicks(rt))
	} else if m.Runtime > 0 {
		d.RunTimeTicks = ptr(toTicks(m.Runtime))
	}
	if !m.Premiere.IsZero() {
		d.PremiereDate = timePtr(m.Premiere)
	} else if t, err := time.Parse("2006-01-02", it.AirDate); err == nil {
		d.PremiereDate = timePtr(t)
	}
	if m.CommunityScore > 0 {
		d.CommunityRating = ptr(m.CommunityScore)
	}
	if m.CriticScore > 0 {
		d.CriticRating = ptr(m.CriticScore)
	}
	if p.opts.images {
		h.images(&d, it, m, p)
	}
	h.lineage(&d, it, p)
	if p.opts.userData {
		ud, ok := p.data[it.ID]
		if !ok {
			ud = core.UserData{ItemID: it.ID}
		}
		u := toUserData(ud)
		d.UserData = &u
	}
	if n, ok := p.batch.ChildCounts[it.ID]; ok && p.opts.childInfo {
		d.ChildCount = ptr(n)
		// The playable items under a folder: user data counts them as unplayed and a played share.
		if ud, ok := p.data[it.ID]; ok && ud.UnplayedCount != nil && ud.PlayedPercent < 100 {
			d.RecursiveItemCount = ptr(int(math.Round(float64(*ud.UnplayedCount) / (1 - ud.PlayedPercent/100))))
		}
	} else if p.opts.childInfo && isFolder(it.Kind) {
		d.ChildCount = ptr(0)
	}
	h.gated(&d, it, m, p)
	if files, ok := p.batch.Files[it.ID]; ok && len(files) > 0 {
		mediaFields(&d, it, files, fs)
	} else if n := p.batch.FileCounts[it.ID]; n.Versions > 0 {
		if fs.has("MediaSourceCount") {
			d.MediaSourceCount = ptr(n.Versions)
		}
		if n.Parts > 1 {
			d.PartCount = ptr(n.Parts)
		}
	}
	return d
}

// images fills the item's own image tags, and those it inherits from its series (episodes and
// seasons) or album (tracks): without them clients show blank cards.
func (h *Handler) images(d *baseItemDto, it core.Item, m core.Metadata, p *page) {
	first, backdrops := imagesOf(m)
	d.ImageTags = map[string]string{}
	hashes := map[string]map[string]string{}
	addHash := func(im core.Image, tag string) {
		hash, ok := "", false
		switch {
		case len(p.hashes) > 0:
			hash, ok = p.hashes[tag]
		case im.Kind == core.ImagePrimary && it.BlurHash != "":
			// Lists compute no blurhash, but the store keeps the primary image's on the item's
			// row (decision 0036): jellyfin-web draws it on the card for nothing.
			hash, ok = it.BlurHash, true
		}
		if ok {
			k := string(im.Kind)
			if hashes[k] == nil {
				hashes[k] = map[string]string{}
			}
			hashes[k][tag] = hash
		}
	}
	for k, im := range first {
		if k != core.ImageBackdrop {
			tag := imageTag(im)
			d.ImageTags[string(k)] = tag
			addHash(im, tag)
		}
	}
	d.BackdropImageTags = []string{}
	for _, im := range backdrops {
		tag := imageTag(im)
		d.BackdropImageTags = append(d.BackdropImageTags, tag)
		if len(p.hashes) > 0 { // lists compute no blurhash: spare a second md5 of every image
			addHash(im, tag)
		}
	}
	if len(hashes) > 0 {
		d.ImageBlurHashes = hashes
	}
	if _, ok := first[core.ImagePrimary]; ok && p.opts.fields.has("PrimaryImageAspectRatio") {
		d.PrimaryImageAspectRatio = ptr(aspectRatio(it.Kind))
	}
	// The nearest ancestors with each kind of image lend theirs.
	for _, anc := range ancestorsOf(it, p.batch.Ancestors) {
		af, ab := imagesOf(p.batch.Metadata[anc.ID])
		if len(backdrops) == 0 && len(ab) > 0 && d.ParentBackdropItemId == "" {
			d.ParentBackdropItemId = jid(anc.ID)
			for _, im := range ab {
				d.ParentBackdropImageTags = append(d.ParentBackdropImageTags, imageTag(im))
			}
		}
		if im, ok := af[core.ImageLogo]; ok && d.ParentLogoItemId == "" {
			d.ParentLogoItemId, d.ParentLogoImageTag = jid(anc.ID), imageTag(im)
		}
		if im, ok := af[core.ImageThumb]; ok && d.ParentThumbItemId == "" {
			d.ParentThumbItemId, d.ParentThumbImageTag = jid(anc.ID), imageTag(im)
		}
		if im, ok := af[core.ImageArt]; ok && d.ParentArtItemId == "" {
			d.ParentArtItemId, d.ParentArtImageTag = jid(anc.ID), imageTag(im)
		}
		if im, ok := af[core.ImagePrimary]; ok {
			if _, own := first[core.ImagePrimary]; !own && d.ParentPrimaryImageItemId == "" {
				d.ParentPrimaryImageItemId, d.ParentPrimaryImageTag = jid(anc.ID), imageTag(im)
			}
			switch anc.Kind {
			case core.KindSeries:
				d.SeriesPrimaryImageTag = imageTag(im)
			case core.KindAlbum:
				d.AlbumPrimaryImageTag = imageTag(im)
			}
		}
		if im, ok := af[core.ImageThumb]; ok && anc.Kind == core.KindSeries {
			d.SeriesThumbImageTag = imageTag(im)
		}
	}
}

// ancestorsOf returns an item's loaded parent, then grandparent.
func ancestorsOf(it core.Item, loaded map[core.ItemID]core.Item) []core.Item {
	var out []core.Item
	for id := it.ParentID; id != "" && len(out) < 3; {
		anc, ok := loaded[id]
		if !ok {
			break
		}
		out = append(out, anc)
		id = anc.ParentID
	}
	return out
}

// lineage fills what an episode, season or track says about its series, season or album.
func (h *Handler) lineage(d *baseItemDto, it core.Item, p *page) {
	for _, anc := range ancestorsOf(it, p.batch.Ancestors) {
		switch anc.Kind {
		case core.KindSeries:
			d.SeriesName, d.SeriesId = anc.Title, jid(anc.ID)
		case core.KindSeason:
			d.SeasonId, d.SeasonName = jid(anc.ID), anc.Title
		case core.KindAlbum:
			d.Album, d.AlbumId = anc.Title, jid(anc.ID)
		case core.KindArtist:
			d.AlbumArtist = anc.Title
			d.Artists = []string{anc.Title}
			d.ArtistItems = []nameGuidPair{{Name: anc.Title, Id: jid(anc.ID)}}
			d.AlbumArtists = d.ArtistItems
		}
	}
	if it.Kind == core.KindSeason && d.IndexNumber == nil {
		d.IndexNumber = ptr(0)
	}
}

// batch loads a page's metadata through core.Items' batch queries; another itemService (a test
// fake) is read one item at a time.
func (h *Handler) batch(ctx context.Context, caller core.Caller, items []core.Item, parts core.BatchParts) (core.Batch, error) {
	if bi, ok := h.Items.(batchItems); ok {
		return bi.Batch(ctx, caller, items, parts)
	}
	b := core.Batch{Metadata: map[core.ItemID]core.Metadata{}, Files: map[core.ItemID][]core.MediaFile{},
		FileCounts: map[core.ItemID]core.FileCount{}, Ancestors: map[core.ItemID]core.Item{}, ChildCounts: map[core.ItemID]int{}}
	for _, it := range items {
		m, err := h.Items.Metadata(ctx, caller, it.ID)
		if err != nil {
			return core.Batch{}, err
		}
		b.Metadata[it.ID] = m
		if parts.Files || parts.FileCounts {
			files, err := h.Items.Files(ctx, caller, it.ID)
			if err != nil {
				return core.Batch{}, err
			}
			b.FileCounts[it.ID] = core.CountFiles(files)
			if parts.Files {
				b.Files[it.ID] = files
			}
		}
		for id := it.ParentID; parts.Ancestors && id != ""; {
			anc, err := h.Items.Get(ctx, caller, id)
			if err != nil {
				break
			}
			b.Ancestors[id] = anc
			if b.Metadata[id], err = h.Items.Metadata(ctx, caller, id); err != nil {
				return core.Batch{}, err
			}
			id = anc.ParentID
		}
	}
	return b, nil
}

// getMany returns the visible items of ids, in order.
func (h *Handler) getMany(ctx context.Context, caller core.Caller, ids []core.ItemID) ([]core.Item, error) {
	if bi, ok := h.Items.(batchItems); ok {
		return bi.GetMany(ctx, caller, ids)
	}
	var out []core.Item
	for _, id := range ids {
		if it, err := h.Items.Get(ctx, caller, id); err == nil {
			out = append(out, it)
		}
	}
	return out, nil
}
