package jellyfin

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
)

// baseItemDto is Jellyfin's BaseItemDto: every item, folder and library view on the wire. Optional
// fields are pointers or omitempty so that what Walros does not know is omitted, as Jellyfin omits
// nulls; list endpoints fill only the basic set plus the Fields asked for (see fields.go).
type baseItemDto struct {
	Name                     string
	OriginalTitle            string `json:",omitempty"`
	ServerId                 string
	Id                       string
	Etag                     string            `json:",omitempty"`
	DateCreated              *jfTime           `json:",omitempty"`
	CanDelete                *bool             `json:",omitempty"`
	CanDownload              *bool             `json:",omitempty"`
	HasSubtitles             *bool             `json:",omitempty"`
	Container                string            `json:",omitempty"`
	SortName                 string            `json:",omitempty"`
	PremiereDate             *jfTime           `json:",omitempty"`
	ExternalUrls             []externalURL     `json:",omitempty"`
	MediaSources             []mediaSourceInfo `json:",omitempty"`
	CriticRating             *float64          `json:",omitempty"`
	ProductionLocations      []string          `json:",omitempty"`
	Path                     string            `json:",omitempty"`
	EnableMediaSourceDisplay *bool             `json:",omitempty"`
	OfficialRating           string            `json:",omitempty"`
	ChannelId                *string           `json:",omitempty"`
	Overview                 string            `json:",omitempty"`
	Taglines                 []string          `json:",omitempty"`
	Genres                   []string          `json:",omitempty"`
	CommunityRating          *float64          `json:",omitempty"`
	CumulativeRunTimeTicks   *int64            `json:",omitempty"`
	RunTimeTicks             *int64            `json:",omitempty"`
	PlayAccess               string            `json:",omitempty"`
	ProductionYear           *int              `json:",omitempty"`
	IndexNumber              *int              `json:",omitempty"`
	IndexNumberEnd           *int              `json:",omitempty"`
	ParentIndexNumber        *int              `json:",omitempty"`
	RemoteTrailers           []any             `json:",omitempty"`
	ProviderIds              map[string]string `json:",omitempty"`
	IsHD                     *bool             `json:",omitempty"`
	IsFolder                 bool
	ParentId                 string `json:",omitempty"`
	Type                     string
	People                   []baseItemPerson             `json:",omitempty"`
	Studios                  []nameGuidPair               `json:",omitempty"`
	GenreItems               []nameGuidPair               `json:",omitempty"`
	ParentLogoItemId         string                       `json:",omitempty"`
	ParentBackdropItemId     string                       `json:",omitempty"`
	ParentBackdropImageTags  []string                     `json:",omitempty"`
	LocalTrailerCount        *int                         `json:",omitempty"`
	UserData                 *userItemDataDto             `json:",omitempty"`
	RecursiveItemCount       *int                         `json:",omitempty"`
	ChildCount               *int                         `json:",omitempty"`
	SeriesName               string                       `json:",omitempty"`
	SeriesId                 string                       `json:",omitempty"`
	SeasonId                 string                       `json:",omitempty"`
	SpecialFeatureCount      *int                         `json:",omitempty"`
	DisplayPreferencesId     string                       `json:",omitempty"`
	Status                   string                       `json:",omitempty"`
	AirDays                  []string                     `json:",omitempty"`
	Tags                     []string                     `json:",omitempty"`
	PrimaryImageAspectRatio  *float64                     `json:",omitempty"`
	Artists                  []string                     `json:",omitempty"`
	ArtistItems              []nameGuidPair               `json:",omitempty"`
	Album                    string                       `json:",omitempty"`
	CollectionType           string                       `json:",omitempty"`
	AlbumId                  string                       `json:",omitempty"`
	AlbumPrimaryImageTag     string                       `json:",omitempty"`
	SeriesPrimaryImageTag    string                       `json:",omitempty"`
	AlbumArtist              string                       `json:",omitempty"`
	AlbumArtists             []nameGuidPair               `json:",omitempty"`
	SeasonName               string                       `json:",omitempty"`
	MediaStreams             []mediaStream                `json:",omitempty"`
	VideoType                string                       `json:",omitempty"`
	PartCount                *int                         `json:",omitempty"`
	MediaSourceCount         *int                         `json:",omitempty"`
	ImageTags                map[string]string            `json:",omitempty"`
	BackdropImageTags        []string                     `json:",omitempty"`
	ParentLogoImageTag       string                       `json:",omitempty"`
	ParentArtItemId          string                       `json:",omitempty"`
	ParentArtImageTag        string                       `json:",omitempty"`
	SeriesThumbImageTag      string                       `json:",omitempty"`
	ImageBlurHashes          map[string]map[string]string `json:",omitempty"`
	SeriesStudio             string                       `json:",omitempty"`
	ParentThumbItemId        string                       `json:",omitempty"`
	ParentThumbImageTag      string                       `json:",omitempty"`
	ParentPrimaryImageItemId string                       `json:",omitempty"`
	ParentPrimaryImageTag    string                       `json:",omitempty"`
	Chapters                 []chapterInfo                `json:",omitempty"`
	LocationType             string                       `json:",omitempty"`
	MediaType                string
	EndDate                  *jfTime  `json:",omitempty"`
	LockedFields             []string `json:",omitempty"`
	LockData                 *bool    `json:",omitempty"`
	Width                    *int     `json:",omitempty"`
	Height                   *int     `json:",omitempty"`
}

