package openapi

import (
	"bytes"
	"cmp"
	_ "embed" // for docsTemplate
	"fmt"
	"html/template"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed docs.html
var docsTemplate string

var docsPage = template.Must(template.New("docs").Funcs(template.FuncMap{"md": inlineMarkdown}).Parse(docsTemplate))

// DocsHandler serves the document as one HTML page, rendered once here. The page
// has its CSS inline and links nowhere outside the server, so it works offline.
func DocsHandler() (http.Handler, error) {
	doc, err := load(true)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := docsPage.Execute(&buf, newDocsView(doc)); err != nil {
		return nil, fmt.Errorf("render api docs: %w", err)
	}
	h := staticHandler(buf.Bytes(), "text/html; charset=utf-8")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The page needs nothing but its own inline styles; say so to the browser.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		h.ServeHTTP(w, r)
	}), nil
}

// docsView is what docs.html renders.
type docsView struct {
	Title, Version, SpecURL string
	Description             []string // paragraphs
	Tags                    []tagView
	Schemas                 []schemaView
}

type tagView struct {
	Name, Description string
	Operations        []operationView
}

type operationView struct {
	ID, Method, Path, Summary, Description string
	Public                                 bool
	Parameters                             fieldTable
	Body                                   *contentView
	Responses                              []responseView
}

type contentView struct {
	MediaType string
	Schema    typeLabel
	Required  bool
}

type responseView struct {
	Status, Description string
	Headers             []fieldView
	Content             *contentView
}

type schemaView struct {
	Name, Description string
	Type              typeLabel
	Properties        fieldTable
}

// fieldTable is a table of parameters (In is set) or of properties.
type fieldTable struct {
	In     bool
	Fields []fieldView
}

// fieldView is a parameter or a schema property.
type fieldView struct {
	Name, In, Description, Notes string
	Required                     bool
	Type                         typeLabel
}

// typeLabel reads as Text followed by a link to the component schema Ref, if any:
// "array of " + User.
type typeLabel struct{ Text, Ref string }

func newDocsView(doc *openapi3.T) docsView {
	base := basePath(doc)
	v := docsView{
		Title:       doc.Info.Title,
		Version:     doc.Info.Version,
		SpecURL:     base + "/openapi.yaml",
		Description: strings.Split(strings.TrimSpace(doc.Info.Description), "\n\n"),
	}
	byTag := map[string][]operationView{}
	paths := doc.Paths.Map()
	for _, path := range sortedKeys(paths) {
		item := paths[path]
		ops := item.Operations()
		methods := sortedKeys(ops)
		slices.SortStableFunc(methods, func(a, b string) int { return methodRank(a) - methodRank(b) })
		for _, method := range methods {
			op := ops[method]
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			byTag[tag] = append(byTag[tag], newOperationView(base, path, method, item, op))
		}
	}
	for _, t := range doc.Tags { // the document's tag order, then any undeclared tag
		v.Tags = append(v.Tags, tagView{Name: t.Name, Description: t.Description, Operations: byTag[t.Name]})
		delete(byTag, t.Name)
	}
	for _, name := range sortedKeys(byTag) {
		v.Tags = append(v.Tags, tagView{Name: name, Operations: byTag[name]})
	}
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.Schemas) {
			v.Schemas = append(v.Schemas, newSchemaView(name, doc.Components.Schemas[name].Value))
		}
	}
	return v
}

func newOperationView(base, path, method string, item *openapi3.PathItem, op *openapi3.Operation) operationView {
	v := operationView{
		ID:          op.OperationID,
		Method:      method,
		Path:        base + path,
		Summary:     op.Summary,
		Description: op.Description,
		Public:      op.Security != nil && len(*op.Security) == 0,
		Parameters:  fieldTable{In: true},
	}
	if v.ID == "" {
		v.ID = strings.ToLower(method) + strings.NewReplacer("/", "-", "{", "", "}", "").Replace(path)
	}
	for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
		if p.Value == nil {
			continue
		}
		pv := p.Value
		v.Parameters.Fields = append(v.Parameters.Fields, fieldView{Name: pv.Name, In: pv.In,
			Description: pv.Description, Required: pv.Required, Type: label(pv.Schema), Notes: notes(pv.Schema)})
	}
	if b := op.RequestBody; b != nil && b.Value != nil {
		v.Body = newContentView(b.Value.Content)
		if v.Body != nil {
			v.Body.Required = b.Value.Required
		}
	}
	responses := op.Responses.Map()
	for _, status := range sortedKeys(responses) { // "default" sorts after the digits
		r := responses[status]
		if r.Value == nil {
			continue
		}
		rv := responseView{Status: status, Content: newContentView(r.Value.Content)}
		if r.Value.Description != nil {
			rv.Description = *r.Value.Description
		}
		for _, name := range sortedKeys(r.Value.Headers) {
			if h := r.Value.Headers[name].Value; h != nil {
				rv.Headers = append(rv.Headers, fieldView{Name: name, Type: label(h.Schema)})
			}
		}
		v.Responses = append(v.Responses, rv)
	}
	return v
}

