package caps

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// TestTransitionClearBounding is the init's first move for a root workload:
// keep E and P, raise I to P so the caps survive execve, empty B.
func TestTransitionClearBounding(t *testing.T) {
	inChild(t, func(t *testing.T) {
		cur := mustCurrent(t)
		requireCaps(t, cur, SETPCAP)
		mustTransition(t, State{Effective: cur.Effective, Permitted: cur.Permitted, Inheritable: cur.Permitted})
		if err := ProbeBoundingDrop(); err != nil {
			t.Errorf("ProbeBoundingDrop after clearing B, SETPCAP still effective: %v", err)
		}
		report("bounding cleared, inheritable = permitted")
	}, "bounding cleared, inheritable = permitted")
}

// TestTransitionDropSetpcap lends CAP_SETPCAP only for the bounding drops: it
// must leave E/P/I in the same call, after them.
func TestTransitionDropSetpcap(t *testing.T) {
	inChild(t, func(t *testing.T) {
		cur := mustCurrent(t)
		requireCaps(t, cur, SETPCAP)
		kept := cur.Permitted.Remove(SETPCAP)
		mustTransition(t, State{Effective: cur.Effective.Remove(SETPCAP), Permitted: kept, Inheritable: kept})
		if err := ProbeBoundingDrop(); !errors.Is(err, unix.EPERM) {
			t.Errorf("ProbeBoundingDrop after dropping SETPCAP = %v, want EPERM", err)
		}
		report("bounding cleared, SETPCAP gone")
	}, "bounding cleared, SETPCAP gone")
}

func TestTransitionAmbient(t *testing.T) {
	inChild(t, func(t *testing.T) {
		cur := mustCurrent(t)
		requireCaps(t, cur, NET_RAW, NET_BIND_SERVICE)
		both := NewSet(NET_RAW, NET_BIND_SERVICE)
		raised := State{Effective: cur.Effective, Permitted: cur.Permitted, Inheritable: both, Bounding: cur.Bounding, Ambient: NewSet(NET_RAW)}
		mustTransition(t, raised)
		report("ambient raised")

		// NET_RAW stays in P and I, so only PR_CAP_AMBIENT_LOWER removes it.
		swapped := raised
		swapped.Ambient = NewSet(NET_BIND_SERVICE)
		mustTransition(t, swapped)
		report("ambient swapped")

		// Leaving I drops NET_BIND_SERVICE from A too.
		cleared := swapped
		cleared.Inheritable = NewSet(NET_RAW)
		cleared.Ambient = 0
		mustTransition(t, cleared)
		report("ambient cleared")
	}, "ambient raised", "ambient swapped", "ambient cleared")
}

// TestTransitionStopsAtFirstRefusal removes CAP_SETPCAP from E first, the
// wrong order, so the first bounding drop fails and nothing after it runs.
func TestTransitionStopsAtFirstRefusal(t *testing.T) {
	inChild(t, func(t *testing.T) {
		cur := mustCurrent(t)
		requireCaps(t, cur, SETPCAP)
		noSetpcap := cur
		noSetpcap.Effective = cur.Effective.Remove(SETPCAP)
		mustTransition(t, noSetpcap)

		target := State{Effective: noSetpcap.Effective, Permitted: cur.Permitted.Remove(SETPCAP), Inheritable: cur.Permitted}
		err := Transition(target)
		var se *StepError
		if !errors.As(err, &se) {
			t.Fatalf("Transition = %v, want a *StepError", err)
		}
		first := cur.Bounding.Caps()[0]
		if se.Step != StepDropBounding || se.Cap != first || !errors.Is(err, unix.EPERM) {
			t.Fatalf("Transition = %#v, want drop-bounding %s EPERM", se, first)
		}
		// Step 1 (I) was applied; B, P and E were not touched.
		after := noSetpcap
		after.Inheritable = target.Inheritable
		verifyThread(t, after)
		report("refused at drop-bounding of the first bounding cap")
	}, "refused at drop-bounding of the first bounding cap")
}

// TestTransitionRejectsGrowth sends targets that also change I and B, so a
// syscall made before the check would show.
func TestTransitionRejectsGrowth(t *testing.T) {
	inChild(t, func(t *testing.T) {
		cur := mustCurrent(t)
		requireCaps(t, cur, SETPCAP)
		// Make sure there is something to add back, whatever the machine.
		const gone = CHECKPOINT_RESTORE
		cur = State{
			Effective:   cur.Effective.Remove(gone),
			Permitted:   cur.Permitted.Remove(gone),
			Inheritable: cur.Inheritable.Remove(gone),
			Bounding:    cur.Bounding.Remove(gone),
			Ambient:     cur.Ambient.Remove(gone),
		}
		mustTransition(t, cur)
		tests := []struct {
			name   string
			target State
		}{
			{"adds to permitted", State{Effective: cur.Effective, Permitted: cur.Permitted.Add(gone), Inheritable: cur.Permitted}},
			{"adds to bounding", State{Effective: cur.Effective, Permitted: cur.Permitted, Inheritable: cur.Permitted, Bounding: NewSet(gone)}},
		}
		for _, tt := range tests {
			err := Transition(tt.target)
			var se *StepError
			if !errors.Is(err, ErrInvalidTarget) || errors.As(err, &se) {
				t.Errorf("%s: Transition = %v, want ErrInvalidTarget and no StepError", tt.name, err)
			}
			verifyThread(t, cur)
			report("%s: rejected, unchanged", tt.name)
		}
	}, "adds to permitted: rejected, unchanged", "adds to bounding: rejected, unchanged")
}
