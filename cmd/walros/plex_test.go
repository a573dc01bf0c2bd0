package main

import (
	"context"
	"io"
	"net"
	"testing"
	"time"
)

// TestPlexFacadeOff checks plex_addr "off": the server starts, reports no Plex address and
// answers nothing on the port a facade would use.
func TestPlexFacadeOff(t *testing.T) {
	cfg := testConfig(t)
	cfg.Demo, cfg.PlexAddr = false, "off"
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan [2]string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, io.Discard, func(a, p string) { addrs <- [2]string{a, p} }) }()
	select {
	case a := <-addrs:
		if a[0] == "" || a[1] != "" {
			t.Errorf("addresses %q", a)
		}
		if c, err := net.DialTimeout("tcp", a[0], time.Second); err != nil {
			t.Errorf("the main port: %v", err)
		} else {
			c.Close()
		}
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
