package hls

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// burnLookback is how long before an encode's start the picture subtitle it burns in is read
// from: long enough for any subtitle line still on screen at a seek point.
const burnLookback = 30 * time.Second

// args returns the ffmpeg command that produces segments [from, limit) of r into dir as
// init.mp4 and N.m4s. Every run uses the source's own timestamps (-copyts, -seek_timestamp), so
// segments of different runs share one clock, and cuts at the timeline's starts only:
//   - copied video is cut at every keyframe, which the timeline's starts are;
//   - encoded video has keyframes forced at the starts and nowhere else;
//   - audio is stamped on a grid of whole AAC frames, restarted one frame late so that the encoder's
//     priming frame lands exactly on the segment start.
func (m *Manager) args(r *rendition, from, limit int, dir string, silent bool) []string {
	hw := r.isHW()
	start, _ := r.span(from)
	var a []string
	seek := start
	switch {
	case r.spec.Kind == Audio:
		seek += r.audio.samplesToTime(aacFrame)
	case r.tl.Keyframes && r.spec.Copy:
		// Copied video starts at the keyframe at or before the seek point. ffmpeg moves the
		// seek point 3/23 s earlier in files with B-frames that seek by decode time
		// (Matroska...), so aim that far past the keyframe, and never past the middle of its
		// GOP, so that files without B-frames land on it too.
		_, next := r.tl.Span(from)
		seek += min(3*time.Second/23+500*time.Microsecond, (next-start)/2)
	case r.tl.Keyframes:
		// An encode decodes from an earlier keyframe and keeps frames from the seek point on:
		// just before the keyframe, whatever rounding the printed keyframe times have.
		seek -= 500 * time.Microsecond
	}
	if silent { // the audio ended early: silence on the same grid, up to the file's end
		layout := map[int]string{1: "mono", 2: "stereo", 6: "5.1"}[r.spec.Channels]
		if layout == "" {
			layout = "stereo"
		}
		_, end := r.span(limit - 1)
		a = append(a, "-loglevel", "error", "-f", "lavfi", "-t", seconds(end-start),
			"-i", fmt.Sprintf("anullsrc=r=%d:cl=%s", r.audio.SampleRate, layout))
	} else {
		a = append(a, "-loglevel", "error")
		if hw {
			a = append(a, m.hwInput()...)
		}
		a = append(a, "-seek_timestamp", "1", "-ss", seconds(max(0, seek)), "-i", r.src.Path)
		if r.spec.Kind == Video && r.spec.Burn > 0 {
			// The picture subtitle comes from a second reading of the file that starts earlier:
			// a subtitle is one event when it appears, so an encode starting while one is on
			// screen (a seek) would otherwise not draw it until the next. Timestamps are the
			// source's (-copyts), so the overlay lines both up.
			a = append(a, "-seek_timestamp", "1", "-ss", seconds(max(0, seek-burnLookback)), "-i", r.src.Path)
		}
	}
	a = append(a, "-copyts", "-map_metadata", "-1", "-map_chapters", "-1")
	segTime := "0.001" // cut at every keyframe: the only keyframes are the segment starts
	var segOpts []string
	v := videoStream(r.src.Info)
	switch {
	case r.spec.Kind == Video && r.spec.Copy:
		a = append(a, "-map", "0:"+strconv.Itoa(v.Index), "-c:v", "copy")
		if v.Codec == "hevc" {
			a = append(a, "-tag:v", "hvc1") // what Apple players and MSE expect in fMP4
		}
		segOpts = append(segOpts, "video_track_timescale=90000")
	case r.spec.Kind == Video:
		keys := make([]string, 0, limit-from)
		for i := from; i < limit; i++ {
			s, _ := r.span(i)
			keys = append(keys, seconds(s))
		}
		scale := fmt.Sprintf("scale=%d:%d:flags=bicubic,format=yuv420p", r.spec.Width, r.spec.Height)
		if hw && m.opt.HWAccel != "nvenc" {
			scale = fmt.Sprintf("scale=%d:%d:flags=bicubic,format=nv12,hwupload", r.spec.Width, r.spec.Height)
		}
		if r.spec.Burn > 0 {
			// Picture subtitles are drawn at the source's size, then scaled with the video.
			a = append(a, "-filter_complex", fmt.Sprintf("[0:%d][1:%d]overlay=eof_action=pass,%s[v]", v.Index, r.spec.Burn, scale),
				"-map", "[v]")
		} else {
			a = append(a, "-map", "0:"+strconv.Itoa(v.Index), "-vf", scale)
		}
		bitrate := r.spec.Bitrate
		// B-frames make the first decode times negative, which the MPEG-TS muxer shifts in a
		// run from the start but not in later ones; fMP4 keeps them with an edit list.
		bframes := "2"
		if r.spec.TS {
			bframes = "0"
		}
		// The source's time base: frame times stay the source's (the encoder's default, 1/frame
		// rate, would move them up to half a frame).
		if hw {
			a = append(a, m.hwEncoder()...)
		} else {
			a = append(a, "-c:v", "libx264", "-preset", m.opt.Preset, "-level:v", h264Level(r.spec.Height))
		}
		a = append(a, "-fps_mode", "passthrough", "-enc_time_base:v", "-1", "-profile:v", "high",
			"-b:v", strconv.FormatInt(bitrate, 10), "-maxrate", strconv.FormatInt(bitrate*3/2, 10),
			"-bufsize", strconv.FormatInt(bitrate*2, 10),
			"-g", "100000", "-keyint_min", "100000", "-sc_threshold", "0", "-bf", bframes,
			"-force_key_frames", strings.Join(keys, ","))
		segOpts = append(segOpts, "video_track_timescale=90000")
	default:
		idx := stream(r.src.Info, r.spec.Stream).Index
		if silent {
			idx = 0
		}
		rate := r.audio.SampleRate
		t0 := seek.Seconds()
		a = append(a, "-map", "0:"+strconv.Itoa(idx),
			"-af", fmt.Sprintf("aresample=%d,asetpts=N/SR/TB+%s/TB", rate, strconv.FormatFloat(t0, 'f', 9, 64)),
			"-c:a", "aac", "-b:a", strconv.FormatInt(r.spec.Bitrate, 10), "-ac", strconv.Itoa(r.spec.Channels),
			"-ar", strconv.Itoa(rate))
		// Cut on the frame grid: a little under the segment length, so that rounding never
		// pushes a cut one frame late.
		per := r.audio.samplesToTime(r.audio.SegmentSamples()) - time.Microsecond
		segTime = seconds(per)
	}
	switch {
	case r.spec.TS:
		// The audio rides along, cut with the video; the TS muxer's default 1.4 s delay would
		// move every timestamp.
		a = append(a, "-map", "0:"+strconv.Itoa(r.spec.Stream), "-c:a", "aac", "-b:a", strconv.FormatInt(r.spec.AudioBitrate, 10),
			"-ac", strconv.Itoa(r.spec.Channels), "-sn", "-dn", "-muxdelay", "0", "-muxpreload", "0")
		if r.spec.Copy {
			a = append(a, "-bsf:v", "h264_mp4toannexb")
		}
	case r.spec.Kind == Video:
		a = append(a, "-an", "-sn", "-dn")
	default:
		a = append(a, "-vn", "-sn", "-dn")
	}
	// B-frames give the first frames negative decode times; shifting them (the default) would
	// move the whole run off the timeline, differently for each start.
	a = append(a, "-avoid_negative_ts", "disabled", "-f", "hls", "-hls_time", segTime, "-hls_flags", "temp_file",
		"-hls_playlist_type", "vod", "-hls_list_size", "0", "-start_number", strconv.Itoa(from))
	if r.spec.TS {
		a = append(a, "-hls_segment_type", "mpegts")
	} else {
		segOpts = append([]string{"movflags=+frag_discont"}, segOpts...)
		a = append(a, "-hls_segment_type", "fmp4", "-hls_segment_options", strings.Join(segOpts, ":"),
			"-hls_fmp4_init_filename", "init.mp4")
	}
	a = append(a, "-hls_segment_filename", dir+"/%d"+r.spec.ext(), dir+"/index.m3u8")
	return a
}

