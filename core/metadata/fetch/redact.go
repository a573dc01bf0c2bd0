package fetch

import (
	"net/http"
	"net/url"
	"strings"
)

// secretParams are query parameters that carry credentials (TMDb's api_key, Fanart's, OAuth's).
var secretParams = map[string]bool{"api_key": true, "apikey": true, "api-key": true, "key": true,
	"token": true, "access_token": true, "client_secret": true}

func isSecretParam(name string) bool { return secretParams[strings.ToLower(name)] }

// isSecretHeader reports whether a request header carries a credential.
func isSecretHeader(name string) bool {
	n := strings.ToLower(name)
	return n == "authorization" || n == "proxy-authorization" || n == "cookie" ||
		strings.Contains(n, "key") || strings.Contains(n, "token") || strings.Contains(n, "secret")
}

// redactURL returns raw with credential values replaced, for errors and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)" // it may hold a key we cannot find
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	q := u.Query()
	changed := false
	for k := range q {
		if isSecretParam(k) {
			q[k] = []string{"REDACTED"}
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// cacheKey returns raw without credentials and with its query sorted, so that two keys asking
// the same thing share an entry and the cache never holds a secret.
func cacheKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.User = nil
	q := u.Query()
	for k := range q {
		if isSecretParam(k) {
			delete(q, k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// secretsOf lists the credential values in a request, to scrub them from any text.
func secretsOf(raw string, h http.Header) []string {
	var out []string
	add := func(v string) {
		if len(v) >= 4 { // shorter values would blank out ordinary words
			out = append(out, v)
		}
	}
	if u, err := url.Parse(raw); err == nil {
		for k, vs := range u.Query() {
			if isSecretParam(k) {
				for _, v := range vs {
					add(v)
				}
			}
		}
		if u.User != nil {
			p, _ := u.User.Password()
			add(p)
		}
	}
	for k, vs := range h {
		if isSecretHeader(k) {
			for _, v := range vs {
				add(v)
				if _, tok, ok := strings.Cut(v, " "); ok { // "Bearer <token>"
					add(tok)
				}
			}
		}
	}
	return out
}

func redactText(s string, secrets []string) string {
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, "REDACTED")
		if e := url.QueryEscape(v); e != v {
			s = strings.ReplaceAll(s, e, "REDACTED")
		}
	}
	return s
}
