package ocsf

import (
	"bufio"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSyslogMessage(t *testing.T) {
	now := time.Date(2026, 3, 7, 9, 4, 5, 0, time.UTC)
	tests := []struct {
		sev    ocsfSeverity
		stream bool
		want   string
	}{
		{ocsfSevInformational, false, "<30>Mar  7 09:04:05 oshim[42]: {}"},
		{ocsfSevLow, false, "<29>Mar  7 09:04:05 oshim[42]: {}"},
		{ocsfSevMedium, false, "<28>Mar  7 09:04:05 oshim[42]: {}"},
		{ocsfSevHigh, true, "<27>Mar  7 09:04:05 oshim[42]: {}\n"},
	}
	for _, tt := range tests {
		if got := string(syslogMessage(tt.sev, now, 42, []byte("{}"), tt.stream)); got != tt.want {
			t.Errorf("syslogMessage(%d, stream %t) = %q, want %q", tt.sev, tt.stream, got, tt.want)
		}
	}
}

// TestOCSFSinkSyslogStream: a daemon listening on a stream socket gets one line per
// event, as from log/syslog.
func TestOCSFSinkSyslogStream(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer conn.Close()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			line = err.Error()
		}
		got <- line
	}()
	ev := ocsfSinkEvent(t, "s", 1)
	if err := (Sink{Syslog: true, SyslogSocket: sock}).Emit(ev); err != nil {
		t.Fatal(err)
	}
	line := <-got
	if !strings.HasPrefix(line, "<") || !strings.Contains(line, " oshim[") || !strings.Contains(line, ev.Metadata.UID) || !strings.HasSuffix(line, "}\n") {
		t.Fatalf("syslog got %q, want one line carrying event %s", line, ev.Metadata.UID)
	}
}