type externalURL struct{ Name, Url string }

type nameGuidPair struct{ Name, Id string }

type baseItemPerson struct {
	Name            string
	Id              string
	Role            string `json:",omitempty"`
	Type            string
	PrimaryImageTag string `json:",omitempty"`
}

type chapterInfo struct {
	StartPositionTicks int64
	Name               string
}

// userItemDataDto is Jellyfin's UserItemDataDto.
type userItemDataDto struct {
	Rating                *float64 `json:",omitempty"`
	PlayedPercentage      *float64 `json:",omitempty"`
	UnplayedItemCount     *int     `json:",omitempty"`
	PlaybackPositionTicks int64
	PlayCount             int
	IsFavorite            bool
	Likes                 *bool   `json:",omitempty"`
	LastPlayedDate        *jfTime `json:",omitempty"`
	Played                bool
	Key                   string
	ItemId                string
}

// mediaSourceInfo is Jellyfin's MediaSourceInfo: one version (file) of an item. Its Id is the
// file's id, which clients pass back as mediaSourceId.
type mediaSourceInfo struct {
	Protocol                            string
	Id                                  string
	Path                                string `json:",omitempty"`
	Type                                string
	Container                           string
	Size                                int64 `json:",omitempty"`
	Name                                string
	IsRemote                            bool
	ETag                                string
	RunTimeTicks                        *int64 `json:",omitempty"`
	ReadAtNativeFramerate               bool
	IgnoreDts                           bool
	IgnoreIndex                         bool
	GenPtsInput                         bool
	SupportsTranscoding                 bool
	SupportsDirectStream                bool
	SupportsDirectPlay                  bool
	IsInfiniteStream                    bool
	UseMostCompatibleTranscodingProfile bool
	RequiresOpening                     bool
	RequiresClosing                     bool
	RequiresLooping                     bool
	SupportsProbing                     bool
	VideoType                           string `json:",omitempty"`
	MediaStreams                        []mediaStream
	MediaAttachments                    []any
	Formats                             []string
	Bitrate                             *int64 `json:",omitempty"`
	RequiredHttpHeaders                 map[string]string
	TranscodingUrl                      string `json:",omitempty"`
	TranscodingSubProtocol              string
	TranscodingContainer                string `json:",omitempty"`
	DefaultAudioStreamIndex             *int   `json:",omitempty"`
	DefaultSubtitleStreamIndex          *int   `json:",omitempty"`
	HasSegments                         bool
}

