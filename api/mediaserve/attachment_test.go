package mediaserve

import (
	"mime"
	"strings"
	"testing"
)

func TestSafeFileName(t *testing.T) {
	long := strings.Repeat("é", 150) + ".mkv" // 304 bytes
	for _, tc := range []struct{ in, want string }{
		{"Heat (1995).mkv", "Heat (1995).mkv"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{`C:\Windows\evil.exe`, "C__Windows_evil.exe"},
		{"a\r\nContent-Type: text/html\x00.mkv", "a__Content-Type_ text_html_.mkv"},
		{"quote\"d; name=x.mkv", "quote_d; name=x.mkv"},
		{"\u202egnp.exe", "_gnp.exe"}, // a right-to-left override hides the real extension
		{"...hidden.mkv", "hidden.mkv"},
		{"trailing. . ", "trailing"},
		{"Amélie (2001).mkv", "Amélie (2001).mkv"},
		{"tab\there.mkv", "tab_here.mkv"},
		{"", "fallback"},
		{"///", "fallback"},
		{"..", "fallback"},
		{string([]byte{0xff, 0xfe}) + ".mkv", "__.mkv"},
	} {
		if got := SafeFileName(tc.in, "fallback"); got != tc.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	got := SafeFileName(long, "x")
	if len(got) > maxFileName || !strings.HasSuffix(got, ".mkv") || !strings.HasPrefix(got, "éé") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("long name: %q (%d bytes)", got, len(got))
	}
}

// TestAttachment checks the header values, and that Go's own parser reads back the name a
// browser would save.
func TestAttachment(t *testing.T) {
	for _, tc := range []struct{ in, header, name string }{
		{"Heat (1995).mkv", `attachment; filename="Heat (1995).mkv"`, "Heat (1995).mkv"},
		{"Amélie (2001).mkv", `attachment; filename="Am_lie (2001).mkv"; filename*=UTF-8''Am%C3%A9lie%20%282001%29.mkv`, "Amélie (2001).mkv"},
		{"100% \"evil\"\r\n.mkv", `attachment; filename="100_ _evil___.mkv"; filename*=UTF-8''100%25%20_evil___.mkv`, "100% _evil___.mkv"},
		{"千と千尋.mp4", `attachment; filename="____.mp4"; filename*=UTF-8''%E5%8D%83%E3%81%A8%E5%8D%83%E5%B0%8B.mp4`, "千と千尋.mp4"},
		{"", `attachment; filename="download"`, "download"},
	} {
		got := Attachment(tc.in)
		if got != tc.header {
			t.Errorf("Attachment(%q) = %s, want %s", tc.in, got, tc.header)
		}
		disp, params, err := mime.ParseMediaType(got)
		if err != nil || disp != "attachment" || params["filename"] != tc.name {
			t.Errorf("Attachment(%q) parses as %q %v %v, want the name %q", tc.in, disp, params, err, tc.name)
		}
	}
}
