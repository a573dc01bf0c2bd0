package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/walros/walros/api/plex"
	"github.com/walros/walros/api/plex/gdm"
	"github.com/walros/walros/cmd/walros/config"
)

// plexServer is the Plex facade on its own port, and GDM discovery for it.
type plexServer struct {
	srv       *http.Server
	ln        net.Listener
	discovery *gdm.Responder // nil when UDP 32414 could not be bound
	errc      chan error
}

// startPlex listens on cfg.PlexAddr and serves h there; it answers GDM discovery on UDP 32414 of
// the same host when it can (another Plex server on the machine may hold it: then it logs why).
func startPlex(cfg config.Config, h *plex.Handler, name, id string, log *slog.Logger) (*plexServer, error) {
	if cfg.PlexAddr == "off" {
		log.Info("plex facade off (plex_addr)")
		return &plexServer{errc: make(chan error)}, nil // errc never sends
	}
	ln, err := net.Listen("tcp", cfg.PlexAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (plex_addr): %w", cfg.PlexAddr, err)
	}
	p := &plexServer{ln: ln, errc: make(chan error, 1), srv: &http.Server{
		Handler:           h.Engine(),
		ReadHeaderTimeout: cfg.HTTP.ReadHeaderTimeout,
		IdleTimeout:       cfg.HTTP.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}
	host, portText, _ := net.SplitHostPort(ln.Addr().String())
	port, _ := strconv.Atoi(portText)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = ""
	}
	started := time.Now()
	p.discovery, err = gdm.Listen(net.JoinHostPort(host, strconv.Itoa(gdm.Port)), func() gdm.Info {
		return gdm.Info{ID: id, Name: name, Version: plex.Version, Port: port, UpdatedAt: started}
	}, log)
	if err != nil {
		log.Warn("Plex clients on the network will not discover this server (GDM)", "err", err)
	}
	log.Info("plex facade listening", "addr", ln.Addr().String())
	go func() { p.errc <- p.srv.Serve(ln) }()
	return p, nil
}

// Addr is where the facade listens; "" when it is off.
func (p *plexServer) Addr() string {
	if p.ln == nil {
		return ""
	}
	return p.ln.Addr().String()
}

// close stops discovery and the server at once, requests in flight included.
func (p *plexServer) close() {
	if p.discovery != nil {
		p.discovery.Close()
	}
	if p.srv != nil {
		p.srv.Close()
	}
}

// shutdown stops discovery, then lets requests in flight finish until ctx ends.
func (p *plexServer) shutdown(ctx context.Context) error {
	if p.discovery != nil {
		p.discovery.Close()
	}
	if p.srv == nil {
		return nil
	}
	if err := p.srv.Shutdown(ctx); err != nil {
		p.srv.Close()
		return fmt.Errorf("shutdown plex: %w", err)
	}
	if err := <-p.errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