// newContentView describes the first media type of c, or returns nil.
func newContentView(c openapi3.Content) *contentView {
	if len(c) == 0 {
		return nil
	}
	mt := sortedKeys(c)[0]
	return &contentView{MediaType: mt, Schema: label(c[mt].Schema)}
}

func newSchemaView(name string, s *openapi3.Schema) schemaView {
	v := schemaView{Name: name}
	if s == nil {
		return v
	}
	v.Description = s.Description
	v.Type = label(openapi3.NewSchemaRef("", s))
	required := map[string]bool{}
	props := openapi3.Schemas{}
	var collect func(s *openapi3.Schema)
	collect = func(s *openapi3.Schema) { // allOf members add their properties
		for _, r := range s.Required {
			required[r] = true
		}
		for k, p := range s.Properties {
			props[k] = p
		}
		for _, sub := range s.AllOf {
			if sub.Value != nil {
				collect(sub.Value)
			}
		}
	}
	collect(s)
	names := sortedKeys(props)
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(line(props[a]), line(props[b])) })
	for _, k := range names {
		p := props[k]
		f := fieldView{Name: k, Required: required[k], Type: label(p), Notes: notes(p)}
		if p.Value != nil {
			f.Description = p.Value.Description
		}
		v.Properties.Fields = append(v.Properties.Fields, f)
	}
	return v
}

// line is where s is written in openapi.yaml, to list properties in that order.
func line(s *openapi3.SchemaRef) int {
	if s.Origin == nil || s.Origin.Key == nil {
		return math.MaxInt
	}
	return s.Origin.Key.Line
}

// label names the type of s: a component name, or its types, format and enum.
func label(s *openapi3.SchemaRef) typeLabel {
	switch {
	case s == nil || s.Value == nil:
		return typeLabel{Text: "any"}
	case s.Ref != "":
		return typeLabel{Ref: s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]}
	}
	v := s.Value
	if len(v.AllOf) > 0 {
		return typeLabel{Text: "object"}
	}
	var types []string
	if v.Type != nil {
		types = v.Type.Slice()
	}
	if slices.Contains(types, "array") {
		items := label(v.Items)
		items.Text = "array of " + items.Text
		return items
	}
	if v.Format != "" {
		types = slices.Clone(types)
		for i, t := range types {
			if t != "null" {
				types[i] += " (" + v.Format + ")" // "string (date-time) or null"
			}
		}
	}
	text := strings.Join(types, " or ")
	if text == "" {
		text = "any"
	}
	if len(v.Enum) > 0 {
		values := make([]string, len(v.Enum))
		for i, e := range v.Enum {
			values[i] = fmt.Sprint(e)
		}
		text += ": " + strings.Join(values, " | ")
	}
	if v.Const != nil {
		text += fmt.Sprintf(" = %v", v.Const)
	}
	return typeLabel{Text: text}
}

// notes lists the constraints and default of s, such as "1–64 chars, default true".
func notes(s *openapi3.SchemaRef) string {
	if s == nil || s.Value == nil || s.Ref != "" {
		return ""
	}
	v := s.Value
	var n []string
	switch {
	case v.MinLength > 0 && v.MaxLength != nil:
		n = append(n, fmt.Sprintf("%d–%d chars", v.MinLength, *v.MaxLength))
	case v.MinLength > 0:
		n = append(n, fmt.Sprintf("at least %d chars", v.MinLength))
	case v.MaxLength != nil:
		n = append(n, fmt.Sprintf("at most %d chars", *v.MaxLength))
	}
	switch {
	case v.Min != nil && v.Max != nil:
		n = append(n, fmt.Sprintf("%v–%v", *v.Min, *v.Max))
	case v.Min != nil:
		n = append(n, fmt.Sprintf("≥ %v", *v.Min))
	case v.Max != nil:
		n = append(n, fmt.Sprintf("≤ %v", *v.Max))
	}
	if v.MinItems > 0 {
		n = append(n, fmt.Sprintf("at least %d", v.MinItems))
	}
	if v.Default != nil {
		n = append(n, fmt.Sprintf("default %v", v.Default))
	}
	return strings.Join(n, ", ")
}

var (
	codeSpan   = regexp.MustCompile("`([^`]+)`")
	strongSpan = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// inlineMarkdown renders the `code` and **strong** spans of s, and escapes the rest.
func inlineMarkdown(s string) template.HTML {
	s = template.HTMLEscapeString(s) // first: the tags added below are the only markup
	s = codeSpan.ReplaceAllString(s, "<code>$1</code>")
	s = strongSpan.ReplaceAllString(s, "<strong>$1</strong>")
	return template.HTML(s)
}

// methodRank orders the operations of a path as readers expect: reads first.
func methodRank(method string) int {
	if i := slices.Index([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, method); i >= 0 {
		return i
	}
	return 5
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
