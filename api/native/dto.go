package native

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
)

type userDTO struct {
	ID           string     `json:"id"`
	Username     string     `json:"username"`
	DisplayName  string     `json:"displayName"`
	Admin        bool       `json:"admin"`
	Disabled     bool       `json:"disabled"`
	AllLibraries bool       `json:"allLibraries"`
	LibraryIDs   []string   `json:"libraryIds"`
	Hidden       bool       `json:"hidden"`
	HasPassword  bool       `json:"hasPassword"`
	HasPIN       bool       `json:"hasPin"`
	PINLocked    bool       `json:"pinLocked"`
	Playback     prefsDTO   `json:"playback"`
	MaxBitrate   int64      `json:"maxBitrate"`
	Downloads    bool       `json:"allowDownloads"`
	CreatedAt    time.Time  `json:"createdAt"`
	LastLoginAt  *time.Time `json:"lastLoginAt"`
	// ParentalControls are shown to admins and to the user themselves.
	ParentalControls parentalDTO `json:"parentalControls"`
}

// prefsDTO is a user's playback preferences.
type prefsDTO struct {
	AudioLanguage    string `json:"audioLanguage"`
	SubtitleLanguage string `json:"subtitleLanguage"`
	SubtitleMode     string `json:"subtitleMode"`
	PlayDefaultAudio bool   `json:"playDefaultAudio"`
}

func toUser(u core.User) userDTO {
	libs := make([]string, len(u.LibraryIDs))
	for i, l := range u.LibraryIDs {
		libs[i] = string(l)
	}
	return userDTO{ID: string(u.ID), Username: u.Username, DisplayName: u.DisplayName, Admin: u.Admin, Disabled: u.Disabled,
		AllLibraries: u.AllLibraries, LibraryIDs: libs, Hidden: u.Hidden, HasPassword: u.HasPassword(), HasPIN: u.HasPIN(),
		PINLocked: u.PINLocked(), MaxBitrate: u.MaxBitrate, Downloads: !u.NoDownloads, CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt,
		Playback: prefsDTO{AudioLanguage: u.Playback.AudioLanguage, SubtitleLanguage: u.Playback.SubtitleLanguage,
			SubtitleMode: string(u.Playback.SubtitleMode), PlayDefaultAudio: u.Playback.PlayDefaultAudio},
		ParentalControls: toParental(u.Parental)}
}

type libraryDTO struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Type         string     `json:"type"`
	Paths        []string   `json:"paths"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
	OfflineSince *time.Time `json:"offlineSince"`
}

func toLibrary(l core.Library) libraryDTO {
	return libraryDTO{ID: string(l.ID), Name: l.Name, Type: string(l.Type), Paths: l.Paths, CreatedAt: l.CreatedAt,
		UpdatedAt: l.UpdatedAt, OfflineSince: l.OfflineSince}
}

type itemDTO struct {
	ID        string    `json:"id"`
	Key       int64     `json:"key"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	SortTitle string    `json:"sortTitle"`
	Year      *int      `json:"year"`
	LibraryID string    `json:"libraryId"`
	ParentID  *string   `json:"parentId"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`

	OriginalTitle string            `json:"originalTitle,omitempty"`
	Overview      string            `json:"overview,omitempty"`
	IndexNumber   *int              `json:"indexNumber,omitempty"`
	IndexEnd      *int              `json:"indexEnd,omitempty"`
	ParentIndex   *int              `json:"parentIndexNumber,omitempty"`
	Absolute      *int              `json:"absoluteNumber,omitempty"`
	AirDate       string            `json:"airDate,omitempty"`
	RuntimeMS     int64             `json:"runtimeMs,omitempty"`
	ExtraType     string            `json:"extraType,omitempty"`
	ProviderIDs   map[string]string `json:"providerIds,omitempty"`
	Review        string            `json:"review,omitempty"`
	// BlurHash is the placeholder of the primary image, when the server has computed it.
	BlurHash string `json:"blurHash,omitempty"`
	// ImageTag is the primary image's tag: with it, a poster URL is cached for good (see
	// core.ImageTag), so grids do not revalidate every card on each visit.
	ImageTag string `json:"imageTag,omitempty"`
}

func toItem(it core.Item) itemDTO {
	d := itemDTO{ID: string(it.ID), Key: it.Key, Type: string(it.Kind), Title: it.Title, SortTitle: it.SortTitle,
		LibraryID: string(it.LibraryID), CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	if it.Year > 0 {
		d.Year = &it.Year
	}
	if it.ParentID != "" {
		p := string(it.ParentID)
		d.ParentID = &p
	}
	d.OriginalTitle, d.Overview, d.AirDate, d.ExtraType = it.OriginalTitle, it.Overview, it.AirDate, it.ExtraType
	d.IndexNumber, d.IndexEnd, d.ParentIndex, d.Absolute = it.IndexNumber, it.IndexEnd, it.ParentIndex, it.Absolute
	d.RuntimeMS, d.ProviderIDs, d.Review, d.BlurHash = it.Runtime.Milliseconds(), it.ProviderIDs, it.Review, it.BlurHash
	d.ImageTag = it.ImageTag
	return d
}

type personDTO struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Role string `json:"role,omitempty"`
}