// mediaStream is Jellyfin's MediaStream. Index is the stream's index in the file (sidecar
// subtitles come after the file's own streams), as in the native API.
type mediaStream struct {
	Codec                  string
	CodecTag               string `json:",omitempty"`
	Language               string `json:",omitempty"`
	TimeBase               string `json:",omitempty"`
	Title                  string `json:",omitempty"`
	VideoRange             string `json:",omitempty"`
	VideoRangeType         string `json:",omitempty"`
	AudioSpatialFormat     string `json:",omitempty"`
	DisplayTitle           string `json:",omitempty"`
	IsInterlaced           bool
	IsAVC                  *bool  `json:",omitempty"`
	ChannelLayout          string `json:",omitempty"`
	BitRate                *int64 `json:",omitempty"`
	BitDepth               *int   `json:",omitempty"`
	Channels               *int   `json:",omitempty"`
	SampleRate             *int   `json:",omitempty"`
	IsDefault              bool
	IsForced               bool
	IsHearingImpaired      bool
	Height                 *int     `json:",omitempty"`
	Width                  *int     `json:",omitempty"`
	AverageFrameRate       *float64 `json:",omitempty"`
	RealFrameRate          *float64 `json:",omitempty"`
	Profile                string   `json:",omitempty"`
	Type                   string
	AspectRatio            string `json:",omitempty"`
	Index                  int
	IsExternal             bool
	DeliveryMethod         string `json:",omitempty"`
	DeliveryUrl            string `json:",omitempty"`
	IsExternalUrl          *bool  `json:",omitempty"`
	IsTextSubtitleStream   bool
	SupportsExternalStream bool
	Path                   string   `json:",omitempty"`
	PixelFormat            string   `json:",omitempty"`
	Level                  *float64 `json:",omitempty"`
	IsAnamorphic           *bool    `json:",omitempty"`
}

// itemType is the BaseItemKind of an item kind.
func itemType(k core.ItemKind) string {
	switch k {
	case core.KindMovie:
		return "Movie"
	case core.KindSeries:
		return "Series"
	case core.KindSeason:
		return "Season"
	case core.KindEpisode:
		return "Episode"
	case core.KindArtist:
		return "MusicArtist"
	case core.KindAlbum:
		return "MusicAlbum"
	case core.KindTrack:
		return "Audio"
	case core.KindCollection:
		return "BoxSet"
	}
	return "Video"
}

// itemKinds maps BaseItemKind names (any case) to item kinds; names Walros has no items of map
// to nothing, and ok is false only for names that are not kinds at all.
func itemKinds(name string) (kinds []core.ItemKind, ok bool) {
	switch strings.ToLower(name) {
	case "movie":
		return []core.ItemKind{core.KindMovie}, true
	case "series":
		return []core.ItemKind{core.KindSeries}, true
	case "season":
		return []core.ItemKind{core.KindSeason}, true
	case "episode":
		return []core.ItemKind{core.KindEpisode}, true
	case "musicartist":
		return []core.ItemKind{core.KindArtist}, true
	case "musicalbum":
		return []core.ItemKind{core.KindAlbum}, true
	case "audio":
		return []core.ItemKind{core.KindTrack}, true
	case "video":
		return []core.ItemKind{core.KindVideo}, true
	case "boxset":
		return []core.ItemKind{core.KindCollection}, true
	}
	return nil, false
}

// isFolder reports whether an item of this kind holds others.
func isFolder(k core.ItemKind) bool {
	switch k {
	case core.KindSeries, core.KindSeason, core.KindArtist, core.KindAlbum, core.KindCollection:
		return true
	}
	return false
}

// mediaType is Jellyfin's MediaType of an item kind.
func mediaType(k core.ItemKind) string {
	switch k {
	case core.KindMovie, core.KindEpisode, core.KindVideo:
		return "Video"
	case core.KindTrack:
		return "Audio"
	}
	return "Unknown"
}

// collectionType is the CollectionType of a library view.
func collectionType(t core.LibraryType) string {
	switch t {
	case core.LibraryMovies:
		return "movies"
	case core.LibraryShows:
		return "tvshows"
	case core.LibraryMusic:
		return "music"
	}
	return "" // mixed: Jellyfin's mixed content has no collection type
}

