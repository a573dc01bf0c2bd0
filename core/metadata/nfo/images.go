package nfo

import (
	"net/url"
	"strings"

	"github.com/walros/walros/core"
)

// imageKinds maps the aspect of a <thumb> to an image kind.
var imageKinds = map[string]core.ImageKind{
	"": core.ImagePrimary, "poster": core.ImagePrimary, "keyart": core.ImagePrimary, "cover": core.ImagePrimary,
	"fanart": core.ImageBackdrop, "backdrop": core.ImageBackdrop, "banner": core.ImageBanner,
	"clearlogo": core.ImageLogo, "logo": core.ImageLogo, "landscape": core.ImageThumb, "thumb": core.ImageThumb,
	"clearart": core.ImageArt, "discart": core.ImageDisc,
}

// thumb adds the image of a <thumb>. One inside <fanart> is a backdrop, whose path may be relative
// to the fanart's url attribute, as Kodi's old TMDb scraper wrote it.
func (b *builder) thumb(e *node, fanart bool, base string) {
	if e.attr("season") != "" || strings.EqualFold(e.attr("type"), "season") {
		return // tvshow.nfo also lists the art of each season
	}
	kind, ok := imageKinds[strings.ToLower(e.attr("aspect"))]
	switch {
	case fanart:
		kind, ok = core.ImageBackdrop, true
	case kind == core.ImageThumb && (b.kind == KindArtist || b.kind == KindAlbum):
		kind = core.ImagePrimary // Kodi's "thumb" of an artist or album is its picture, or cover
	}
	loc := e.value()
	if loc == "" {
		loc = e.attr("preview")
	}
	if base != "" && strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") {
		loc = strings.TrimSuffix(base, "/") + loc
	}
	if !ok || loc == "" {
		return
	}
	img := core.Image{Kind: kind}
	lower := strings.ToLower(loc)
	switch {
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		img.URL = loc
	case strings.HasPrefix(lower, "file://"):
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" && !strings.EqualFold(u.Host, "localhost") {
			return // file://server/share/...: another machine's file
		}
		if img.Path = clean(u.Path); img.Path == "" {
			return
		}
		if len(img.Path) > 2 && img.Path[0] == '/' && img.Path[2] == ':' {
			img.Path = img.Path[1:] // file:///C:/Movies/poster.jpg
		}
	case strings.Contains(loc, "://"):
		return // smb://, nfs://, Kodi's image://: nothing Walros can open
	default:
		img.Path = loc // as written: absolute, or relative to the NFO file
	}
	if key := "image\x00" + string(img.Kind) + "\x00" + img.URL + "\x00" + img.Path; !b.seen[key] {
		b.seen[key] = true
		b.m.Images = append(b.m.Images, img)
	}
}
