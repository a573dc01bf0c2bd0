package core

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// UserID identifies a user: a UUID in canonical form.
type UserID string

// User is an account on this server.
type User struct {
	ID           UserID
	Username     string // unique regardless of case
	DisplayName  string
	PasswordHash string
	Admin        bool
	Disabled     bool
	AllLibraries bool
	LibraryIDs   []LibraryID // the libraries granted when AllLibraries is false
	// Hidden keeps the user off the public sign-in list (Jellyfin's IsHidden): true by default.
	Hidden bool
	// PINHash is the argon2id hash of the user's PIN for switching users (profile.go), "" for none;
	// PINFailures counts wrong PINs in a row, and MaxPINFailures of them lock the PIN.
	PINHash     string
	PINFailures int
	// Playback are the user's preferences for the playback decision.
	Playback PlaybackPrefs
	// MaxBitrate caps the bitrate of every stream the user plays, in bits per second; 0 for none.
	// Admins set it (Jellyfin's RemoteClientBitrateLimit, though Walros caps every client).
	MaxBitrate int64
	// NoDownloads forbids saving files for offline use (downloads of originals and of MP4s); by
	// default users may (Jellyfin's EnableContentDownloading, true by default).
	NoDownloads bool
	// Parental are the user's parental controls.
	Parental    ParentalControls
	CreatedAt   time.Time
	UpdatedAt   time.Time
	LastLoginAt *time.Time
}

// UserStore persists users. Usernames compare without regard to case.
type UserStore interface {
	CreateUser(ctx context.Context, u User) error // ErrConflict when the username is taken
	User(ctx context.Context, id UserID) (User, error)
	UserByName(ctx context.Context, username string) (User, error)
	Users(ctx context.Context) ([]User, error)
	// ModifyUser applies fn to the stored user and saves the result in one transaction, so concurrent
	// changes (an admin disabling a user while they log in) cannot undo each other.
	ModifyUser(ctx context.Context, id UserID, fn func(*User) error) (User, error)
	SetLastLogin(ctx context.Context, id UserID, at time.Time) error
	DeleteUser(ctx context.Context, id UserID) error
	CountUsers(ctx context.Context) (int, error)
}

// NewUser is what an admin gives to create a user.
type NewUser struct {
	Username string
	Password string
	// Passwordless makes a user without a password, reached only by switching from a signed-in
	// device; Password must then be empty. Admins always need a password.
	Passwordless bool
	DisplayName  string
	Admin        bool
	AllLibraries bool
	LibraryIDs   []LibraryID
	// Hidden keeps the user off the public list; nil means hidden, as in Jellyfin.
	Hidden     *bool
	PIN        string // "" for none
	MaxBitrate int64
	// NoDownloads forbids the user's downloads (see User.NoDownloads).
	NoDownloads bool
}

// UserPatch is an admin's change to a user; nil fields stay as they are.
type UserPatch struct {
	// Username renames the user: the name they sign in with (Jellyfin's Name).
	Username    *string
	DisplayName *string
	Password    *string
	// RemovePassword makes the user passwordless (not an admin's, and not with Password).
	RemovePassword bool
	Admin          *bool
	Disabled       *bool
	AllLibraries   *bool
	LibraryIDs     *[]LibraryID
	Hidden         *bool
	PIN            *string // "" removes it
	MaxBitrate     *int64
	NoDownloads    *bool
	Playback       PlaybackPatch
	Parental       *ParentalControls
}

// SelfPatch is a user's change to their own account. A new password or PIN needs the current
// password, when the user has one.
type SelfPatch struct {
	DisplayName     *string
	CurrentPassword string
	NewPassword     *string
	PIN             *string // "" removes it, which needs no password
	Playback        PlaybackPatch
}

// Users manages accounts. Every method checks the caller's rights.
type Users struct {
	store    UserStore
	libs     LibraryStore
	sessions SessionStore
	hasher   *hasher
	throttle *throttle // guards the current-password check of UpdateMe, like a login
	now      Clock
	newID    func() string
	// publicList is whether Public lists anyone (Jellyfin's /Users/Public).
	publicList bool
}

// UsersDeps are what Users needs.
type UsersDeps struct {
	Users     UserStore
	Libraries LibraryStore
	Sessions  SessionStore
	Password  PasswordParams
	Now       Clock
	NewID     func() string
	// PublicList lets anyone list the users that are not hidden, for a sign-in screen.
	PublicList bool
}

// NewUsers returns the user service.
func NewUsers(d UsersDeps) *Users {
	return &Users{store: d.Users, libs: d.Libraries, sessions: d.Sessions, hasher: newHasher(d.Password),
		throttle: newThrottle(DefaultThrottle), now: d.Now, newID: d.NewID, publicList: d.PublicList}
}

