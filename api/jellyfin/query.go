package jellyfin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

const queryKey = "jellyfin.query"

// query returns the request's query parameters with lower-case names: Jellyfin reads them without
// regard to case (the SDK sends parentId=, jellyfin-web's old client and Sonarr ParentId=).
func query(c *gin.Context) url.Values {
	if v, ok := c.Get(queryKey); ok {
		return v.(url.Values)
	}
	q := url.Values{}
	for k, vs := range c.Request.URL.Query() {
		lk := strings.ToLower(k)
		q[lk] = append(q[lk], vs...)
	}
	c.Set(queryKey, q)
	return q
}

// str returns the first value of a query parameter, "" when absent.
func str(c *gin.Context, name string) string {
	return query(c).Get(strings.ToLower(name))
}

// list returns every value of a list parameter, whether repeated (fields=A&fields=B, as the SDK
// sends) or comma-separated (Fields=A,B); empty values are dropped.
func list(c *gin.Context, name string) []string {
	return splitList(query(c)[strings.ToLower(name)], ",")
}

// pipeList is list for the parameters Jellyfin splits on "|" (genres, studios, tags...), where a
// comma may be part of a name.
func pipeList(c *gin.Context, name string) []string {
	return splitList(query(c)[strings.ToLower(name)], "|")
}

func splitList(vs []string, sep string) []string {
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, sep) {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// integer returns an integer parameter, or def when absent or not a number: Jellyfin drops
// values it cannot read rather than failing the request.
func integer(c *gin.Context, name string, def int) int {
	if n, err := strconv.Atoi(str(c, name)); err == nil {
		return n
	}
	return def
}

// boolean returns a boolean parameter (true/false in any case), or nil when absent or unreadable.
func boolean(c *gin.Context, name string) *bool {
	switch strings.ToLower(str(c, name)) {
	case "true", "1":
		b := true
		return &b
	case "false", "0":
		b := false
		return &b
	}
	return nil
}

// ticks returns a .NET ticks parameter (100 ns units), or 0.
func ticks(c *gin.Context, name string) int64 {
	n, _ := strconv.ParseInt(str(c, name), 10, 64)
	return max(n, 0)
}
