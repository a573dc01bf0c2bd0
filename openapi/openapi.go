// Package openapi holds the OpenAPI 3.1 document of the Walros native API
// (/api/v1), and serves it as YAML and as an offline HTML page.
package openapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed" // for YAML
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// YAML is the OpenAPI document of the native API, as written in openapi.yaml.
//
//go:embed openapi.yaml
var YAML []byte

// Load parses YAML and validates it as an OpenAPI document.
// Each call returns a new document, which the caller may change.
func Load() (*openapi3.T, error) {
	return load(false)
}

// load is Load; withOrigin records the line of each element, which keeps
// properties in the order they are written.
func load(withOrigin bool) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = withOrigin
	doc, err := loader.LoadFromData(YAML)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi.yaml: %w", err)
	}
	return doc, nil
}

// SpecHandler serves YAML, whatever the request path. It answers conditional
// and range requests, so clients can cache the document.
func SpecHandler() http.Handler {
	return staticHandler(YAML, "application/yaml")
}

// Operations lists the operations of doc as sorted "METHOD /path" strings.
// Paths carry the base path of the first server (/api/v1) and keep the
// OpenAPI {param} form, as in "GET /api/v1/users/{id}".
func Operations(doc *openapi3.T) []string {
	base := basePath(doc)
	var ops []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+base+path)
		}
	}
	slices.Sort(ops)
	return ops
}

// basePath is the path of the first server without its trailing slash: "" when
// the document has no server or its server is the root.
func basePath(doc *openapi3.T) string {
	p, err := doc.Servers.BasePath()
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(p, "/")
}

// staticHandler serves body with an ETag; http.ServeContent handles HEAD,
// If-None-Match and Range.
func staticHandler(body []byte, contentType string) http.Handler {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", contentType) // set first, so ServeContent does not sniff
		h.Set("ETag", etag)
		h.Set("Cache-Control", "no-cache") // revalidate: the document changes with each release
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}
