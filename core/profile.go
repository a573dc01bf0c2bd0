package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Profiles: several people share one server and switch between them on one device (decision
// 0020). A user may be hidden from the public sign-in list, may have a PIN for switching, may
// have no password at all (a profile reached only by switching), and keeps their own playback
// preferences.

// SubtitleMode is when a subtitle comes on without being asked for: Jellyfin's
// SubtitlePlaybackMode.
type SubtitleMode string

// The subtitle modes.
const (
	// SubtitlesDefault shows what the file asks for: a sidecar file, or a stream flagged forced or
	// default.
	SubtitlesDefault SubtitleMode = "default"
	// SubtitlesAlways shows full subtitles in the preferred language, else as SubtitlesDefault.
	SubtitlesAlways SubtitleMode = "always"
	// SubtitlesOnlyForced shows only streams flagged forced (the signs and foreign lines of a film).
	SubtitlesOnlyForced SubtitleMode = "onlyForced"
	// SubtitlesNone shows nothing unless asked.
	SubtitlesNone SubtitleMode = "none"
	// SubtitlesSmart shows the preferred language's subtitles when the audio is in another
	// language, else only forced ones.
	SubtitlesSmart SubtitleMode = "smart"
)

// SubtitleModes are the modes, in Jellyfin's order.
var SubtitleModes = []SubtitleMode{SubtitlesDefault, SubtitlesAlways, SubtitlesOnlyForced, SubtitlesNone, SubtitlesSmart}

// ParseSubtitleMode reads a mode regardless of case, so Jellyfin's "OnlyForced" reads too.
func ParseSubtitleMode(s string) (SubtitleMode, bool) {
	for _, m := range SubtitleModes {
		if strings.EqualFold(s, string(m)) {
			return m, true
		}
	}
	return "", false
}

// PlaybackPrefs are what a user prefers when a client leaves the choice to the server: the
// playback decision (core/playback) reads them.
type PlaybackPrefs struct {
	// AudioLanguage and SubtitleLanguage are ISO 639 codes ("eng", "fr", "pt-BR"); empty for none.
	AudioLanguage    string
	SubtitleLanguage string
	SubtitleMode     SubtitleMode
	// PlayDefaultAudio prefers the audio track the file flags default over the preferred language.
	PlayDefaultAudio bool
}

// DefaultPlaybackPrefs are a new user's: Jellyfin's defaults.
var DefaultPlaybackPrefs = PlaybackPrefs{SubtitleMode: SubtitlesDefault, PlayDefaultAudio: true}

// PlaybackPatch changes playback preferences; nil fields stay as they are.
type PlaybackPatch struct {
	AudioLanguage    *string
	SubtitleLanguage *string
	SubtitleMode     *string
	PlayDefaultAudio *bool
}

// applyTo ends a change of u, made at now: the patch's playback preferences, then the time.
func (p PlaybackPatch) applyTo(u *User, now time.Time) error {
	prefs, err := p.resolve(u.Playback)
	if err != nil {
		return err
	}
	u.Playback, u.UpdatedAt = prefs, now.UTC()
	return nil
}

// resolve validates the patch against prefs and returns the result.
func (p PlaybackPatch) resolve(prefs PlaybackPrefs) (PlaybackPrefs, error) {
	if p.AudioLanguage != nil {
		l, err := validateLanguage("audioLanguage", *p.AudioLanguage)
		if err != nil {
			return prefs, err
		}
		prefs.AudioLanguage = l
	}
	if p.SubtitleLanguage != nil {
		l, err := validateLanguage("subtitleLanguage", *p.SubtitleLanguage)
		if err != nil {
			return prefs, err
		}
		prefs.SubtitleLanguage = l
	}
	if p.SubtitleMode != nil {
		m, ok := ParseSubtitleMode(*p.SubtitleMode)
		if !ok {
			return prefs, Invalid("subtitleMode", "must be default, always, onlyForced, none or smart")
		}
		prefs.SubtitleMode = m
	}
	if p.PlayDefaultAudio != nil {
		prefs.PlayDefaultAudio = *p.PlayDefaultAudio
	}
	return prefs, nil
}

// validateLanguage accepts an ISO 639 code with an optional region or script ("eng", "fr",
// "pt-BR", "zh-Hant"), or "" for none.
func validateLanguage(field, code string) (string, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return "", nil
	}
	base, rest, _ := strings.Cut(strings.ReplaceAll(code, "_", "-"), "-")
	ok := len(base) >= 2 && len(base) <= 3 && len(rest) <= 12 && letters(base)
	for _, r := range rest {
		ok = ok && (r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}
	if !ok {
		return "", Invalid(field, "must be an ISO 639 language code such as eng, fr or pt-BR")
	}
	return code, nil
}

func letters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// MaxStreamBitrate is the highest bitrate cap an admin may set: Jellyfin's
// RemoteClientBitrateLimit is a 32-bit integer.
const MaxStreamBitrate = 1<<31 - 1

// minStreamBitrate is the lowest cap that still leaves room for video.
const minStreamBitrate = 100_000

func validateMaxBitrate(b int64) error {
	if b != 0 && (b < minStreamBitrate || b > MaxStreamBitrate) {
		return Invalid("maxBitrate", "must be 0 (no cap) or between %d and %d bits per second", minStreamBitrate, MaxStreamBitrate)
	}
	return nil
}

// PINs are 4 to 8 digits. They are for switching users on a device that is already signed in,
// never for signing in: a PIN that is wrong MaxPINFailures times in a row stops working until it
// is set again, so even a 4-digit PIN gives a guesser one chance in a thousand.
const (
	minPINLen = 4
	maxPINLen = 8
	// MaxPINFailures is how many wrong PINs in a row lock a user's PIN.
	MaxPINFailures = 10
)

func validatePIN(pin string) error {
	if len(pin) < minPINLen || len(pin) > maxPINLen || strings.Trim(pin, "0123456789") != "" {
		return Invalid("pin", "must be %d to %d digits", minPINLen, maxPINLen)
	}
	return nil
}

// HasPassword reports whether the user has a password. A user without one is a profile that can
// only be switched to from a signed-in device.
func (u User) HasPassword() bool { return u.PasswordHash != "" }

// HasPIN reports whether the user has a PIN that still works.
func (u User) HasPIN() bool { return u.PINHash != "" && u.PINFailures < MaxPINFailures }

// PINLocked reports whether the user's PIN was guessed wrong too often and no longer works.
func (u User) PINLocked() bool { return u.PINHash != "" && u.PINFailures >= MaxPINFailures }

// Public returns the users a sign-in screen may show to anyone: those enabled and not hidden,
// ordered by name. It is empty when the server's public user list is off.
func (s *Users) Public(ctx context.Context) ([]User, error) {
	if !s.publicList {
		return []User{}, nil
	}
	all, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(all))
	for _, u := range all {
		if !u.Hidden && !u.Disabled {
			out = append(out, u)
		}
	}
	return out, nil
}

