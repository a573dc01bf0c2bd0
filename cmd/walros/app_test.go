package main

import (
	"testing"
	"time"

	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core"
)

func TestUserDataConfig(t *testing.T) {
	got := userDataConfig(config.UserData{PlayedAt: 80, NextUpCutoff: 30 * 24 * time.Hour})
	want := core.DefaultUserDataConfig
	want.PlayedAt, want.NextUpCutoff = 0.8, 30*24*time.Hour
	if got != want {
		t.Fatalf("userDataConfig = %+v, want %+v", got, want)
	}
	if d := userDataConfig(config.Default().UserData); d.PlayedAt != 0.9 || d.NextUpCutoff != 365*24*time.Hour {
		t.Fatalf("the defaults make %+v", d)
	}
}