// hwInput is what goes before -i for a hardware encode: the device the frames are uploaded to.
func (m *Manager) hwInput() []string {
	dev := m.opt.HWDevice
	if dev == "" {
		dev = "/dev/dri/renderD128"
	}
	switch m.opt.HWAccel {
	case "vaapi":
		return []string{"-init_hw_device", "vaapi=hw:" + dev, "-filter_hw_device", "hw"}
	case "qsv":
		return []string{"-init_hw_device", "qsv=hw:" + dev, "-filter_hw_device", "hw"}
	}
	return nil // nvenc takes frames from system memory
}

// hwEncoder is the hardware H.264 encoder, with IDR frames where keyframes are forced.
func (m *Manager) hwEncoder() []string {
	switch m.opt.HWAccel {
	case "vaapi":
		return []string{"-c:v", "h264_vaapi"}
	case "qsv":
		return []string{"-c:v", "h264_qsv", "-forced_idr", "1"}
	}
	return []string{"-c:v", "h264_nvenc", "-preset", "p4", "-forced-idr", "1"}
}

// h264Level is the H.264 level for a height: enough for 60 fps at that size.
func h264Level(height int) string {
	switch {
	case height <= 480:
		return "3.1"
	case height <= 720:
		return "4.0"
	case height <= 1080:
		return "4.2"
	case height <= 1440:
		return "5.1"
	}
	return "5.2"
}
