package core

import "fmt"

// Caller is who is asking: a signed-in user on a session, or an API key. Facades build it once per
// request with Auth.Authenticate and pass it to every service call.
type Caller struct {
	UserID    UserID
	SessionID SessionID
	APIKeyID  APIKeyID
	Admin     bool
	// AllLibraries and Libraries say which libraries the caller may see; admins see all.
	AllLibraries bool
	Libraries    []LibraryID
	// Parental, when set, hides items its rules block (see ParentalControls.Allows).
	Parental *ParentalControls
	// NoDownloads forbids downloads (User.NoDownloads); API keys may download.
	NoDownloads bool
}

// CallerOf returns the caller a user is, on session s (empty for a token without one).
func CallerOf(u User, s SessionID) Caller {
	c := Caller{UserID: u.ID, SessionID: s, Admin: u.Admin, AllLibraries: u.AllLibraries, Libraries: u.LibraryIDs,
		NoDownloads: u.NoDownloads}
	if u.Parental.Restricts() {
		p := u.Parental
		c.Parental = &p
	}
	return c
}

// CanSeeItem reports whether the caller may see the item: its library, and its rating and tags.
func (c Caller) CanSeeItem(it Item) bool {
	return c.CanSee(it.LibraryID) && c.Parental.Allows(it)
}

// RequireDownloads answers ErrForbidden when the caller may not download files for offline use.
func (c Caller) RequireDownloads() error {
	if c.NoDownloads {
		return fmt.Errorf("downloads are turned off for this user: %w", ErrForbidden)
	}
	return nil
}

// IsUser reports whether the caller is a user (as opposed to an API key, which has none).
func (c Caller) IsUser() bool { return c.UserID != "" }

// CanSee reports whether the caller may see the library.
func (c Caller) CanSee(id LibraryID) bool {
	if c.Admin || c.AllLibraries {
		return true
	}
	for _, l := range c.Libraries {
		if l == id {
			return true
		}
	}
	return false
}

// visibleLibraries returns the libraries a query must be restricted to; nil means every library.
func (c Caller) visibleLibraries() []LibraryID {
	if c.Admin || c.AllLibraries {
		return nil
	}
	if c.Libraries == nil {
		return []LibraryID{} // none, which is not the same as all
	}
	return c.Libraries
}

func (c Caller) requireAdmin() error {
	if !c.Admin {
		return ErrForbidden
	}
	return nil
}

func (c Caller) requireUser() error {
	if !c.IsUser() {
		return ErrNotFound
	}
	return nil
}
