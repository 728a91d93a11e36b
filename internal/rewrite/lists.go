package rewrite

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/caps"
)

// The capability lists of a process, by their JSON key. Order matters only for how
// records read: the order capabilities(7) explains them in.
var setKeys = []string{"bounding", "effective", "permitted", "inheritable", "ambient"}

// placement is where a cap must be for the process to hold it effective when it starts
// (capabilities(7)): uid 0 gets P' = I|B after execve, so bounding, permitted and
// effective; any other uid keeps only ambient caps across execve, which must also be
// inheritable.
func placement(root bool) []string {
	if root {
		return []string{"bounding", "effective", "permitted"}
	}
	return setKeys
}

// Lists are a process's capability lists as the spec spells them. Names are compared
// exactly: runc ignores a name it does not know ("cap_setpcap" in lower case grants
// nothing), so only the canonical spelling counts as present.
type Lists map[string][]string

func listsOf(c *specs.LinuxCapabilities) Lists {
	l := Lists{}
	if c == nil {
		return l
	}
	l["bounding"] = c.Bounding
	l["effective"] = c.Effective
	l["permitted"] = c.Permitted
	l["inheritable"] = c.Inheritable
	l["ambient"] = c.Ambient
	return l
}

// Has reports whether the list named key holds c.
func (l Lists) Has(key string, c caps.Cap) bool {
	name := c.String()
	for _, n := range l[key] {
		if n == name {
			return true
		}
	}
	return false
}

// Set returns the known caps of a list.
func (l Lists) Set(key string) caps.Set {
	var s caps.Set
	for _, c := range caps.Known() {
		if l.Has(key, c) {
			s = s.Add(c)
		}
	}
	return s
}

// addTo returns the list with the caps of s that it lacks appended, keeping every
// existing entry (unknown names included) where it was.
func (l Lists) addTo(key string, s caps.Set) []string {
	out := append([]string{}, l[key]...)
	for _, c := range s.Caps() {
		if !l.Has(key, c) {
			out = append(out, c.String())
		}
	}
	return out
}
