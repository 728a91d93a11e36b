package caps

import "golang.org/x/sys/unix"

// Transition moves the calling thread from its current state to target, in the
// only order the kernel accepts. The caller must hold runtime.LockOSThread and
// later execve on the same thread.
//
//  1. capset(E=cur.E, P=cur.P, I=target.I): a new I must lie within old I | B,
//     so I is set while B is still whole. Raising I beyond P needs CAP_SETPCAP
//     in E.
//  2. PR_CAPBSET_DROP for each cap in cur.B minus target.B, ascending; each
//     needs CAP_SETPCAP in E.
//  3. capset(E=target.E, P=target.P, I=target.I): only now may CAP_SETPCAP
//     leave E/P/I. The kernel also clears ambient caps outside P ∩ I here.
//  4. PR_CAP_AMBIENT_LOWER for each cap in cur.A minus target.A, then
//     PR_CAP_AMBIENT_RAISE for each cap in target.A (each must be in P and I).
//
// A target that adds to P or B, has E outside P, or A outside P ∩ I is refused
// with ErrInvalidTarget before anything changes. Any kernel refusal returns a
// *StepError at once; the earlier steps stay applied.
func Transition(target State) error {
	cur, err := Current()
	if err != nil {
		return &StepError{Step: StepReadState, Cap: noCap, Err: err}
	}
	if err := checkTarget(cur, target); err != nil {
		return err
	}
	if err := capset(cur.Effective, cur.Permitted, target.Inheritable); err != nil {
		return &StepError{Step: StepRaiseInheritable, Cap: noCap, Err: err}
	}
	for _, c := range cur.Bounding.Minus(target.Bounding).Caps() {
		if err := boundingDrop(c); err != nil {
			return &StepError{Step: StepDropBounding, Cap: c, Err: err}
		}
	}
	if err := capset(target.Effective, target.Permitted, target.Inheritable); err != nil {
		return &StepError{Step: StepCapset, Cap: noCap, Err: err}
	}
	// Lowering a cap that steps 1 or 3 already cleared is a no-op for the
	// kernel, so no PR_CAP_AMBIENT_IS_SET query is needed first.
	for _, c := range cur.Ambient.Minus(target.Ambient).Caps() {
		if err := ambient(unix.PR_CAP_AMBIENT_LOWER, c); err != nil {
			return &StepError{Step: StepAmbientLower, Cap: c, Err: err}
		}
	}
	for _, c := range target.Ambient.Caps() {
		if err := ambient(unix.PR_CAP_AMBIENT_RAISE, c); err != nil {
			return &StepError{Step: StepAmbientRaise, Cap: c, Err: err}
		}
	}
	return nil
}
