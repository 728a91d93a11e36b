package caps

// AfterExec predicts the thread's capability state after execve(2) of a file
// that has no file capabilities and is neither set-user-ID nor set-group-ID,
// following capabilities(7) "Transformation of capabilities during execve()"
// and security/commoncap.c cap_bprm_creds_from_file. It assumes the default
// securebits (no SECBIT_NOROOT, no SECBIT_NO_SETUID_FIXUP) and no ptrace.
//
// root means the real and effective user IDs are both 0; otherwise both must be
// non-zero (a mixed pair follows neither rule and is not modelled).
//
// root: the file's inheritable and permitted sets count as all ones and the
// effective bit as set, so
//
//	P' = I | B            (with no_new_privs: P' = (I | B) & P, no gain allowed)
//	E' = P'
//	A' = A                (only file caps or set-ID clear it; A ⊆ I, so A ⊆ P')
//
// non-root: the file contributes nothing, so only the ambient set survives:
//
//	P' = A,  E' = A,  A' = A  (no_new_privs changes nothing: A ⊆ P, no gain)
//
// In both cases I' = I and B' = B.
func AfterExec(s State, root, noNewPrivs bool) State {
	out := State{Inheritable: s.Inheritable, Bounding: s.Bounding, Ambient: s.Ambient}
	if !root {
		out.Permitted = s.Ambient
		out.Effective = s.Ambient
		return out
	}
	p := s.Inheritable | s.Bounding
	if noNewPrivs {
		p &= s.Permitted
	}
	// The kernel ORs the ambient set in last (pP' |= pA'); for a valid state
	// A ⊆ I so this only matters for states the kernel would not produce.
	p |= s.Ambient
	out.Permitted = p
	out.Effective = p
	return out
}
