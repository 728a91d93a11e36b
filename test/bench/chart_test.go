package main

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestGlyphs(t *testing.T) {
	for r, g := range glyphs {
		for row, bits := range g {
			if bits > 0x1F {
				t.Errorf("glyph %q row %d = %#x: wider than 5 pixels", r, row, bits)
			}
		}
	}
	if glyph('€') != glyphs['?'] {
		t.Error("a missing character is not drawn as '?'")
	}
	for _, s := range []string{"0123456789", "added ms per container", "create+start+delete", "crun run (median) 1.5%"} {
		for _, r := range s {
			if _, ok := glyphs[r]; !ok {
				t.Errorf("no glyph for %q, which the chart draws", r)
			}
		}
	}
}

func TestTextWidth(t *testing.T) {
	tests := []struct {
		name  string
		s     string
		scale int
		want  int
	}{
		{name: "empty", s: "", scale: 2, want: 0},
		{name: "one character", s: "a", scale: 1, want: 5},
		{name: "spacing between characters", s: "ab", scale: 2, want: 22},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textWidth(tt.s, tt.scale); got != tt.want {
				t.Errorf("textWidth(%q, %d) = %d, want %d", tt.s, tt.scale, got, tt.want)
			}
		})
	}
}

func TestTickStep(t *testing.T) {
	tests := []struct {
		name string
		span float64
		want float64
	}{
		{name: "tiny", span: 0.5, want: 0.1},
		{name: "a few ms", span: 3.2, want: 0.5},
		{name: "tens", span: 35, want: 5},
		{name: "huge", span: 1e6, want: 1e6 / 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tickStep(tt.span)
			if tt.span/got > 8 {
				t.Errorf("tickStep(%v) = %v: more than 8 intervals", tt.span, got)
			}
			if tt.name != "huge" && got != tt.want {
				t.Errorf("tickStep(%v) = %v, want %v", tt.span, got, tt.want)
			}
		})
	}
}

func TestTrimFloat(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 1.5: "1.5", 2: "2", -0.25: "-0.25", -0.001: "0"} {
		if got := trimFloat(in); got != want {
			t.Errorf("trimFloat(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestChartGroups(t *testing.T) {
	series := []*Series{
		{Runtime: "crun", Variant: "direct", Lifecycle: LifecycleRun, AddedMS: 0},
		{Runtime: "crun", Variant: "floor", Lifecycle: LifecycleRun, AddedMS: 1.9},
		{Runtime: "runc", Variant: "clear", Lifecycle: LifecycleRun, AddedMS: 3},
		{Runtime: "crun", Variant: "clear", Lifecycle: LifecycleCycle, AddedMS: math.NaN()},
	}
	got := chartGroups(series)
	if len(got) != 4 {
		t.Fatalf("chartGroups() made %d groups, want 4 (2 runtimes x 2 lifecycles): %+v", len(got), got)
	}
	if got[0].Runtime != "crun" || got[0].Lifecycle != LifecycleRun || got[0].Values["floor"] != 1.9 || len(got[0].Values) != 1 {
		t.Errorf("first group = %+v, want crun run with floor only (direct is the zero line)", got[0])
	}
	if len(got[1].Values) != 0 {
		t.Errorf("a NaN was charted: %+v", got[1])
	}
	if got[2].Runtime != "runc" || got[2].Values["clear"] != 3 {
		t.Errorf("third group = %+v, want runc run", got[2])
	}
}

func TestRenderChart(t *testing.T) {
	groups := []barGroup{
		{Runtime: "crun", Lifecycle: LifecycleRun, Values: map[string]float64{"floor": 1.9, "passthrough": 2.1, "require": 2.8, "clear": 4.6}},
		{Runtime: "crun", Lifecycle: LifecycleCycle, Values: map[string]float64{"floor": 4.5, "passthrough": -0.4}},
	}
	img := renderChart(groups, "title", "footer")
	if img.Bounds() != image.Rect(0, 0, chartW, chartH) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	found := map[string]bool{}
	for y := 0; y < chartH; y++ {
		for x := 0; x < chartW; x++ {
			c := img.RGBAAt(x, y)
			for v, bc := range barColors {
				if c == bc {
					found[v] = true
				}
			}
		}
	}
	for _, v := range chartVariants {
		if !found[v] {
			t.Errorf("no %s bar or legend drawn", v)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&buf); err != nil {
		t.Fatalf("the chart does not decode: %v", err)
	}
	// No groups at all still draws axes and the legend.
	if renderChart(nil, "t", "f") == nil {
		t.Error("no image without groups")
	}
}

func TestWriteChart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.png")
	res := &Results{Serial: []*Series{{Runtime: "crun", Variant: "floor", Lifecycle: LifecycleRun, AddedMS: 2}}}
	if err := writeChart(path, res); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("written chart does not decode: %v", err)
	}
}