// streamType is Jellyfin's MediaStreamType.
func streamType(k core.StreamKind) string {
	switch k {
	case core.StreamVideo:
		return "Video"
	case core.StreamAudio:
		return "Audio"
	case core.StreamSubtitle:
		return "Subtitle"
	case core.StreamAttachment:
		return "Attachment"
	}
	return "Data"
}

func ptr[T any](v T) *T { return &v }

// toMediaStream maps a probed stream.
func toMediaStream(s core.Stream) mediaStream {
	m := mediaStream{Codec: s.Codec, Language: s.Language, Title: s.Title, Type: streamType(s.Kind), Index: s.Index,
		IsDefault: s.Default, IsForced: s.Forced, IsHearingImpaired: s.HearingImpaired, Profile: s.Profile,
		IsExternal: s.External != "", IsInterlaced: s.Interlaced}
	if s.Bitrate > 0 {
		m.BitRate = ptr(s.Bitrate)
	}
	switch s.Kind {
	case core.StreamVideo:
		m.Width, m.Height = ptr(s.Width), ptr(s.Height)
		if s.BitDepth > 0 {
			m.BitDepth = ptr(s.BitDepth)
		}
		if s.FrameRate > 0 {
			m.AverageFrameRate, m.RealFrameRate = ptr(s.FrameRate), ptr(s.FrameRate)
		}
		if s.Level > 0 {
			m.Level = ptr(float64(s.Level))
		}
		m.IsAVC = ptr(s.Codec == "h264")
		m.PixelFormat = s.PixelFormat
		m.VideoRange, m.VideoRangeType = videoRange(s.HDR)
		m.AudioSpatialFormat = "None"
		m.DisplayTitle = videoTitle(s)
	case core.StreamAudio:
		if s.Channels > 0 {
			m.Channels = ptr(s.Channels)
		}
		if s.SampleRate > 0 {
			m.SampleRate = ptr(s.SampleRate)
		}
		m.ChannelLayout = s.ChannelLayout
		m.AudioSpatialFormat = "None"
		m.DisplayTitle = joinTitle(languageName(s.Language), strings.ToUpper(playback.Codec(s.Codec)), channelsName(s.Channels), flag(s.Default, "Default"))
	case core.StreamSubtitle:
		m.IsTextSubtitleStream = !playback.ImageSubtitle(s.Codec)
		m.SupportsExternalStream = m.IsTextSubtitleStream
		if s.External != "" {
			m.Path = s.External
		}
		m.DisplayTitle = joinTitle(languageName(s.Language), strings.ToUpper(playback.SubtitleFormat(s.Codec)),
			flag(s.Forced, "Forced"), flag(s.Default, "Default"), flag(s.External != "", "External"))
	}
	return m
}

func videoRange(hdr string) (rng, typ string) {
	switch hdr {
	case core.HDR10, core.HDR10Plus:
		return "HDR", "HDR10"
	case core.HDRHLG:
		return "HDR", "HLG"
	case core.HDRDolbyVision:
		return "HDR", "DOVI"
	}
	return "SDR", "SDR"
}

func videoTitle(s core.Stream) string {
	res := ""
	switch h := s.Height; {
	case h >= 2000 || s.Width >= 3800:
		res = "4K"
	case h > 0:
		res = fmt.Sprintf("%dp", standardHeight(s.Width, h))
	}
	rng, _ := videoRange(s.HDR)
	return joinTitle(res, strings.ToUpper(playback.Codec(s.Codec)), rng)
}

// standardHeight rounds a frame height to the usual names: a 1920×800 film is "1080p".
func standardHeight(w, h int) int {
	for _, std := range []struct{ w, h int }{{1920, 1080}, {1280, 720}, {720, 576}, {720, 480}} {
		if w >= std.w-16 || h >= std.h {
			return std.h
		}
	}
	return h
}

