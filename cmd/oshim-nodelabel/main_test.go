package main

import (
	"strings"
	"testing"
)

func TestRunArguments(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	tests := []struct {
		description string
		args        []string
		want        string
	}{
		{"no arguments", nil, "0 arguments: usage"},
		{"too many", []string{"set", "n1", "a=b", "c"}, "4 arguments: usage"},
		{"an unknown verb", []string{"add", "n1", "a=b"}, `unknown verb "add"`},
		{"set without a value", []string{"set", "n1", "a"}, "want KEY=VALUE"},
		{"remove with a value", []string{"remove", "n1", "a=b"}, "want KEY:"},
		{"outside a pod", []string{"set", "n1", "a=b"}, "not running in a Kubernetes pod"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			if err := run(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run(%q) = %v, want %q", tc.args, err, tc.want)
			}
		})
	}
}
