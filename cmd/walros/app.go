package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/mattn/go-isatty"
	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
)

// app is the core wired to its store: what every command needs.
type app struct {
	db        *store.DB
	auth      *core.Auth
	users     *core.Users
	libraries *core.Libraries
	items     *core.Items
	userData  *core.UserDataService
	prefs     *core.Preferences
	playlists *core.Playlists
	history   *core.History
	boxSets   *core.BoxSets
	lists     *core.Lists
	transfer  *core.Transfer
	stats     *core.Stats
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// openApp opens the data directory's database and wires the core services on it.
func openApp(ctx context.Context, cfg config.Config) (*app, error) {
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return nil, err
	}
	key, err := signingKey(cfg.Data)
	if err != nil {
		db.Close()
		return nil, err
	}
	st := db.Stores()
	auth, err := core.NewAuth(core.AuthConfig{SigningKey: key, AccessTTL: cfg.Auth.AccessTTL, RefreshTTL: cfg.Auth.RefreshTTL},
		core.AuthDeps{Users: st.Users, Sessions: st.Sessions, Keys: st.APIKeys, Links: st.Links, Now: time.Now, NewID: newID})
	if err != nil {
		db.Close()
		return nil, err
	}
	items := core.NewItems(st.Items, st.Media, st.Metadata)
	return &app{
		db:   db,
		auth: auth,
		users: core.NewUsers(core.UsersDeps{Users: st.Users, Libraries: st.Libraries, Sessions: st.Sessions,
			Now: time.Now, NewID: newID, PublicList: cfg.Auth.PublicUsers}),
		libraries: core.NewLibraries(st.Libraries, time.Now, newID),
		items:     items,
		userData:  core.NewUserData(st.UserData, st.Items, userDataConfig(cfg.UserData), time.Now),
		prefs:     core.NewPreferences(st.Preferences, time.Now),
		playlists: core.NewPlaylists(st.Playlists, items, time.Now, newID),
		history:   core.NewHistory(st.History, items, time.Now),
		boxSets:   core.NewBoxSets(st.BoxSets, items, st.Libraries, time.Now, newID),
		lists:     core.NewLists(st.Lists, items, time.Now, newID),
		transfer: core.NewTransfer(core.TransferDeps{Store: st.Transfer, Users: st.Users, Items: items, History: st.History,
			Lists: st.Lists, Playlists: st.Playlists, Now: time.Now, NewID: newID}),
		stats: core.NewStats(st.Stats, st.Users, st.Items, time.Now),
	}, nil
}

// userDataConfig is Jellyfin's rules with the configured played threshold and next up cutoff.
func userDataConfig(c config.UserData) core.UserDataConfig {
	cfg := core.DefaultUserDataConfig
	cfg.PlayedAt, cfg.NextUpCutoff = c.PlayedAt/100, c.NextUpCutoff
	return cfg
}

func (a *app) Close() error { return a.db.Close() }

// operator is the caller for commands run on the server's own machine: whoever can read the data
// directory already owns everything in it.
var operator = core.Caller{Admin: true, AllLibraries: true}

func newLogger(c config.Log) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	text := c.Format == "text" || c.Format == "auto" && isatty.IsTerminal(os.Stderr.Fd())
	if text {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}
