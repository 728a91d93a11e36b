package hook

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/annotation"
)

// TestFindings: hook mode reports skews, repairs and denials to the OCSF sink as
// runtime mode does.
func TestFindings(t *testing.T) {
	t.Run("precreate repairs, under the record's name", func(t *testing.T) {
		h := testHook(t, "repair")
		var out bytes.Buffer
		if err := h.Precreate(bytes.NewReader(proposed(t, nil)), &out); err != nil {
			t.Fatal(err)
		}
		kinds, lines := ocsfKinds(t, h)
		id := decode(t, out.Bytes()).Annotations[annotation.Record]
		if !slices.Equal(kinds, []string{"skew-found", "spec-repaired"}) || !strings.Contains(lines, `"container `+id+` `) {
			t.Fatalf("events %v, want skew-found and spec-repaired for %s:\n%s", kinds, id, lines)
		}
	})
	t.Run("precreate leaves a denial to createRuntime", func(t *testing.T) {
		h := testHook(t, "deny")
		var out bytes.Buffer
		if err := h.Precreate(bytes.NewReader(proposed(t, nil)), &out); err != nil {
			t.Fatal(err)
		}
		if kinds, _ := ocsfKinds(t, h); len(kinds) != 0 {
			t.Fatalf("events %v, want none", kinds)
		}
		if err := h.Detect(strings.NewReader(bundle(t, "c1", out.Bytes()))); err == nil {
			t.Fatal("Detect let a denied container start")
		}
		if kinds, lines := ocsfKinds(t, h); !slices.Equal(kinds, []string{"skew-found"}) || !strings.Contains(lines, `"container c1 `) {
			t.Fatalf("events %v, want one skew-found for c1:\n%s", kinds, lines)
		}
	})
	t.Run("a standard stage reports the skew it records", func(t *testing.T) {
		h := testHook(t, "report")
		if err := h.Detect(strings.NewReader(bundle(t, "c2", proposed(t, nil)))); err != nil {
			t.Fatal(err)
		}
		if kinds, _ := ocsfKinds(t, h); !slices.Equal(kinds, []string{"skew-found"}) {
			t.Fatalf("events %v, want skew-found", kinds)
		}
	})
	t.Run("the collector reports a denied probe", func(t *testing.T) {
		h := testHook(t, "repair")
		id, _, fifo := precreateWithResult(t, h, `{"ok":false,"step":"probe PR_CAPBSET_DROP","message":"EPERM","probe":"denied","seccomp":2,"lsm":"none"}`)
		if err := h.Collect(id, fifo, time.Now().Add(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		kinds, lines := ocsfKinds(t, h)
		if !slices.Equal(kinds, []string{"skew-found", "spec-repaired", "probe-denied"}) {
			t.Fatalf("events %v, want the precreate ones and probe-denied:\n%s", kinds, lines)
		}
	})
}
