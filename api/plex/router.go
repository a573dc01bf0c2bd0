package plex

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// router matches Plex's routes. gin's router cannot: Plex paths have a literal ":" segment
// (/:/scrobble, /video/:/transcode/...), which gin reads as an unnamed parameter.
type router struct{ routes []*route }

type route struct {
	method  string
	pattern string
	parts   []string // a literal, or "{name}" for any non-empty segment
	anon    bool     // served without a token
	handler gin.HandlerFunc
}

// add registers a route. GET routes answer HEAD too.
func (r *router) add(method, pattern string, anon bool, h gin.HandlerFunc) {
	r.routes = append(r.routes, &route{method: method, pattern: pattern, parts: split(pattern), anon: anon, handler: h})
}

func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match finds the route for a method and an escaped path, with its parameters unescaped once. A
// path that matches only with other methods gives allowed = true and no route.
func (r *router) match(method, path string) (rt *route, params gin.Params, allowed bool) {
	parts := split(path)
	for _, cand := range r.routes {
		ps, ok := cand.matches(parts)
		if !ok {
			continue
		}
		if cand.method == method || method == http.MethodHead && cand.method == http.MethodGet {
			return cand, ps, false
		}
		allowed = true
	}
	return nil, nil, allowed
}

func (rt *route) matches(parts []string) (gin.Params, bool) {
	if len(parts) != len(rt.parts) {
		return nil, false
	}
	var ps gin.Params
	for i, p := range rt.parts {
		if name, ok := strings.CutPrefix(p, "{"); ok {
			v, err := url.PathUnescape(parts[i])
			if err != nil || v == "" {
				return nil, false
			}
			ps = append(ps, gin.Param{Key: strings.TrimSuffix(name, "}"), Value: v})
		} else if p != parts[i] {
			return nil, false
		}
	}
	return ps, true
}
