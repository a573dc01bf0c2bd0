package gdm

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var testInfo = Info{
	ID:        "0123456789abcdef0123456789abcdef01234567",
	Name:      "walros",
	Version:   "1.41.3.9314-a0bfb8370",
	Port:      32400,
	UpdatedAt: time.Unix(1700000000, 0),
}

func TestReplyWireShape(t *testing.T) {
	want := "HTTP/1.0 200 OK\r\n" +
		"Content-Type: plex/media-server\r\n" +
		"Resource-Identifier: 0123456789abcdef0123456789abcdef01234567\r\n" +
		"Name: walros\r\n" +
		"Port: 32400\r\n" +
		"Updated-At: 1700000000\r\n" +
		"Version: 1.41.3.9314-a0bfb8370\r\n" +
		"\r\n"
	if got := string(Reply(testInfo)); got != want {
		t.Fatalf("Reply =\n%q\nwant\n%q", got, want)
	}
	if got := string(Reply(Info{})); !strings.Contains(got, "Updated-At: 0\r\n") {
		t.Fatalf("zero UpdatedAt: %q", got)
	}
}

func TestDiscovery(t *testing.T) {
	r := listen(t, "127.0.0.1:0", testInfo)
	for _, tc := range []struct{ name, req string }{
		{"python-plexapi, no CRLF", "M-SEARCH * HTTP/1.0"},
		{"HTTP/1.1 with CRLF", "M-SEARCH * HTTP/1.1\r\n\r\n"},
		{"lower case", "m-search * HTTP/1.0\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply, ok := query(t, r.Addr(), tc.req, time.Second)
			if !ok {
				t.Fatal("no reply within 1s")
			}
			got, err := parsePlexAPI(reply)
			if err != nil {
				t.Fatalf("python-plexapi would fail: %v\n%q", err, reply)
			}
			want := map[string]string{
				"Content-Type":        "plex/media-server",
				"Resource-Identifier": testInfo.ID,
				"Name":                testInfo.Name,
				"Port":                "32400",
				"Updated-At":          "1700000000",
				"Version":             testInfo.Version,
			}
			if len(got) != len(want) {
				t.Errorf("headers = %v, want %v", got, want)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestHostileName(t *testing.T) {
	info := testInfo
	info.Name = "Evil:Box\r\nX: y\u2028Z\u0085" + strings.Repeat("n", 2000)
	info.Version = "1.0\nHost: evil"
	r := listen(t, "127.0.0.1:0", info)
	reply, ok := query(t, r.Addr(), "M-SEARCH * HTTP/1.0", time.Second)
	if !ok {
		t.Fatal("no reply within 1s")
	}
	if len(reply) > maxDatagram {
		t.Fatalf("reply is %d bytes, want <= %d", len(reply), maxDatagram)
	}
	got, err := parsePlexAPI(reply)
	if err != nil {
		t.Fatalf("python-plexapi would fail: %v\n%q", err, reply)
	}
	for _, k := range []string{"X", "Host", "Z"} {
		if v, ok := got[k]; ok {
			t.Errorf("injected header %s = %q", k, v)
		}
	}
	if !strings.HasPrefix(got["Name"], "EvilBoxX yZnnn") {
		t.Errorf("Name = %q", got["Name"])
	}
	if got["Version"] != "1.0Host evil" {
		t.Errorf("Version = %q", got["Version"])
	}
	if got["Resource-Identifier"] != info.ID || got["Port"] != "32400" {
		t.Errorf("headers after the name were lost: %v", got)
	}
}

func TestIgnored(t *testing.T) {
	r := listen(t, "127.0.0.1:0", testInfo)
	for _, tc := range []struct{ name, req string }{
		{"garbage", "\x00\xff\x13garbage"},
		{"hello", "HELLO * HTTP/1.0"},
		{"player discovery reply", "HTTP/1.0 200 OK\r\nContent-Type: plex/media-player\r\n\r\n"},
		{"truncated", "M-SEARC"},
		{"oversized", "M-SEARCH * HTTP/1.0\r\n" + strings.Repeat("x", maxDatagram)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if reply, ok := query(t, r.Addr(), tc.req, 300*time.Millisecond); ok {
				t.Fatalf("unexpected reply %q", reply)
			}
		})
	}
	// Still serving after all that.
	if _, ok := query(t, r.Addr(), "M-SEARCH * HTTP/1.0", time.Second); !ok {
		t.Fatal("no reply to a valid request after ignored ones")
	}
}

func TestClose(t *testing.T) {
	r, err := Listen("127.0.0.1:0", func() Info { return testInfo }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	addr := r.Addr()
	done := make(chan error, 1)
	go func() { done <- r.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close = %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if reply, ok := query(t, addr, "M-SEARCH * HTTP/1.0", 300*time.Millisecond); ok {
		t.Fatalf("reply after Close: %q", reply)
	}
}

func TestReuseAddr(t *testing.T) {
	first := listen(t, "127.0.0.1:0", testInfo)
	second, err := Listen(first.Addr().String(), func() Info { return testInfo }, nil)
	if err != nil {
		t.Fatalf("second Listen on %s: %v (SO_REUSEADDR not set?)", first.Addr(), err)
	}
	t.Cleanup(func() { _ = second.Close() })
	if _, ok := query(t, first.Addr(), "M-SEARCH * HTTP/1.0", time.Second); !ok {
		t.Fatal("no reply with two responders on one port")
	}
}

func TestUnspecifiedHost(t *testing.T) {
	r := listen(t, "0.0.0.0:0", testInfo)
	port := r.Addr().(*net.UDPAddr).Port
	lo := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}
	if _, ok := query(t, lo, "M-SEARCH * HTTP/1.0", time.Second); !ok {
		t.Fatal("no unicast reply on loopback")
	}

	// Multicast needs a route to 239.0.0.250 through an interface we joined.
	// CI containers often have neither, so only test it where the kernel would
	// send the request out of a multicast interface.
	grp := &net.UDPAddr{IP: net.IPv4(239, 0, 0, 250), Port: port}
	if !multicastRoute(grp) {
		t.Skip("no multicast-capable route to 239.0.0.250")
	}
	c, err := net.ListenUDP("udp4", nil) // unconnected: the reply comes from a unicast address
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.WriteTo([]byte("M-SEARCH * HTTP/1.0"), grp); err != nil {
		t.Skipf("send to %s: %v", grp, err)
	}
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 2048)
	n, from, err := c.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no multicast reply: %v", err)
	}
	if _, err := parsePlexAPI(buf[:n]); err != nil {
		t.Fatalf("reply from %s: %v", from, err)
	}
}

func TestRateLimit(t *testing.T) {
	r := listen(t, "127.0.0.1:0", testInfo)
	c := dial(t, r.Addr())
	const sent = 3 * perSourceLimit
	for range sent {
		if _, err := c.Write([]byte("M-SEARCH * HTTP/1.0")); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	buf := make([]byte, 2048)
	for {
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.Read(buf); err != nil {
			break
		}
		got++
	}
	// Two windows at most if the burst straddles a second boundary.
	if got == 0 || got > 2*perSourceLimit {
		t.Fatalf("%d replies to %d requests, want 1..%d", got, sent, 2*perSourceLimit)
	}
}

func TestLimiter(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	a, b, c := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")

	l := newLimiter(3, 2)
	for i := range 3 {
		if !l.allow(a, t0.Add(time.Duration(i)*time.Millisecond)) {
			t.Fatalf("request %d from a refused", i)
		}
	}
	if l.allow(a, t0.Add(500*time.Millisecond)) {
		t.Fatal("4th request in one second allowed")
	}
	if !l.allow(b, t0.Add(500*time.Millisecond)) {
		t.Fatal("b refused because of a")
	}
	if l.allow(c, t0.Add(600*time.Millisecond)) {
		t.Fatal("c allowed beyond capacity while a and b are in their window")
	}
	if !l.allow(a, t0.Add(time.Second)) {
		t.Fatal("a refused in a new window")
	}
	if !l.allow(c, t0.Add(1600*time.Millisecond)) {
		t.Fatal("c refused after b's window ended")
	}
	if len(l.seen) > 2 {
		t.Fatalf("tracking %d sources, capacity 2", len(l.seen))
	}
}

func FuzzReply(f *testing.F) {
	f.Add(testInfo.ID, testInfo.Name, testInfo.Version, 32400, int64(1700000000))
	f.Add("", "", "", 0, int64(0))
	f.Add("a:b", "Evil:Box\r\nX: y", "1\n2", -1, int64(-62135596800))
	f.Add(strings.Repeat("i", 300), strings.Repeat("é", 1000), strings.Repeat("v", 300), 1<<62, int64(1)<<62)
	f.Add("\xff\xfe", "\u2028\u2029\u0085\x1c\v\f", "\x00", 65535, int64(-1))
	f.Fuzz(func(t *testing.T, id, name, version string, port int, unix int64) {
		reply := Reply(Info{ID: id, Name: name, Version: version, Port: port, UpdatedAt: time.Unix(unix, 0)})
		if len(reply) > maxDatagram {
			t.Fatalf("reply is %d bytes", len(reply))
		}
		s := string(reply)
		if !strings.HasSuffix(s, "\r\n\r\n") {
			t.Fatalf("reply does not end with an empty line: %q", s)
		}
		lines := strings.Split(strings.TrimSuffix(s, "\r\n\r\n"), "\r\n")
		if len(lines) != 7 || lines[0] != "HTTP/1.0 200 OK" {
			t.Fatalf("lines = %q", lines)
		}
		for _, l := range lines[1:] {
			if strings.Count(l, ":") != 1 {
				t.Fatalf("header line %q has %d colons", l, strings.Count(l, ":"))
			}
		}
		got, err := parsePlexAPI(reply)
		if err != nil {
			t.Fatalf("python-plexapi would fail: %v\n%q", err, s)
		}
		if len(got) != 6 || got["Port"] != strconv.Itoa(port) {
			t.Fatalf("parsed %v", got)
		}
	})
}

// parsePlexAPI parses a reply the way python-plexapi's GDM.update does:
//
//	data = bdata.decode('utf-8')
//	if '200 OK' in data.splitlines()[0]:
//	    ddata = {k: v.strip() for (k, v) in (
//	        line.split(':') for line in data.splitlines() if ':' in line)}
func parsePlexAPI(b []byte) (map[string]string, error) {
	if !utf8.Valid(b) {
		return nil, errors.New("UnicodeDecodeError")
	}
	lines := splitlines(string(b))
	if len(lines) == 0 || !strings.Contains(lines[0], "200 OK") {
		return nil, errors.New("not a 200 OK reply")
	}
	m := make(map[string]string)
	for _, l := range lines {
		if !strings.Contains(l, ":") {
			continue
		}
		kv := strings.Split(l, ":")
		if len(kv) != 2 {
			return nil, fmt.Errorf("ValueError: %q splits into %d parts", l, len(kv))
		}
		m[kv[0]] = strings.TrimSpace(kv[1])
	}
	return m, nil
}

// splitlines is Python's str.splitlines: it breaks on \r\n and on each of
// \n \r \v \f \x1c \x1d \x1e U+0085 U+2028 U+2029.
func splitlines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\r':
			lines = append(lines, s[start:i])
			i += size
			if i < len(s) && s[i] == '\n' {
				i++
			}
			start = i
		case '\n', '\v', '\f', '\x1c', '\x1d', '\x1e', '\u0085', '\u2028', '\u2029':
			lines = append(lines, s[start:i])
			i += size
			start = i
		default:
			i += size
		}
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

func TestSplitlines(t *testing.T) {
	got := splitlines("a\r\nb\rc\nd\u2028e\u0085f\r\n\r\n")
	want := []string{"a", "b", "c", "d", "e", "f", ""}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != len(want) {
		t.Fatalf("splitlines = %q, want %q", got, want)
	}
}

func listen(t *testing.T, addr string, info Info) *Responder {
	t.Helper()
	r, err := Listen(addr, func() Info { return info }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

func dial(t *testing.T, addr net.Addr) *net.UDPConn {
	t.Helper()
	c, err := net.DialUDP("udp4", nil, addr.(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// query sends req from a fresh client socket and returns the first reply that
// arrives within wait.
func query(t *testing.T, addr net.Addr, req string, wait time.Duration) ([]byte, bool) {
	t.Helper()
	c := dial(t, addr)
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 2048) // larger than a reply may be, to catch an oversized one
	n, err := c.Read(buf)
	if err != nil {
		return nil, false
	}
	return buf[:n], true
}

// multicastRoute reports whether the kernel would send to grp through an
// interface that is up and multicast-capable.
func multicastRoute(grp *net.UDPAddr) bool {
	c, err := net.DialUDP("udp4", nil, grp)
	if err != nil {
		return false
	}
	local := c.LocalAddr().(*net.UDPAddr).IP
	_ = c.Close()
	ifaces, err := net.Interfaces()
	if err != nil {
		return false
	}
	for _, ifi := range ifaces {
		if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagMulticast == 0 {
			continue
		}
		addrs, _ := ifi.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(local) {
				return true
			}
		}
	}
	return false
}
