package core

import (
	"testing"
	"time"
)

func TestRatingLevel(t *testing.T) {
	for _, tc := range []struct {
		in    string
		level int
		ok    bool
	}{
		{"G", 0, true}, {"PG", 10, true}, {"PG-13", 13, true}, {"pg-13", 13, true}, {"Rated R", 17, true},
		{"R", 17, true}, {"NC-17", 18, true}, {"TV-Y", 0, true}, {"TV-Y7", 7, true}, {"TV-Y7-FV", 7, true},
		{"TV-PG", 10, true}, {"TV-14", 14, true}, {"TV-MA", 17, true}, {"TVMA", 17, true},
		{"FSK 12", 12, true}, {"FSK-16", 16, true}, {"FSK18", 18, true}, {"de/12", 12, true}, {"DE-6", 6, true},
		{"ab 12", 12, true}, {"gb/15", 15, true}, {"BBFC 12A", 12, true}, {"UK:18", 18, true}, {"U", 0, true},
		{"au/MA15+", 15, true}, {"AU-R18+", 18, true}, {"au/R", 18, true}, {"MA15+", 15, true},
		{"fr/-12", 12, true}, {"nl/AL", 0, true}, {"jp/PG12", 12, true}, {"kr/19", 18, true},
		{"ru/16+", 16, true}, {"US-TV-MA", 17, true}, {"us/PG-13", 13, true}, {"16", 16, true}, {"12+", 12, true},
		{"", 0, false}, {"NR", 0, false}, {"Not Rated", 0, false}, {"Unrated", 0, false}, {"Approved", 0, false},
		{"M", 0, false}, {"99", 0, false}, {"de/XX", 0, false}, {"xx/12", 0, false},
	} {
		got, ok := RatingLevel(tc.in)
		if ok != tc.ok || got != tc.level {
			t.Errorf("RatingLevel(%q) = %d, %t; want %d, %t", tc.in, got, ok, tc.level, tc.ok)
		}
	}
	for _, n := range RatingNames() {
		if got, ok := RatingLevel(n.Name); !ok || got != n.Level {
			t.Errorf("RatingNames lists %q at %d, RatingLevel says %d, %t", n.Name, n.Level, got, ok)
		}
	}
}

func FuzzRatingLevel(f *testing.F) {
	for _, s := range []string{"PG-13", "de/12", "FSK 16", "au/MA15+", "12+", "Rated R", "US-TV-MA", "x/", "/", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		level, ok := RatingLevel(s)
		if ok && (level < 0 || level > MaxRatingLevel) {
			t.Fatalf("RatingLevel(%q) = %d, outside the scale", s, level)
		}
		if !ok && level != 0 {
			t.Fatalf("RatingLevel(%q) = %d with ok false", s, level)
		}
	})
}

func TestParentalAllows(t *testing.T) {
	lvl := func(n int) *int { return &n }
	p := &ParentalControls{MaxLevel: lvl(13), BlockUnrated: []UnratedKind{UnratedMovie}, BlockedTags: []string{"horror"}}
	for _, tc := range []struct {
		name string
		it   Item
		want bool
	}{
		{"under the limit", Item{Kind: KindMovie, RatingLevel: lvl(10)}, true},
		{"at the limit", Item{Kind: KindMovie, RatingLevel: lvl(13)}, true},
		{"over the limit", Item{Kind: KindMovie, RatingLevel: lvl(17)}, false},
		{"unrated movie", Item{Kind: KindMovie}, false},
		{"unrated episode", Item{Kind: KindEpisode}, true},
		{"blocked tag", Item{Kind: KindMovie, RatingLevel: lvl(0), ParentalTags: "|comedy|horror|"}, false},
		{"tag that contains the blocked one", Item{Kind: KindMovie, RatingLevel: lvl(0), ParentalTags: "|horrorcore|"}, true},
	} {
		if got := p.Allows(tc.it); got != tc.want {
			t.Errorf("%s: Allows = %t, want %t", tc.name, got, tc.want)
		}
	}
	var none *ParentalControls
	if !none.Allows(Item{Kind: KindMovie, RatingLevel: lvl(21)}) {
		t.Error("no controls blocked an item")
	}
}

func TestParentalSchedule(t *testing.T) {
	p, err := ParentalControls{Schedule: []AccessWindow{{Day: "Weekday", Start: 16, End: 19.5}, {Day: "saturday", Start: 8, End: 24}}}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, time.Local) } // 2026-11-23 is a Monday
	for _, tc := range []struct {
		t    time.Time
		want bool
	}{
		{at(23, 16, 0), true}, {at(23, 19, 29), true}, {at(23, 19, 30), false}, {at(23, 15, 59), false},
		{at(28, 7, 59), false}, {at(28, 8, 0), true}, {at(28, 23, 59), true}, {at(29, 12, 0), false},
	} {
		if got := p.AllowedAt(tc.t); got != tc.want {
			t.Errorf("AllowedAt(%s) = %t, want %t", tc.t.Format(time.RFC1123), got, tc.want)
		}
	}
	if !(ParentalControls{}).AllowedAt(at(29, 3, 0)) {
		t.Error("an empty schedule refused a time")
	}
}

func TestParentalNormalize(t *testing.T) {
	lvl := func(n int) *int { return &n }
	got, err := ParentalControls{MaxLevel: lvl(12), BlockUnrated: []UnratedKind{"series", "movie", "series"},
		BlockedTags: []string{" Horror ", "horror", "", "Gore"}}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	if *got.MaxLevel != 12 || len(got.BlockUnrated) != 2 || got.BlockUnrated[0] != UnratedMovie ||
		len(got.BlockedTags) != 2 || got.BlockedTags[0] != "horror" || got.BlockedTags[1] != "gore" {
		t.Errorf("normalize = %+v", got)
	}
	for name, bad := range map[string]ParentalControls{
		"level":    {MaxLevel: lvl(22)},
		"negative": {MaxLevel: lvl(-1)},
		"group":    {BlockUnrated: []UnratedKind{"books"}},
		"pipe":     {BlockedTags: []string{"a|b"}},
		"day":      {Schedule: []AccessWindow{{Day: "someday", Start: 1, End: 2}}},
		"hours":    {Schedule: []AccessWindow{{Day: "everyday", Start: 20, End: 8}}},
		"late":     {Schedule: []AccessWindow{{Day: "everyday", Start: 0, End: 25}}},
	} {
		if _, err := bad.normalize(); err == nil {
			t.Errorf("%s: normalize accepted %+v", name, bad)
		}
	}
}
