package hook

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/initdir"
)

func TestCollect(t *testing.T) {
	okResult := `{"ok":true,"probe":"ok","state":{"eff":"100","prm":"100","inh":"0","bnd":"100","amb":"0"}}`
	tests := []struct {
		description   string
		send          string
		poststopFirst bool
		wantSummary   string // "" for no record
		wantCopy      bool
	}{
		{description: "a result", send: okResult, wantSummary: "ok: bnd=CAP_SETPCAP caps=CAP_SETPCAP amb=none probe=ok"},
		{description: "no result keeps the copy", wantSummary: "unknown: oshim-init sent no result", wantCopy: true},
		{description: "poststop came first", send: okResult, poststopFirst: true},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			h := testHook(t, "repair")
			id, dir, fifo := precreateWithResult(t, h, tc.send)
			if tc.poststopFirst {
				if err := h.Store.Remove(StoreRoot, id); err != nil {
					t.Fatal(err)
				}
			}
			if err := h.Collect(id, fifo, time.Now().Add(300*time.Millisecond)); err != nil {
				t.Fatalf("Collect: %v", err)
			}
			rec, found, err := h.Store.Load(StoreRoot, id)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantSummary == "" {
				if found || len(recordFiles(t, h)) != 0 {
					t.Fatalf("Collect recreated a removed record: %+v", rec)
				}
				return
			}
			if !found || rec.Result == nil || !strings.HasPrefix(rec.Result.Summary, tc.wantSummary) {
				t.Fatalf("record result = %+v, want %q", rec, tc.wantSummary)
			}
			_, err = os.Lstat(initdir.BinaryPath(dir))
			if (err == nil) != tc.wantCopy {
				t.Fatalf("init copy: %v, want it kept %t", err, tc.wantCopy)
			}
		})
	}
}

// precreateWithResult runs precreate for the proposed spec, opens the result FIFO as
// the collector holds it, and sends result into it as the init would ("" sends
// nothing). It returns the record's name, the init directory and the FIFO.
func precreateWithResult(t *testing.T, h *Hook, result string) (id, dir string, fifo int) {
	t.Helper()
	var out bytes.Buffer
	if err := h.Precreate(bytes.NewReader(proposed(t, nil)), &out); err != nil {
		t.Fatal(err)
	}
	id = decode(t, out.Bytes()).Annotations[annotation.Record]
	dir, err := h.Store.InitDir(StoreRoot, id)
	if err != nil {
		t.Fatal(err)
	}
	if fifo, err = initdir.OpenResult(dir); err != nil {
		t.Fatal(err)
	}
	if result != "" {
		fd, err := unix.Open(initdir.ResultPath(dir), unix.O_WRONLY|unix.O_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		unix.Write(fd, []byte(result))
		unix.Close(fd)
	}
	return id, dir, fifo
}