type imageDTO struct {
	Kind     string `json:"kind"`
	Index    int    `json:"index"`
	Source   string `json:"source"`
	BlurHash string `json:"blurHash,omitempty"`
	Tag      string `json:"tag"` // see core.ImageTag
}

type itemDetailDTO struct {
	itemDTO
	Files          []mediaFileDTO `json:"files"`
	Tagline        string         `json:"tagline,omitempty"`
	Premiere       *string        `json:"premiere,omitempty"`
	CommunityScore float64        `json:"communityScore,omitempty"`
	CriticScore    float64        `json:"criticScore,omitempty"`
	OfficialRating string         `json:"officialRating,omitempty"`
	Collection     string         `json:"collection,omitempty"`
	Genres         []string       `json:"genres"`
	Studios        []string       `json:"studios"`
	Tags           []string       `json:"tags"`
	People         []personDTO    `json:"people"`
	Images         []imageDTO     `json:"images"`
	LockedFields   []string       `json:"lockedFields"`
	Locked         bool           `json:"locked"`
}

func toItemDetail(it core.Item, files []core.MediaFile, m core.Metadata) itemDetailDTO {
	d := itemDetailDTO{itemDTO: toItem(it), Files: make([]mediaFileDTO, len(files)), Tagline: m.Tagline,
		CommunityScore: m.CommunityScore, CriticScore: m.CriticScore, OfficialRating: m.OfficialRating,
		Collection: m.Collection, Genres: nonNil(m.Genres), Studios: nonNil(m.Studios), Tags: nonNil(m.Tags),
		People: make([]personDTO, len(m.Credits)), Images: make([]imageDTO, len(m.Images)),
		LockedFields: nonNil(m.LockedFields), Locked: m.Locked}
	d.Overview = m.Overview
	for i, f := range files {
		d.Files[i] = toMediaFile(f)
	}
	if !m.Premiere.IsZero() {
		p := m.Premiere.Format(time.DateOnly)
		d.Premiere = &p
	}
	for i, c := range m.Credits {
		d.People[i] = personDTO{Name: c.Name, Kind: string(c.Kind), Role: c.Role}
	}
	count := map[core.ImageKind]int{}
	for i, im := range m.Images {
		src := "local"
		if im.Path == "" {
			src = "remote"
		}
		d.Images[i] = imageDTO{Kind: string(im.Kind), Index: count[im.Kind], Source: src, Tag: core.ImageTag(im)}
		count[im.Kind]++
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type mediaFileDTO struct {
	ID           string       `json:"id"`
	Path         string       `json:"path"`
	Size         int64        `json:"size"`
	ModifiedAt   time.Time    `json:"modifiedAt"`
	Part         int          `json:"part"`
	Version      string       `json:"version"`
	Container    string       `json:"container"`
	DurationMS   int64        `json:"durationMs"`
	Bitrate      int64        `json:"bitrate"`
	ProbeError   *string      `json:"probeError"`
	MissingSince *time.Time   `json:"missingSince,omitempty"`
	Streams      []streamDTO  `json:"streams"`
	Chapters     []chapterDTO `json:"chapters"`
}

type streamDTO struct {
	Index           int     `json:"index"`
	Type            string  `json:"type"`
	Codec           string  `json:"codec"`
	Profile         string  `json:"profile,omitempty"`
	Level           int     `json:"level,omitempty"`
	Bitrate         int64   `json:"bitrate,omitempty"`
	Language        string  `json:"language,omitempty"`
	Title           string  `json:"title,omitempty"`
	Default         bool    `json:"default,omitempty"`
	Forced          bool    `json:"forced,omitempty"`
	HearingImpaired bool    `json:"hearingImpaired,omitempty"`
	Width           int     `json:"width,omitempty"`
	Height          int     `json:"height,omitempty"`
	FrameRate       float64 `json:"frameRate,omitempty"`
	BitDepth        int     `json:"bitDepth,omitempty"`
	PixelFormat     string  `json:"pixelFormat,omitempty"`
	HDR             string  `json:"hdr,omitempty"`
	Interlaced      bool    `json:"interlaced,omitempty"`
	Channels        int     `json:"channels,omitempty"`
	ChannelLayout   string  `json:"channelLayout,omitempty"`
	SampleRate      int     `json:"sampleRate,omitempty"`
	External        string  `json:"external,omitempty"`
}

type chapterDTO struct {
	StartMS int64  `json:"startMs"`
	EndMS   int64  `json:"endMs"`
	Title   string `json:"title"`
}

func toMediaFile(f core.MediaFile) mediaFileDTO {
	d := mediaFileDTO{ID: string(f.ID), Path: f.Path, Size: f.Size, ModifiedAt: f.ModTime, Part: f.Part, Version: f.Version,
		Container: f.Info.Container, DurationMS: f.Info.Duration.Milliseconds(), Bitrate: f.Info.Bitrate,
		MissingSince: f.MissingSince, Streams: make([]streamDTO, len(f.Info.Streams)),
		Chapters: make([]chapterDTO, len(f.Info.Chapters))}
	if f.ProbeError != "" {
		d.ProbeError = &f.ProbeError
	}
	for i, s := range f.Info.Streams {
		d.Streams[i] = streamDTO{Index: s.Index, Type: string(s.Kind), Codec: s.Codec, Profile: s.Profile, Level: s.Level,
			Bitrate: s.Bitrate, Language: s.Language, Title: s.Title, Default: s.Default, Forced: s.Forced,
			HearingImpaired: s.HearingImpaired, Width: s.Width, Height: s.Height, FrameRate: s.FrameRate,
			BitDepth: s.BitDepth, PixelFormat: s.PixelFormat, HDR: s.HDR, Interlaced: s.Interlaced, Channels: s.Channels,
			ChannelLayout: s.ChannelLayout, SampleRate: s.SampleRate, External: s.External}
	}
	for i, ch := range f.Info.Chapters {
		d.Chapters[i] = chapterDTO{StartMS: ch.Start.Milliseconds(), EndMS: ch.End.Milliseconds(), Title: ch.Title}
	}
	return d
}

type scanStatusDTO struct {
	LibraryID      string     `json:"libraryId"`
	Running        bool       `json:"running"`
	Walking        bool       `json:"walking"`
	StartedAt      time.Time  `json:"startedAt"`
	FinishedAt     *time.Time `json:"finishedAt"`
	Found          int64      `json:"found"`
	Unchanged      int64      `json:"unchanged"`
	ToProbe        int64      `json:"toProbe"`
	Probed         int64      `json:"probed"`
	Failed         int64      `json:"failed"`
	Moved          int64      `json:"moved"`
	Missing        int64      `json:"missing"`
	Removed        int64      `json:"removed"`
	Offline        []string   `json:"offline"`
	Error          *string    `json:"error"`
	FilesPerSecond float64    `json:"filesPerSecond"`
	ETASeconds     int64      `json:"etaSeconds"`
}

func toScanStatus(p scan.Progress) scanStatusDTO {
	now := time.Now()
	d := scanStatusDTO{LibraryID: string(p.Library), Running: p.Running(), Walking: p.Walking, StartedAt: p.Started,
		Found: p.Found, Unchanged: p.Unchanged, ToProbe: p.ToProbe, Probed: p.Probed, Failed: p.Failed, Moved: p.Moved,
		Missing: p.Missing, Removed: p.Removed, Offline: p.Offline, FilesPerSecond: p.Rate(now),
		ETASeconds: int64(p.ETA(now).Seconds())}
	if d.Offline == nil {
		d.Offline = []string{}
	}
	if !p.Finished.IsZero() {
		d.FinishedAt = &p.Finished
	}
	if p.Err != "" {
		d.Error = &p.Err
	}
	return d
}

type sessionDTO struct {
	ID         string    `json:"id"`
	UserID     string    `json:"userId"`
	Client     string    `json:"client"`
	DeviceID   string    `json:"deviceId"`
	DeviceName string    `json:"deviceName"`
	Address    string    `json:"address"`
	CreatedAt  time.Time `json:"createdAt"`
	LastSeenAt time.Time `json:"lastSeenAt"`
	Current    bool      `json:"current"`
}

type apiKeyDTO struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedBy  string     `json:"createdBy"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
}

func toAPIKey(k core.APIKey) apiKeyDTO {
	return apiKeyDTO{ID: string(k.ID), Name: k.Name, Prefix: k.Prefix, CreatedBy: string(k.CreatedBy), CreatedAt: k.CreatedAt,
		LastUsedAt: k.LastUsedAt}
}

type linkedTokenDTO struct {
	ID         string     `json:"id"`
	UserID     string     `json:"userId"`
	Label      string     `json:"label"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
}

func toLinkedToken(t core.LinkedToken) linkedTokenDTO {
	return linkedTokenDTO{ID: string(t.ID), UserID: string(t.User), Label: t.Label, Prefix: t.Prefix, CreatedAt: t.CreatedAt,
		LastUsedAt: t.LastUsedAt}
}

type listDTO[T any] struct {
	Items []T `json:"items"`
}

func mapList[S, T any](in []S, f func(S) T) listDTO[T] {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return listDTO[T]{Items: out}
}

// bind decodes a JSON body strictly: unknown fields and trailing data are errors, so that a typo in
// a field name is reported instead of silently ignored.
func bind(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooLarge):
			return err
		case errors.Is(err, io.EOF):
			return core.Invalid("body", "a JSON object is required")
		case errors.As(err, &typeErr):
			return core.Invalid(typeErr.Field, "must be %s", typeErr.Type.String())
		}
		return core.Invalid("body", "malformed JSON: %s", jsonReason(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return core.Invalid("body", "unexpected data after the JSON object")
	}
	return nil
}

// jsonReason keeps decoder messages short and free of Go type names.
func jsonReason(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("syntax error at byte %d", syntax.Offset)
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
