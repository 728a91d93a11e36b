package nodelabel

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// apiServer stands in for the API server's node endpoint: it records each request and
// answers with status (and a Status message when not 200).
type apiServer struct {
	*httptest.Server
	requests []string // "METHOD PATH CONTENT-TYPE AUTH BODY"
	status   int
}

func newAPIServer(t *testing.T, status int) (*apiServer, string) {
	t.Helper()
	s := &apiServer{status: status}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.requests = append(s.requests, strings.Join([]string{r.Method, r.URL.EscapedPath(), r.Header.Get("Content-Type"), r.Header.Get("Authorization"), string(body)}, " "))
		w.WriteHeader(s.status)
		if s.status != http.StatusOK {
			json.NewEncoder(w).Encode(map[string]string{"kind": "Status", "message": `nodes "n1" is forbidden: User "system:serviceaccount:oshim-system:x" cannot patch resource "nodes"`})
			return
		}
		io.WriteString(w, `{"kind":"Node"}`)
	}))
	t.Cleanup(s.Close)
	// The service account directory a pod would get.
	dir := t.TempDir()
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	for name, data := range map[string][]byte{"token": []byte("tok3n\n"), "ca.crt": cert} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	host, port, err := net.SplitHostPort(strings.TrimPrefix(s.URL, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", host)
	t.Setenv("KUBERNETES_SERVICE_PORT", port)
	return s, dir
}

func TestSetAndRemove(t *testing.T) {
	s, dir := newAPIServer(t, http.StatusOK)
	c, err := InCluster(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set(context.Background(), "n1.example", "oshim.io/ready", "true"); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(context.Background(), "n1.example", "oshim.io/ready"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`PATCH /api/v1/nodes/n1.example application/merge-patch+json Bearer tok3n {"metadata":{"labels":{"oshim.io/ready":"true"}}}`,
		`PATCH /api/v1/nodes/n1.example application/merge-patch+json Bearer tok3n {"metadata":{"labels":{"oshim.io/ready":null}}}`,
	}
	if strings.Join(s.requests, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(s.requests, "\n"), strings.Join(want, "\n"))
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		description string
		status      int
		node, key   string
		value       string
		want        string
	}{
		{"forbidden names the RBAC the installer needs", http.StatusForbidden, "n1", "oshim.io/ready", "true", `cannot patch resource "nodes" (the installer's service account needs get and patch on nodes`},
		{"a node name that is no DNS subdomain is not sent", http.StatusOK, "../namespaces", "oshim.io/ready", "true", "is not a DNS subdomain"},
		{"a bad label key is not sent", http.StatusOK, "n1", "oshim.io/re ady", "true", "label key"},
		{"a bad label value is not sent", http.StatusOK, "n1", "oshim.io/ready", "-x", "label value"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			s, dir := newAPIServer(t, tc.status)
			c, err := InCluster(dir)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Set(context.Background(), tc.node, tc.key, tc.value)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if tc.status == http.StatusOK && len(s.requests) > 0 {
				t.Errorf("a refused label was sent: %q", s.requests)
			}
		})
	}
}

func TestInClusterErrors(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	if _, err := InCluster(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not running in a Kubernetes pod") {
		t.Errorf("without the service env: %v", err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
	t.Setenv("KUBERNETES_SERVICE_PORT", "443")
	if _, err := InCluster(t.TempDir()); err == nil || !strings.Contains(err.Error(), "automountServiceAccountToken") {
		t.Errorf("without a token: %v", err)
	}
}

// FuzzCheckLabel: whatever checkLabel accepts is a label the patch can carry as is.
func FuzzCheckLabel(f *testing.F) {
	f.Add("oshim.io/ready", "true")
	f.Add("a/b/c", "")
	f.Fuzz(func(t *testing.T, key, value string) {
		if checkLabel(key, value) != nil {
			return
		}
		if strings.ContainsAny(key+value, " \"\\\n{}") || len(value) > 63 {
			t.Fatalf("accepted %q=%q", key, value)
		}
	})
}
