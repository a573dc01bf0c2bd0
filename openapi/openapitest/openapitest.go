// Package openapitest checks, in tests, that responses of the native API match
// its OpenAPI document.
//
//	v := openapitest.New(t)
//	rec := httptest.NewRecorder()
//	req := httptest.NewRequest(http.MethodGet, "/api/v1/users/me", nil)
//	srv.ServeHTTP(rec, req)
//	v.Check(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
package openapitest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/walros/walros/openapi"
)

// Validator checks responses against the OpenAPI document. It is safe for
// concurrent use by parallel tests.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
}

// shared is built once per test binary: the document is embedded, and
// validation only reads it.
var shared = sync.OnceValues(func() (*Validator, error) {
	// Server-sent event streams are text: check the status and content type, not a JSON body.
	if openapi3filter.RegisteredBodyDecoder("text/event-stream") == nil {
		openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
	}
	doc, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	// legacy rather than gorillamux, which would pull in gorilla/mux; legacy
	// matches the relative server URL /api/v1 against a bare request path.
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.yaml: %w", err)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true, // an undocumented status is an error
		MultiError:            true, // report every mismatch at once
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	opts.WithCustomSchemaErrorFunc(schemaMessage)
	return &Validator{doc: doc, router: router, opts: opts}, nil
})

// New returns a Validator for the native API's document. It stops the test if
// the document does not load.
func New(t testing.TB) *Validator {
	t.Helper()
	v, err := shared()
	if err != nil {
		t.Fatalf("openapitest: %v", err)
	}
	return v
}

// Operations lists the documented operations, as openapi.Operations does.
func (v *Validator) Operations() []string {
	return openapi.Operations(v.doc)
}

// Check reports, with t.Errorf, a response that the document does not allow:
// a request whose method and path match no operation, a status that the
// operation does not document, or a header, content type or body that does not
// match the documented response. Only the method and URL of req are used, so
// its body may already be consumed; its URL may be absolute or a bare path.
func (v *Validator) Check(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	// The document's server is the relative URL /api/v1, which matches only
	// a URL without scheme and host: keep the path and query alone.
	u := &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	r := &http.Request{Method: req.Method, URL: u, Header: req.Header, Host: req.Host, Body: http.NoBody}
	name := req.Method + " " + u.RequestURI()

	route, params, err := v.router.FindRoute(r)
	if err != nil {
		t.Errorf("openapi: %s: not in the document: %v", name, err)
		return
	}
	if header == nil {
		header = http.Header{}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: r, PathParams: params, Route: route, Options: v.opts,
		},
		Status:  status,
		Header:  header,
		Options: v.opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("openapi: %s answered %d: %v\nbody: %s", name, status, err, excerpt(body))
		return
	}
	// ValidateResponse accepts any body where the document declares none (204).
	if resp := documented(route.Operation, status); resp != nil && len(resp.Content) == 0 && len(body) > 0 {
		t.Errorf("openapi: %s answered %d with a %d-byte body; the document declares none", name, status, len(body))
	}
}

// documented returns the response that op documents for status, or nil.
func documented(op *openapi3.Operation, status int) *openapi3.Response {
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil {
		return nil
	}
	return ref.Value
}

// schemaMessage leaves out the schema and the whole value that kin-openapi
// prints with each error: the path and the reason say enough.
func schemaMessage(e *openapi3.SchemaError) string {
	if e.Origin != nil || e.Reason == "" {
		return "" // the default: it prints the nested errors, each through schemaMessage
	}
	// The JSON Schema 2020-12 validator, used for OpenAPI 3.1, names the path itself.
	if p := e.JSONPointer(); len(p) > 0 && !strings.HasPrefix(e.Reason, "error at ") {
		return fmt.Sprintf("error at %q: %s", "/"+strings.Join(p, "/"), e.Reason)
	}
	return e.Reason
}

// excerpt is body, shortened to keep test logs readable.
func excerpt(body []byte) string {
	const limit = 2 << 10
	if len(body) > limit {
		return string(body[:limit]) + "…"
	}
	return string(body)
}
