package main

import (
	"math"
	"slices"
)

// Summary describes a set of samples, in their unit (ms here).
type Summary struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

// Summarize computes a Summary; all values are zero for no samples.
func Summarize(samples []float64) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum float64
	for _, v := range s {
		sum += v
	}
	return Summary{
		N:      len(s),
		Median: Quantile(s, 0.5),
		P90:    Quantile(s, 0.9),
		Min:    s[0],
		Max:    s[len(s)-1],
		Mean:   sum / float64(len(s)),
	}
}

// Quantile returns the q-quantile (0 <= q <= 1) of sorted samples, interpolating
// linearly between the two nearest ranks (R's type 7, numpy's default); NaN for none.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	q = min(max(q, 0), 1)
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[hi]-sorted[lo])
}

// PairedMedian is the median of a[i] - b[i] over the pairs both have: with samples
// taken in the same rounds, it cancels the noise a round shares.
func PairedMedian(a, b []float64) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return 0
	}
	d := make([]float64, n)
	for i := range n {
		d[i] = a[i] - b[i]
	}
	return Summarize(d).Median
}