// PublicListEnabled reports whether the server lists users to anyone.
func (s *Users) PublicListEnabled() bool { return s.publicList }

// SwitchRequest is who to switch to and what proves it.
type SwitchRequest struct {
	User UserID
	// PIN is the target's PIN; Password may stand in for it (a forgotten or locked PIN). A user
	// with neither needs nothing.
	PIN      string
	Password string
	// Address is the client's address, recorded on the new session.
	Address string
}

// Switch signs another user in on the caller's device: the caller must be on a session (not an
// API key), and gives the target's PIN or, failing one, their password; a user with neither is
// switched to as is. The new session keeps the device's client, id and name and a device token
// when the caller's session had one; the caller's session ends, so switching back needs that
// user's PIN or password in turn. Wrong PINs and passwords are throttled per target user and per
// session; MaxPINFailures wrong PINs in a row lock the target's PIN for good.
func (a *Auth) Switch(ctx context.Context, c Caller, r SwitchRequest) (Tokens, error) {
	if c.SessionID == "" || !c.IsUser() {
		return Tokens{}, Invalid("", "switching users needs a signed-in device, not an API key")
	}
	if r.User == c.UserID {
		return Tokens{}, Invalid("userId", "is the user already signed in")
	}
	if r.PIN != "" {
		if err := validatePIN(r.PIN); err != nil {
			return Tokens{}, err
		}
	}
	if len(r.Password) > maxPasswordLen {
		return Tokens{}, Invalid("password", "must be at most %d characters", maxPasswordLen)
	}
	from, err := a.sessions.Session(ctx, c.SessionID)
	if errors.Is(err, ErrNotFound) {
		return Tokens{}, fmt.Errorf("session %s: %w", c.SessionID, ErrUnauthenticated)
	} else if err != nil {
		return Tokens{}, err
	}
	now := a.now()
	at, err := a.throttle.acquire(ctx, a.now, a.throttle.switchKeys(string(r.User), string(c.SessionID)))
	if err != nil {
		return Tokens{}, err
	}
	defer at.done()
	u, err := a.users.User(ctx, r.User)
	if err == nil && u.Disabled {
		err = fmt.Errorf("user %s is disabled: %w", u.ID, ErrNotFound)
	}
	if err != nil {
		return Tokens{}, err
	}
	byPIN := false
	switch {
	case r.PIN != "" && !u.HasPIN():
		return Tokens{}, Invalid("pin", "this user has no PIN that works; give their password")
	case r.PIN != "":
		byPIN = true
		ok, err := a.hasher.check(ctx, u.PINHash, r.PIN)
		if err != nil {
			return Tokens{}, fmt.Errorf("check PIN of %s: %w", u.ID, err)
		}
		if !ok {
			at.fail(now)
			if _, err := a.users.ModifyUser(ctx, u.ID, func(u *User) error { u.PINFailures++; return nil }); err != nil {
				return Tokens{}, err
			}
			return Tokens{}, Invalid("pin", "does not match")
		}
	case r.Password != "" && u.HasPassword():
		ok, err := a.hasher.check(ctx, u.PasswordHash, r.Password)
		if err != nil {
			return Tokens{}, fmt.Errorf("check password of %s: %w", u.ID, err)
		}
		if !ok {
			at.fail(now)
			return Tokens{}, Invalid("password", "does not match")
		}
	case u.HasPIN():
		return Tokens{}, Invalid("pin", "is required")
	case u.HasPassword():
		return Tokens{}, Invalid("password", "is required")
	}
	at.succeed()
	if byPIN && u.PINFailures > 0 {
		if u, err = a.users.ModifyUser(ctx, u.ID, func(u *User) error { u.PINFailures = 0; return nil }); err != nil {
			return Tokens{}, err
		}
	}
	dev := Device{Client: from.Client, DeviceID: from.DeviceID, DeviceName: from.DeviceName, Address: cleanAddress(r.Address)}
	t, err := a.openSession(ctx, u, dev, from.DeviceTokenHash != "")
	if err != nil {
		return Tokens{}, fmt.Errorf("switch to %s: %w", u.ID, err)
	}
	a.media.clear()
	a.devices.clear()
	if err := a.sessions.DeleteSession(ctx, from.ID); err != nil && !errors.Is(err, ErrNotFound) {
		if derr := a.sessions.DeleteSession(ctx, t.Session.ID); derr != nil && !errors.Is(derr, ErrNotFound) {
			return Tokens{}, errors.Join(err, derr)
		}
		return Tokens{}, err
	}
	return t, nil
}

// switchKeys are the keys a switch to user from session is counted under: the target, whoever
// asks (a 4-digit PIN must not be guessed from many devices), and the session, whichever target
// (one device trying every profile).
func (t *throttle) switchKeys(user, session string) []throttleKey {
	return []throttleKey{
		{"su:" + user, t.cfg.MaxFailures},
		{"ss:" + session, t.cfg.MaxFailures * addressFactor},
	}
}
