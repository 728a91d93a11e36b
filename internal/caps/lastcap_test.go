package caps

import "testing"

func TestParseLastCap(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Cap
		wantErr bool
	}{
		{name: "kernel format", in: "40\n", want: CHECKPOINT_RESTORE},
		{name: "no newline", in: "37", want: AUDIT_READ},
		{name: "highest a set holds", in: "63\n", want: 63},
		{name: "beyond a set", in: "64\n", wantErr: true},
		{name: "negative", in: "-1\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "junk", in: "forty\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLastCap(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("parseLastCap(%q) = %d, %v; want %d, error %v", tt.in, int(got), err, int(tt.want), tt.wantErr)
			}
		})
	}
}
