package jellyfin

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// router matches Jellyfin's routes the way ASP.NET does: path segments without regard to case
// (clients send both /Users/AuthenticateByName and /users/authenticatebyname). gin's router is
// case-sensitive and its fixed-path redirects would lose POST bodies, so the facade matches its
// own routes and hands gin only the handlers.
type router struct {
	bySegments map[int][]*route
}

type route struct {
	method  string
	pattern string // as registered, for metrics and logs
	segs    []segment
	access  access
	handler []gin.HandlerFunc
	maxBody int64 // bytes; 0 is Deps.MaxBody
}

// access is what a route asks of its caller.
type access int

const (
	// user routes need a valid credential.
	user access = iota
	// media routes serve one item's media ({itemId} in the pattern): they need a credential too,
	// checked through the media path (media tokens, a short trust cache).
	media
	// anonymous routes need none; a valid credential that comes anyway is used.
	anonymous
)

// segment is one path segment of a pattern: a literal, "{name}" (any non-empty segment), or a
// literal prefix followed by a parameter ("stream.{container}").
type segment struct {
	literal string // lower case; the whole segment, or the prefix before a parameter
	param   string
}

func parsePattern(p string) []segment {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	segs := make([]segment, len(parts))
	for i, s := range parts {
		if j := strings.IndexByte(s, '{'); j >= 0 && strings.HasSuffix(s, "}") {
			segs[i] = segment{literal: strings.ToLower(s[:j]), param: s[j+1 : len(s)-1]}
		} else {
			segs[i] = segment{literal: strings.ToLower(s)}
		}
	}
	return segs
}

// add registers a route. GET routes answer HEAD too.
func (r *router) add(method, pattern string, a access, h ...gin.HandlerFunc) {
	if r.bySegments == nil {
		r.bySegments = map[int][]*route{}
	}
	rt := &route{method: method, pattern: pattern, segs: parsePattern(pattern), access: a, handler: h}
	r.bySegments[len(rt.segs)] = append(r.bySegments[len(rt.segs)], rt)
}

// addLarge is add for a route whose bodies may be larger than Deps.MaxBody, up to maxBody bytes.
func (r *router) addLarge(maxBody int64, method, pattern string, a access, h ...gin.HandlerFunc) {
	r.add(method, pattern, a, h...)
	rts := r.bySegments[len(parsePattern(pattern))]
	rts[len(rts)-1].maxBody = maxBody
}

// match finds the route for a method and an escaped path (URL.EscapedPath: a %2F inside a name
// must not split it), with its parameters, each unescaped once; literal segments win over
// parameters. A path that matches only
// with other methods gives allowed = true and no route.
func (r *router) match(method, path string) (rt *route, params gin.Params, allowed bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if method == http.MethodHead {
		method = http.MethodGet
	}
	for _, cand := range r.bySegments[len(parts)] {
		ps, ok := cand.matches(parts)
		if !ok {
			continue
		}
		if cand.method == method && (rt == nil || cand.before(rt)) {
			rt, params = cand, ps
		}
		allowed = true
	}
	if rt == nil {
		return nil, nil, allowed
	}
	return rt, params, true
}

// before reports whether rt takes precedence over other, both matching one path: as in ASP.NET,
// a literal segment wins over a parameter at the first place they differ
// (/Users/AuthenticateWithQuickConnect is not /Users/{userId}); otherwise the first added wins.
func (rt *route) before(other *route) bool {
	for i, s := range rt.segs {
		o := other.segs[i]
		if lit, olit := s.param == "", o.param == ""; lit != olit {
			return lit
		}
	}
	return false
}

func (rt *route) matches(parts []string) (gin.Params, bool) {
	var ps gin.Params
	for i, s := range rt.segs {
		p := parts[i]
		if s.param == "" {
			if !strings.EqualFold(p, s.literal) {
				return nil, false
			}
			continue
		}
		if len(p) <= len(s.literal) || !strings.EqualFold(p[:len(s.literal)], s.literal) {
			return nil, false
		}
		v, err := url.PathUnescape(p[len(s.literal):])
		if err != nil {
			return nil, false
		}
		ps = append(ps, gin.Param{Key: s.param, Value: v})
	}
	return ps, true
}
