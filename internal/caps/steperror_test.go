package caps

import (
	"errors"
	"fmt"
	"syscall"
	"testing"
)

func TestStepError(t *testing.T) {
	tests := []struct {
		name string
		err  *StepError
		want string
	}{
		{
			name: "with cap",
			err:  &StepError{Step: StepDropBounding, Cap: SYS_ADMIN, Err: syscall.EPERM},
			want: "drop-bounding CAP_SYS_ADMIN: operation not permitted",
		},
		{
			name: "without cap",
			err:  &StepError{Step: StepCapset, Cap: -1, Err: syscall.EPERM},
			want: "capset: operation not permitted",
		},
		{
			name: "ambient raise",
			err:  &StepError{Step: StepAmbientRaise, Cap: NET_RAW, Err: syscall.EPERM},
			want: "ambient-raise CAP_NET_RAW: operation not permitted",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			wrapped := fmt.Errorf("apply: %w", tt.err)
			if !errors.Is(wrapped, syscall.EPERM) {
				t.Error("errors.Is(EPERM) = false through the wrap")
			}
			var se *StepError
			if !errors.As(wrapped, &se) || se.Step != tt.err.Step {
				t.Errorf("errors.As = %v, %v", se, tt.err)
			}
		})
	}
}