// Create adds a user; only admins may.
func (s *Users) Create(ctx context.Context, c Caller, n NewUser) (User, error) {
	if err := c.requireAdmin(); err != nil {
		return User{}, err
	}
	return s.create(ctx, n)
}

func (s *Users) create(ctx context.Context, n NewUser) (User, error) {
	name, err := validateUsername(n.Username)
	if err != nil {
		return User{}, err
	}
	switch {
	case n.Passwordless && n.Password != "":
		return User{}, Invalid("password", "must be empty for a passwordless user")
	case n.Passwordless && n.Admin:
		return User{}, Invalid("passwordless", "an admin needs a password")
	case !n.Passwordless:
		if err := validatePassword("password", n.Password); err != nil {
			return User{}, err
		}
	}
	if n.PIN != "" {
		if err := validatePIN(n.PIN); err != nil {
			return User{}, err
		}
	}
	if err := validateMaxBitrate(n.MaxBitrate); err != nil {
		return User{}, err
	}
	display, err := validateDisplayName(n.DisplayName, name)
	if err != nil {
		return User{}, err
	}
	libs, err := s.checkLibraries(ctx, n.AllLibraries, n.LibraryIDs)
	if err != nil {
		return User{}, err
	}
	var hash, pin string
	if !n.Passwordless {
		if hash, err = s.hasher.hash(ctx, n.Password); err != nil {
			return User{}, err
		}
	}
	if n.PIN != "" {
		if pin, err = s.hasher.hash(ctx, n.PIN); err != nil {
			return User{}, err
		}
	}
	now := s.now().UTC()
	u := User{ID: UserID(s.newID()), Username: name, DisplayName: display, PasswordHash: hash, Admin: n.Admin,
		AllLibraries: n.AllLibraries, LibraryIDs: libs, Hidden: n.Hidden == nil || *n.Hidden, PINHash: pin,
		Playback: DefaultPlaybackPrefs, MaxBitrate: n.MaxBitrate, NoDownloads: n.NoDownloads, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return User{}, err
	}
	return u, nil
}

// Bootstrap creates the first admin when the server has no user at all. It reports whether it did.
func (s *Users) Bootstrap(ctx context.Context, username, password string) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	_, err = s.create(ctx, NewUser{Username: username, Password: password, Admin: true, AllLibraries: true})
	if errors.Is(err, ErrConflict) {
		return false, nil // another process made it first
	}
	return err == nil, err
}

// Get returns a user; admins may read anyone.
func (s *Users) Get(ctx context.Context, c Caller, id UserID) (User, error) {
	if err := c.requireAdmin(); err != nil {
		return User{}, err
	}
	return s.store.User(ctx, id)
}

// Names returns the display names (else usernames) of users, for naming the owner of something
// the caller may already see, such as a playlist shared with them. It checks no rights: the
// caller's right to the thing is what allows its owner's name. Users who are gone are left out.
func (s *Users) Names(ctx context.Context, ids []UserID) (map[UserID]string, error) {
	out := make(map[UserID]string, len(ids))
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		u, err := s.store.User(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		out[id] = cmp.Or(u.DisplayName, u.Username)
	}
	return out, nil
}

// List returns every user; only admins may.
func (s *Users) List(ctx context.Context, c Caller) ([]User, error) {
	if err := c.requireAdmin(); err != nil {
		return nil, err
	}
	return s.store.Users(ctx)
}

// Me returns the caller's own account.
func (s *Users) Me(ctx context.Context, c Caller) (User, error) {
	if err := c.requireUser(); err != nil {
		return User{}, err
	}
	return s.store.User(ctx, c.UserID)
}

