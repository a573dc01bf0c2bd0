package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// player is one viewer: its own connections and session token, like a separate device.
type player struct {
	hc    *http.Client
	token string
}

func newPlayer(token string) *player {
	return &player{token: token, hc: &http.Client{Timeout: 2 * time.Minute,
		Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4}}}
}

func (p *player) close() { p.hc.CloseIdleConnections() }

// step is one request: when it was sent and when its body was fully received.
type step struct {
	name       string
	start, end time.Time
	bytes      int64
}

func (s step) d() time.Duration { return s.end.Sub(s.start) }

// get fetches u whole; the body is kept when keep is set, else only counted.
func (p *player) get(name, u string, keep bool) (step, []byte, error) {
	s := step{name: name, start: time.Now()}
	resp, err := p.hc.Get(u)
	if err != nil {
		return s, nil, fmt.Errorf("%s: %w", name, err)
	}
	defer resp.Body.Close()
	var body []byte
	if keep {
		body, err = io.ReadAll(resp.Body)
		s.bytes = int64(len(body))
	} else {
		s.bytes, err = io.Copy(io.Discard, resp.Body)
	}
	s.end = time.Now()
	if err != nil {
		return s, nil, fmt.Errorf("%s: %w", name, err)
	}
	if resp.StatusCode != http.StatusOK {
		if !keep {
			body = nil
		}
		return s, nil, fmt.Errorf("%s: %s %s", name, resp.Status, body)
	}
	return s, body, nil
}

// media is a rendition's media playlist, with absolute URLs.
type media struct {
	url  string
	init string
	segs []string
	durs []time.Duration
}

var mapURI = regexp.MustCompile(`#EXT-X-MAP:URI="([^"]+)"`)

// renditionURL reads a master playlist and returns the media playlist URL of rendition id. A video
// rendition the master does not offer (another bitrate, to get fresh segments) is addressed like
// the master's 720p variant.
func renditionURL(masterURL string, master []byte, id string) (string, error) {
	base, _ := url.Parse(masterURL)
	var like string
	sc := bufio.NewScanner(strings.NewReader(string(master)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		uris := []string{line}
		if strings.HasPrefix(line, "#") {
			uris = nil
			if _, u, ok := strings.Cut(line, `URI="`); ok {
				uris = []string{strings.TrimSuffix(u, `"`)}
			}
		}
		for _, u := range uris {
			switch {
			case u == "":
			case strings.HasPrefix(u, id+"/"):
				ref, err := url.Parse(u)
				if err != nil {
					return "", err
				}
				return base.ResolveReference(ref).String(), nil
			case strings.HasPrefix(u, "v-h264-1280x720-") && like == "":
				like = u
			}
		}
	}
	if like == "" || !strings.HasPrefix(id, "v-h264-") {
		return "", fmt.Errorf("the master playlist has no %s (nor a 720p variant):\n%s", id, master)
	}
	_, rest, _ := strings.Cut(like, "/")
	ref, err := url.Parse(id + "/" + rest)
	if err != nil {
		return "", err
	}
	return base.ResolveReference(ref).String(), nil
}

// ladder720 returns the ID of the master playlist's 720p variant.
func ladder720(master []byte) (string, error) {
	m := regexp.MustCompile(`(v-h264-1280x720-\d+k)/`).FindSubmatch(master)
	if m == nil {
		return "", fmt.Errorf("no 720p variant in the master playlist:\n%s", master)
	}
	return string(m[1]), nil
}

// parseMedia reads a media playlist fetched from u.
func parseMedia(u string, body []byte) (media, error) {
	base, _ := url.Parse(u)
	abs := func(s string) string {
		ref, err := url.Parse(s)
		if err != nil {
			return s
		}
		return base.ResolveReference(ref).String()
	}
	m := media{url: u}
	if mm := mapURI.FindSubmatch(body); mm != nil {
		m.init = abs(string(mm[1]))
	}
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	var dur time.Duration
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#EXTINF:"):
			v, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			f, _ := strconv.ParseFloat(v, 64)
			dur = time.Duration(f * float64(time.Second))
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			m.segs = append(m.segs, abs(line))
			m.durs = append(m.durs, dur)
		}
	}
	if m.init == "" || len(m.segs) == 0 {
		return m, fmt.Errorf("media playlist %s: no init or segments:\n%s", u, body)
	}
	return m, nil
}

// start is what a player does to start a rendition: the master playlist, the rendition's media
// playlist, its init segment and its first media segment, one after another.
func (p *player) start(masterURL, id string) ([]step, media, error) {
	var steps []step
	s, master, err := p.get("master playlist", masterURL, true)
	steps = append(steps, s)
	if err != nil {
		return steps, media{}, err
	}
	u, err := renditionURL(masterURL, master, id)
	if err != nil {
		return steps, media{}, err
	}
	s, body, err := p.get("media playlist", u, true)
	steps = append(steps, s)
	if err != nil {
		return steps, media{}, err
	}
	m, err := parseMedia(u, body)
	if err != nil {
		return steps, m, err
	}
	s, _, err = p.get("init.mp4", m.init, false)
	steps = append(steps, s)
	if err != nil {
		return steps, m, err
	}
	s, _, err = p.get("segment 0", m.segs[0], false)
	steps = append(steps, s)
	return steps, m, err
}

// total is the time from the first request sent to the last body received.
func total(steps []step) time.Duration {
	if len(steps) == 0 {
		return 0
	}
	return steps[len(steps)-1].end.Sub(steps[0].start)
}

func describe(steps []step) string {
	var b strings.Builder
	for i, s := range steps {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", s.name, ms(s.d()))
	}
	return b.String()
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}
