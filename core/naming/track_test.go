package naming_test

import (
	"testing"

	"github.com/walros/walros/core/naming"
)

func TestParseTrack(t *testing.T) {
	for _, tc := range []struct {
		path string
		want naming.Track
	}{
		{"Music/Artist/Album (2010)/01 - Title.flac", naming.Track{Artist: "Artist", Album: "Album", Year: 2010, Number: 1, Title: "Title"}},
		{"Music/Artist - Album/1-03 Title.mp3", naming.Track{Artist: "Artist", Album: "Album", Disc: 1, Number: 3, Title: "Title"}},
		{"Music/Artist/Album/CD2/05 Title.mp3", naming.Track{Artist: "Artist", Album: "Album", Disc: 2, Number: 5, Title: "Title"}},
		{"Music/Artist/Album/Disc 1/02. Song.ogg", naming.Track{Artist: "Artist", Album: "Album", Disc: 1, Number: 2, Title: "Song"}},
		{"Music/Pink Floyd/1973 - The Dark Side of the Moon/03 - Time.flac", naming.Track{Artist: "Pink Floyd", Album: "The Dark Side of the Moon", Year: 1973, Number: 3, Title: "Time"}},
		{"Music/Pink Floyd/The Wall [1979]/1-01 In the Flesh.flac", naming.Track{Artist: "Pink Floyd", Album: "The Wall", Year: 1979, Disc: 1, Number: 1, Title: "In the Flesh"}},
		{"Music/Daft Punk - Random Access Memories (2013) [FLAC 24-96]/08 - Get Lucky.flac", naming.Track{Artist: "Daft Punk", Album: "Random Access Memories", Year: 2013, Number: 8, Title: "Get Lucky"}},
		{"Music/Various Artists/Now 100 (2018)/01 - Ed Sheeran - Perfect.mp3", naming.Track{Artist: "Ed Sheeran", Album: "Now 100", Year: 2018, Number: 1, Title: "Perfect"}},
		{"Music/Radiohead/OK Computer/Radiohead - 02 - Paranoid Android.mp3", naming.Track{Artist: "Radiohead", Album: "OK Computer", Number: 2, Title: "Paranoid Android"}},
		{"Music/Radiohead - OK Computer - 01 - Airbag.mp3", naming.Track{Artist: "Radiohead", Album: "OK Computer", Number: 1, Title: "Airbag"}},
		{"Music/The Killers/Hot Fuss/02. Mr. Brightside.mp3", naming.Track{Artist: "The Killers", Album: "Hot Fuss", Number: 2, Title: "Mr. Brightside"}},
		{"Music/The Killers/Hot Fuss/The Killers - Mr. Brightside.mp3", naming.Track{Artist: "The Killers", Album: "Hot Fuss", Title: "Mr. Brightside"}},
		{"Music/Smashing Pumpkins/Mellon Collie/Disc 2/1979.mp3", naming.Track{Artist: "Smashing Pumpkins", Album: "Mellon Collie", Disc: 2, Title: "1979"}},
		{"Music/Artist/Album/101 - Title.mp3", naming.Track{Artist: "Artist", Album: "Album", Disc: 1, Number: 1, Title: "Title"}},
		{"Music/Artist/Album/101 Dalmatians.mp3", naming.Track{Artist: "Artist", Album: "Album", Title: "101 Dalmatians"}},
		{"Music/Artist/Album - 2004/07_Track_Name.mp3", naming.Track{Artist: "Artist", Album: "Album", Year: 2004, Number: 7, Title: "Track Name"}},
		{"Music/Artist - 2004 - Album/07 Track.mp3", naming.Track{Artist: "Artist", Album: "Album", Year: 2004, Number: 7, Title: "Track"}},
		{"Music/Artist/Album/(04) Song.m4a", naming.Track{Artist: "Artist", Album: "Album", Number: 4, Title: "Song"}},
		{"Artist - Title.mp3", naming.Track{Artist: "Artist", Title: "Title"}},
		{"Track.mp3", naming.Track{Title: "Track"}},
		{"", naming.Track{}},
	} {
		if got := naming.ParseTrack(tc.path); got != tc.want {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.path, got, tc.want)
		}
	}
}