// Update changes a user; only admins may. Admins cannot lock themselves out, and an admin always
// has a password.
func (s *Users) Update(ctx context.Context, c Caller, id UserID, p UserPatch) (User, error) {
	if err := c.requireAdmin(); err != nil {
		return User{}, err
	}
	if id == c.UserID && ((p.Admin != nil && !*p.Admin) || (p.Disabled != nil && *p.Disabled) || p.RemovePassword) {
		return User{}, Invalid("admin", "you cannot remove your own admin rights or password, or disable yourself")
	}
	if p.RemovePassword && p.Password != nil {
		return User{}, Invalid("passwordless", "cannot be set with a new password")
	}
	var name, display, hash string
	var err error
	if p.Username != nil {
		if name, err = validateUsername(*p.Username); err != nil {
			return User{}, err
		}
	}
	if p.DisplayName != nil {
		if display, err = validateDisplayName(*p.DisplayName, ""); err != nil {
			return User{}, err
		}
	}
	if p.MaxBitrate != nil {
		if err := validateMaxBitrate(*p.MaxBitrate); err != nil {
			return User{}, err
		}
	}
	if _, err := p.Playback.resolve(PlaybackPrefs{}); err != nil { // checked before the transaction
		return User{}, err
	}
	if p.Password != nil { // hashed before the transaction, which must stay short
		if err := validatePassword("password", *p.Password); err != nil {
			return User{}, err
		}
		if hash, err = s.hasher.hash(ctx, *p.Password); err != nil {
			return User{}, err
		}
	}
	pin, err := s.pinHash(ctx, p.PIN)
	if err != nil {
		return User{}, err
	}
	var libs []LibraryID
	if p.LibraryIDs != nil {
		if libs, err = s.checkLibraries(ctx, false, *p.LibraryIDs); err != nil {
			return User{}, err
		}
	}
	var parental ParentalControls
	if p.Parental != nil {
		if parental, err = p.Parental.normalize(); err != nil {
			return User{}, err
		}
	}
	u, err := s.store.ModifyUser(ctx, id, func(u *User) error {
		if name != "" {
			if u.DisplayName == u.Username {
				u.DisplayName = name // a display name that was the username follows it
			}
			u.Username = name
		}
		if p.Parental != nil {
			u.Parental = parental
		}
		if p.DisplayName != nil {
			u.DisplayName = cmp.Or(display, u.Username)
		}
		if p.Admin != nil {
			u.Admin = *p.Admin
		}
		if p.Disabled != nil {
			u.Disabled = *p.Disabled
		}
		if p.AllLibraries != nil {
			u.AllLibraries = *p.AllLibraries
		}
		if p.LibraryIDs != nil {
			u.LibraryIDs = libs
		}
		if u.AllLibraries {
			u.LibraryIDs = []LibraryID{}
		}
		if hash != "" {
			u.PasswordHash = hash
		}
		if p.RemovePassword {
			u.PasswordHash = ""
		}
		if u.Admin && u.PasswordHash == "" {
			return Invalid("passwordless", "an admin needs a password")
		}
		if p.Hidden != nil {
			u.Hidden = *p.Hidden
		}
		if p.PIN != nil {
			u.PINHash, u.PINFailures = pin, 0
		}
		if p.MaxBitrate != nil {
			u.MaxBitrate = *p.MaxBitrate
		}
		if p.NoDownloads != nil {
			u.NoDownloads = *p.NoDownloads
		}
		return p.Playback.applyTo(u, s.now())
	})
	if err != nil {
		return User{}, err
	}
	if u.Disabled || p.Password != nil {
		// A disabled user or a reset password ends every session at once, not at token expiry.
		if err := s.sessions.DeleteUserSessions(ctx, u.ID); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// Delete removes a user and their sessions; only admins may, and not themselves.
func (s *Users) Delete(ctx context.Context, c Caller, id UserID) error {
	if err := c.requireAdmin(); err != nil {
		return err
	}
	if id == c.UserID {
		return Invalid("id", "you cannot delete yourself")
	}
	return s.store.DeleteUser(ctx, id)
}

// checkLibraries verifies that every granted library exists, and drops the list when all are granted.
func (s *Users) checkLibraries(ctx context.Context, all bool, ids []LibraryID) ([]LibraryID, error) {
	if all {
		return nil, nil
	}
	seen := make(map[LibraryID]bool, len(ids))
	out := make([]LibraryID, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := s.libs.Library(ctx, id); errors.Is(err, ErrNotFound) {
			return nil, Invalid("libraryIds", "no library %q", id)
		} else if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func validateUsername(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", Invalid("username", "is required")
	case utf8.RuneCountInString(name) > 64:
		return "", Invalid("username", "must be at most 64 characters")
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == '/' || r == '\\' }) >= 0:
		return "", Invalid("username", "must not contain control characters or slashes")
	case !utf8.ValidString(name):
		return "", Invalid("username", "must be valid UTF-8")
	}
	return name, nil
}

func validateDisplayName(display, fallback string) (string, error) {
	display = strings.TrimSpace(display)
	switch {
	case display == "":
		return fallback, nil
	case utf8.RuneCountInString(display) > 100 || !utf8.ValidString(display):
		return "", Invalid("displayName", "must be valid UTF-8 of at most 100 characters")
	case strings.IndexFunc(display, unicode.IsControl) >= 0:
		return "", Invalid("displayName", "must not contain control characters")
	}
	return display, nil
}
