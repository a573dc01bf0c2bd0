// Package gdm answers Plex "GDM" (Good Day Mate) server discovery on UDP port 32414.
//
// Clients such as python-plexapi, Kodi and Plezy send "M-SEARCH * HTTP/1.0" to the
// multicast group 239.0.0.250:32414 (some broadcast to 255.255.255.255 instead) and
// collect the unicast replies for about a second. Each reply names one server: its
// machine identifier, friendly name and the HTTP port of its Plex API.
package gdm

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Port is the UDP port Plex servers listen on for discovery requests.
const Port = 32414

// maxDatagram is both the largest request we read and the largest reply we send:
// python-plexapi reads replies with recvfrom(1024), so a longer one is cut short.
const maxDatagram = 1024

// Caps on the identifier and version keep room for the name. Real values are
// 40 and about 25 bytes.
const (
	maxID      = 128
	maxVersion = 64
)

// Info is what a reply announces.
type Info struct {
	ID        string    // machine identifier, the same as /identity's machineIdentifier
	Name      string    // friendly name
	Version   string    // server version, e.g. "1.41.3.9314-a0bfb8370"
	Port      int       // TCP port of the Plex HTTP API
	UpdatedAt time.Time // when the library last changed; zero sends 0
}

// Reply builds the reply datagram announcing info. It is at most 1024 bytes and
// every header line has exactly one ':'. Values lose ':', control characters and
// line separators, and the name is truncated to fit.
func Reply(info Info) []byte {
	var updated int64
	if !info.UpdatedAt.IsZero() {
		updated = info.UpdatedAt.Unix()
	}
	head := "HTTP/1.0 200 OK\r\n" +
		"Content-Type: plex/media-server\r\n" +
		"Resource-Identifier: " + clip(clean(info.ID), maxID) + "\r\n" +
		"Name: "
	tail := "\r\n" +
		"Port: " + strconv.Itoa(info.Port) + "\r\n" +
		"Updated-At: " + strconv.FormatInt(updated, 10) + "\r\n" +
		"Version: " + clip(clean(info.Version), maxVersion) + "\r\n" +
		"\r\n"
	name := clip(clean(info.Name), maxDatagram-len(head)-len(tail))
	return []byte(head + name + tail)
}

// clean makes s safe as a header value. python-plexapi parses replies with
// dict(line.split(':') for line in data.splitlines() if ':' in line): a second ':'
// raises ValueError and drops every server in the scan, and splitlines also breaks
// on \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029. It decodes the datagram as UTF-8
// and gives up on invalid bytes, so those become U+FFFD.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ':' || r == '\u2028' || r == '\u2029' || unicode.IsControl(r) {
			return -1
		}
		return r // strings.Map turns invalid bytes into U+FFFD
	}, s)
	return strings.TrimSpace(s)
}

// clip cuts s to at most n bytes without splitting a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimSpace(s[:n])
}
