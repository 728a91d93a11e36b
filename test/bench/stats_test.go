package main

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name    string
		samples []float64
		want    Summary
	}{
		{name: "none", want: Summary{}},
		{name: "one", samples: []float64{4}, want: Summary{N: 1, Median: 4, P90: 4, Min: 4, Max: 4, Mean: 4}},
		{name: "even count interpolates the median", samples: []float64{4, 1, 3, 2}, want: Summary{N: 4, Median: 2.5, P90: 3.7, Min: 1, Max: 4, Mean: 2.5}},
		{name: "ten values", samples: []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, want: Summary{N: 10, Median: 5.5, P90: 9.1, Min: 1, Max: 10, Mean: 5.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.samples)
			if !near(got.Median, tt.want.Median) || !near(got.P90, tt.want.P90) || !near(got.Mean, tt.want.Mean) ||
				got.N != tt.want.N || got.Min != tt.want.Min || got.Max != tt.want.Max {
				t.Errorf("Summarize(%v) = %+v, want %+v", tt.samples, got, tt.want)
			}
		})
	}
}

func TestSummarizeKeepsInput(t *testing.T) {
	in := []float64{3, 1, 2}
	Summarize(in)
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Errorf("Summarize sorted its input: %v", in)
	}
}

func TestQuantile(t *testing.T) {
	sorted := []float64{1, 2, 3, 4, 5}
	tests := []struct {
		name string
		q    float64
		want float64
	}{
		{name: "minimum", q: 0, want: 1},
		{name: "maximum", q: 1, want: 5},
		{name: "between ranks", q: 0.9, want: 4.6},
		{name: "below range is clamped", q: -1, want: 1},
		{name: "above range is clamped", q: 2, want: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quantile(sorted, tt.q); !near(got, tt.want) {
				t.Errorf("Quantile(%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("Quantile of nothing is not NaN")
	}
}

func TestPairedMedian(t *testing.T) {
	tests := []struct {
		name string
		a, b []float64
		want float64
	}{
		{name: "shared noise cancels", a: []float64{11, 21, 12}, b: []float64{10, 20, 10}, want: 1},
		{name: "extra samples are ignored", a: []float64{5, 5, 100}, b: []float64{4, 4}, want: 1},
		{name: "nothing to pair", a: []float64{1}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PairedMedian(tt.a, tt.b); !near(got, tt.want) {
				t.Errorf("PairedMedian() = %v, want %v", got, tt.want)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
