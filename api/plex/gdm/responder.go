package gdm

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"
)

// group is the multicast group Plex clients send M-SEARCH to.
var group = netip.AddrFrom4([4]byte{239, 0, 0, 250})

// Responder answers discovery requests until Close.
type Responder struct {
	conn *net.UDPConn
	info func() Info
	log  *slog.Logger
	done chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// Listen binds a UDP socket on addr (":32414", or "127.0.0.1:0" in tests) and answers
// M-SEARCH requests from a goroutine until Close. info is called for each reply, from
// that goroutine, so the name and Updated-At can change while it runs.
//
// The socket is IPv4 only (replies must not carry IPv6 addresses, which contain ':'),
// and uses SO_REUSEADDR so a restarted server, or a real Plex server on the same host,
// can bind it too. When addr's host is unspecified, Listen also joins 239.0.0.250 on
// every multicast interface that is up; failures are logged, and unicast and broadcast
// requests are still answered. Interfaces that come up later are not joined. A nil
// log discards.
func Listen(addr string, info func() Info, log *slog.Logger) (*Responder, error) {
	if info == nil {
		return nil, errors.New("gdm: nil info")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lc := net.ListenConfig{Control: reuseAddr}
	pc, err := lc.ListenPacket(context.Background(), "udp4", addr)
	if err != nil {
		return nil, err // already "listen udp4 addr: …"
	}
	conn := pc.(*net.UDPConn)
	r := &Responder{conn: conn, info: info, log: log, done: make(chan struct{})}
	if la := conn.LocalAddr().(*net.UDPAddr); la.IP == nil || la.IP.IsUnspecified() {
		r.joinGroup()
	}
	go r.serve()
	return r, nil
}

// Addr returns the local address the responder is bound to.
func (r *Responder) Addr() net.Addr { return r.conn.LocalAddr() }

// Close stops answering and waits for the serving goroutine to return. Calling it
// again returns the first call's result.
func (r *Responder) Close() error {
	r.closeOnce.Do(func() {
		r.closeErr = r.conn.Close()
		<-r.done
	})
	return r.closeErr
}

// joinGroup joins the discovery group on every up, multicast-capable interface.
func (r *Responder) joinGroup() {
	ifaces, err := net.Interfaces()
	if err != nil {
		r.log.Warn("gdm: list interfaces; multicast discovery disabled", "err", err)
		return
	}
	joined := 0
	for _, ifi := range ifaces {
		if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagMulticast == 0 {
			continue
		}
		if err := joinIPv4(r.conn, group, ifi.Index); err != nil {
			r.log.Warn("gdm: join multicast group", "iface", ifi.Name, "group", group, "err", err)
			continue
		}
		joined++
	}
	if joined == 0 {
		r.log.Warn("gdm: no multicast interface joined; answering unicast and broadcast only", "group", group)
		return
	}
	r.log.Debug("gdm: joined multicast group", "group", group, "ifaces", joined)
}

func (r *Responder) serve() {
	defer close(r.done)
	// One byte more than we accept, so an oversized datagram shows as a full buffer:
	// UDP reads truncate silently.
	buf := make([]byte, maxDatagram+1)
	lim := newLimiter(perSourceLimit, maxSources)
	for {
		n, src, err := r.conn.ReadFromUDPAddrPort(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			r.log.Warn("gdm: read", "err", err)
			time.Sleep(10 * time.Millisecond) // do not spin on a persistent error
			continue
		}
		if n > maxDatagram || !isSearch(buf[:n]) || src.Port() == 0 {
			continue
		}
		if !lim.allow(src.Addr().Unmap(), time.Now()) {
			continue // anyone can spoof a source address: do not be a reflector
		}
		if _, err := r.conn.WriteToUDPAddrPort(Reply(r.info()), src); err != nil {
			r.log.Debug("gdm: reply", "to", src, "err", err)
		}
	}
}

// isSearch reports whether p is a discovery request. python-plexapi and Kodi send
// "M-SEARCH * HTTP/1.0" with no CRLF; others add "\r\n\r\n" or say HTTP/1.1.
func isSearch(p []byte) bool {
	const prefix = "M-SEARCH"
	return len(p) >= len(prefix) && bytes.EqualFold(p[:len(prefix)], []byte(prefix))
}

// Limits for the per-source reply limiter.
const (
	perSourceLimit = 20   // replies per source address per second; a scan needs one
	maxSources     = 4096 // tracked source addresses; new sources beyond it are refused
)

// limiter counts replies per source address in fixed one-second windows. It is used
// by the serving goroutine only.
type limiter struct {
	perSource, capacity int
	seen                map[netip.Addr]*window
	lastPrune           time.Time
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(perSource, capacity int) *limiter {
	return &limiter{perSource: perSource, capacity: capacity, seen: make(map[netip.Addr]*window)}
}

// allow reports whether src may get a reply at now, and counts it if so.
func (l *limiter) allow(src netip.Addr, now time.Time) bool {
	w, ok := l.seen[src]
	if !ok {
		if len(l.seen) >= l.capacity && !l.prune(now) {
			return false
		}
		w = &window{start: now}
		l.seen[src] = w
	}
	if now.Sub(w.start) >= time.Second {
		w.start, w.n = now, 0
	}
	if w.n >= l.perSource {
		return false
	}
	w.n++
	return true
}

// prune forgets sources whose window has ended and reports whether there is room
// for a new one. It scans at most once a second, so a flood of spoofed sources costs
// one scan per second, not one per datagram.
func (l *limiter) prune(now time.Time) bool {
	if now.Sub(l.lastPrune) < time.Second {
		return false
	}
	l.lastPrune = now
	for a, w := range l.seen {
		if now.Sub(w.start) >= time.Second {
			delete(l.seen, a)
		}
	}
	return len(l.seen) < l.capacity
}