func channelsName(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "Mono"
	case 2:
		return "Stereo"
	case 6:
		return "5.1"
	case 8:
		return "7.1"
	}
	return fmt.Sprintf("%d ch", n)
}

func flag(on bool, s string) string {
	if on {
		return s
	}
	return ""
}

func joinTitle(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " - ")
}

// toMediaSource maps one file of an item. name is what tells it from its siblings.
func toMediaSource(f core.MediaFile, name string) mediaSourceInfo {
	container := playback.Container(f.Info.Container, f.Path)
	ms := mediaSourceInfo{Protocol: "File", Id: jid(f.ID), Path: f.Path, Type: "Default", Container: container,
		Size: f.Size, Name: name, ETag: etag(f), SupportsTranscoding: true, SupportsDirectStream: true,
		SupportsDirectPlay: true, SupportsProbing: true, MediaStreams: []mediaStream{}, MediaAttachments: []any{},
		Formats: []string{}, RequiredHttpHeaders: map[string]string{}, TranscodingSubProtocol: "http"}
	if ms.Name == "" {
		ms.Name = strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))
	}
	if f.Info.Duration > 0 {
		ms.RunTimeTicks = ptr(toTicks(f.Info.Duration))
	}
	if f.Info.Bitrate > 0 {
		ms.Bitrate = ptr(f.Info.Bitrate)
	}
	hasVideo := false
	for _, s := range f.Info.Streams {
		if s.Kind == core.StreamAttachment || s.Kind == core.StreamData {
			continue
		}
		ms.MediaStreams = append(ms.MediaStreams, toMediaStream(s))
		switch s.Kind {
		case core.StreamVideo:
			hasVideo = true
		case core.StreamAudio:
			// The first audio track, or the first one flagged default.
			if ms.DefaultAudioStreamIndex == nil || s.Default && !defaultAt(f.Info.Streams, *ms.DefaultAudioStreamIndex) {
				ms.DefaultAudioStreamIndex = ptr(s.Index)
			}
		case core.StreamSubtitle:
			if s.Default || s.Forced {
				if ms.DefaultSubtitleStreamIndex == nil {
					ms.DefaultSubtitleStreamIndex = ptr(s.Index)
				}
			}
		}
	}
	if ms.DefaultSubtitleStreamIndex == nil {
		ms.DefaultSubtitleStreamIndex = ptr(-1)
	}
	if hasVideo {
		ms.VideoType = "VideoFile"
	}
	return ms
}

func defaultAt(streams []core.Stream, index int) bool {
	for _, s := range streams {
		if s.Index == index {
			return s.Default
		}
	}
	return false
}

// etag changes whenever the file does: clients pass it back as Tag= for caching.
func etag(f core.MediaFile) string {
	return fmt.Sprintf("%x", fmt.Sprintf("%s-%d-%d", f.ID, f.Size, f.ModTime.UnixNano()))[:32]
}

// languageName turns a language code into the English name clients show; unknown codes stay.
func languageName(code string) string {
	if n, ok := languageNames[strings.ToLower(code)]; ok {
		return n
	}
	return code
}

var languageNames = map[string]string{
	"eng": "English", "en": "English", "fre": "French", "fra": "French", "fr": "French", "ger": "German", "deu": "German",
	"de": "German", "spa": "Spanish", "es": "Spanish", "ita": "Italian", "it": "Italian", "jpn": "Japanese", "ja": "Japanese",
	"por": "Portuguese", "pt": "Portuguese", "rus": "Russian", "ru": "Russian", "chi": "Chinese", "zho": "Chinese",
	"zh": "Chinese", "kor": "Korean", "ko": "Korean", "dut": "Dutch", "nld": "Dutch", "nl": "Dutch", "swe": "Swedish",
	"sv": "Swedish", "nor": "Norwegian", "no": "Norwegian", "dan": "Danish", "da": "Danish", "fin": "Finnish", "fi": "Finnish",
	"pol": "Polish", "pl": "Polish", "ara": "Arabic", "ar": "Arabic", "hin": "Hindi", "hi": "Hindi", "und": "",
}
