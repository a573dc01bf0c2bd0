package main

import (
	"fmt"
	"slices"
	"time"
)

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func passFail(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func ratioRow(name string, w, r []time.Duration, limit float64) row {
	mw, mr := median(w), median(r)
	ratio := float64(mw) / float64(mr)
	return row{measure: name, walros: ms(mw), ref: ms(mr), ratio: fmt.Sprintf("%.2f", ratio),
		target: fmt.Sprintf("≤ %.2f×", limit), pass: passFail(ratio <= limit)}
}

func seekRow(w, r []time.Duration, failure string) row {
	name := "seek: one mid-file 720p segment, no encoder near"
	if failure == "" {
		return ratioRow(name, w, r, 1.25)
	}
	return row{measure: name, walros: fmt.Sprintf("fails (%d of %d succeeded): %s", len(w), len(r), failure), ref: ms(median(r)),
		target: "≤ 1.25×", pass: passFail(false)}
}

func absRow(name string, w []time.Duration, limit time.Duration) row {
	mw := median(w)
	return row{measure: name, walros: ms(mw), ref: "–", target: "≤ " + ms(limit), pass: passFail(mw <= limit)}
}

func absRowRef(name string, w, r []time.Duration, limit time.Duration) row {
	mw, mr := median(w), median(r)
	return row{measure: name, walros: ms(mw), ref: ms(mr), ratio: fmt.Sprintf("%.2f", float64(mw)/float64(mr)),
		target: "≤ " + ms(limit), pass: passFail(mw <= limit)}
}

func loadRow(name string, w, n loadResult, haveRef, target bool) row {
	r := row{measure: name, walros: fmt.Sprintf("%s (p50 %s, %d errors)", ms(w.q(.99)), ms(w.q(.5)), w.errs), ref: "–"}
	if haveRef {
		r.ref = fmt.Sprintf("%s (p50 %s, %d errors)", ms(n.q(.99)), ms(n.q(.5)), n.errs)
		r.ratio = fmt.Sprintf("%.2f", float64(w.q(.99))/float64(n.q(.99)))
	}
	if target {
		r.target = "p99 ≤ 50 ms, no errors"
		r.pass = passFail(w.q(.99) <= 50*time.Millisecond && w.errs == 0)
	}
	return r
}

func printLoad(server, name string, r loadResult) {
	rate := float64(len(r.lat)) / r.d.Seconds()
	fmt.Printf("  %-6s %s: %d requests (%.0f/s, %.0f MB/s), p50 %s, p99 %s, max %s, %d errors",
		server, name, len(r.lat), rate, float64(r.bytes)/r.d.Seconds()/1e6, ms(r.q(.5)), ms(r.q(.99)), ms(r.q(1)), r.errs)
	if r.firstErr != "" {
		fmt.Printf(" (first: %s)", r.firstErr)
	}
	fmt.Println()
}

// pairRatio is the median of w[i]/r[i] over the rounds both sides completed.
func pairRatio(w, r []time.Duration) string {
	var q []float64
	for i := range min(len(w), len(r)) {
		q = append(q, float64(w[i])/float64(r[i]))
	}
	if len(q) == 0 {
		return "–"
	}
	slices.Sort(q)
	return fmt.Sprintf("%.2f", q[len(q)/2])
}
