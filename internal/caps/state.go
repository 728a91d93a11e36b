package caps

// State is one thread's five capability sets.
type State struct {
	Effective, Permitted, Inheritable, Bounding, Ambient Set
}

// String returns the sets in a fixed order, for logs and error messages:
// "eff=CAP_A prm=CAP_A inh=none bnd=CAP_A amb=none".
func (s State) String() string {
	return "eff=" + s.Effective.String() +
		" prm=" + s.Permitted.String() +
		" inh=" + s.Inheritable.String() +
		" bnd=" + s.Bounding.String() +
		" amb=" + s.Ambient.String()
}

// Equal reports whether all five sets of s and o match.
func (s State) Equal(o State) bool {
	return s == o
}
