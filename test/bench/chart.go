package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"slices"
	"strings"
)

// Chart geometry, in pixels.
const (
	chartW      = 1200
	chartH      = 640
	marginLeft  = 90
	marginRight = 30
	marginTop   = 100
	marginBot   = 100
)

var (
	white     = color.RGBA{255, 255, 255, 255}
	black     = color.RGBA{0, 0, 0, 255}
	gridGray  = color.RGBA{225, 225, 225, 255}
	textGray  = color.RGBA{90, 90, 90, 255}
	barColors = map[string]color.RGBA{
		"floor":       {150, 150, 150, 255},
		"passthrough": {66, 133, 244, 255},
		"require":     {244, 160, 0, 255},
		"clear":       {219, 68, 55, 255},
	}
)

// chartVariants are the bars of each group: everything but the direct runtime, which
// is the zero line.
var chartVariants = []string{"floor", "passthrough", "require", "clear"}

// chartLifecycles are the groups of each runtime: a container's whole life. Exec
// sessions are in the table only, as a fourth and fifth group would not leave their
// labels room.
var chartLifecycles = []string{LifecycleRun, LifecycleCycle}

// barGroup is one runtime and lifecycle: the added ms of each variant.
type barGroup struct {
	Runtime   string
	Lifecycle string
	Values    map[string]float64
}

func writeChart(path string, res *Results) error {
	img := renderChart(chartGroups(res.Serial),
		"Added ms per container over the direct runtime (median)",
		fmt.Sprintf("oshim %s, %d rounds, %s, kernel %s, %s", res.Machine.Oshim, res.Settings.Rounds,
			res.Started.Format("2006-01-02"), res.Machine.Kernel, runtimesLine(res.Machine.Runtimes)))
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write chart: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode chart: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write chart: %w", err)
	}
	return nil
}

func runtimesLine(rts map[string]string) string {
	var parts []string
	for _, name := range []string{"crun", "runc"} {
		if v, ok := rts[name]; ok {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// chartGroups makes a group per runtime (in measured order) and lifecycle.
func chartGroups(series []*Series) []barGroup {
	var groups []barGroup
	index := map[[2]string]int{}
	var runtimes []string
	for _, s := range series {
		if !slices.Contains(runtimes, s.Runtime) {
			runtimes = append(runtimes, s.Runtime)
		}
	}
	for _, rt := range runtimes {
		for _, lc := range chartLifecycles {
			index[[2]string{rt, lc}] = len(groups)
			groups = append(groups, barGroup{Runtime: rt, Lifecycle: lc, Values: map[string]float64{}})
		}
	}
	for _, s := range series {
		if i, ok := index[[2]string{s.Runtime, s.Lifecycle}]; ok && slices.Contains(chartVariants, s.Variant) && isFinite(s.AddedMS) {
			groups[i].Values[s.Variant] = s.AddedMS
		}
	}
	return groups
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// renderChart draws grouped bars of added ms with a y axis, value labels, a legend,
// a title and a footer.
func renderChart(groups []barGroup, title, footer string) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH))
	draw.Draw(img, img.Bounds(), &image.Uniform{white}, image.Point{}, draw.Src)
	drawText(img, marginLeft, 20, title, 3, black)
	drawLegend(img)
	drawText(img, marginLeft, chartH-24, footer, 1, textGray)

	lo, hi := 0.0, 0.5
	for _, g := range groups {
		for _, v := range g.Values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	step := tickStep(hi - lo)
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	top, bottom := marginTop, chartH-marginBot
	y := func(v float64) int { return bottom - int(math.Round((v-lo)/(hi-lo)*float64(bottom-top))) }
	for v := lo; v <= hi+step/2; v += step {
		fillRect(img, image.Rect(marginLeft, y(v), chartW-marginRight, y(v)+1), gridGray)
		label := trimFloat(v)
		drawText(img, marginLeft-10-textWidth(label, 2), y(v)-7, label, 2, textGray)
	}
	fillRect(img, image.Rect(marginLeft, y(0), chartW-marginRight, y(0)+2), black)
	drawText(img, 10, top-30, "ms", 2, textGray)
	if len(groups) == 0 {
		return img
	}
	groupW := (chartW - marginLeft - marginRight) / len(groups)
	barW := groupW * 7 / 10 / len(chartVariants)
	for gi, g := range groups {
		gx := marginLeft + gi*groupW + (groupW-barW*len(chartVariants))/2
		for vi, v := range chartVariants {
			val, ok := g.Values[v]
			if !ok {
				continue
			}
			x0 := gx + vi*barW
			y0, y1 := y(val), y(0)
			if y0 > y1 {
				y0, y1 = y1, y0
			}
			fillRect(img, image.Rect(x0+2, y0, x0+barW-2, max(y1, y0+1)), barColors[v])
			label := fmt.Sprintf("%.2f", val)
			ly := y(val) - 12
			if val < 0 {
				ly = y(val) + 4
			}
			drawText(img, x0+(barW-textWidth(label, 1))/2, ly, label, 1, black)
		}
		for li, line := range []string{g.Runtime, g.Lifecycle} {
			drawText(img, marginLeft+gi*groupW+(groupW-textWidth(line, 2))/2, bottom+14+li*20, line, 2, black)
		}
	}
	return img
}

func drawLegend(img *image.RGBA) {
	x := marginLeft
	for _, v := range chartVariants {
		fillRect(img, image.Rect(x, 64, x+16, 80), barColors[v])
		drawText(img, x+22, 65, v, 2, black)
		x += 22 + textWidth(v, 2) + 30
	}
}

// tickStep picks a round step giving at most eight intervals over span.
func tickStep(span float64) float64 {
	for _, s := range []float64{0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 500, 1000} {
		if span/s <= 8 {
			return s
		}
	}
	return math.Pow(10, math.Ceil(math.Log10(span/8)))
}

// trimFloat prints a tick value without trailing zeros.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

func fillRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r.Intersect(img.Bounds()), &image.Uniform{c}, image.Point{}, draw.Src)
}
