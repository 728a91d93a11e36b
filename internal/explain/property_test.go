package explain

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/admit"
	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/spec"
)

// Containment is the promise the property test checks: for every spec, contract and
// annotation, the workload starts with at most the spec's capabilities plus the
// contract's require (granted only by repair), its bounding set within the spec's,
// nothing lent to the init, and an empty bounding set where the contract clears it.

// propertyCaps are the caps the property inputs draw from, by bit of a byte.
var propertyCaps = []caps.Cap{caps.CHOWN, caps.KILL, caps.SETPCAP, caps.NET_BIND_SERVICE, caps.NET_ADMIN, caps.SYS_ADMIN, caps.AUDIT_WRITE, caps.SYS_PTRACE}

// names lists the caps of mask, plus a misspelled, an unknown and a duplicate name when
// the high bits of odd say so: runc ignores the first two, crun refuses them.
func names(mask, odd byte) []string {
	var out []string
	for i, c := range propertyCaps {
		if mask&(1<<i) != 0 {
			out = append(out, c.String())
		}
	}
	if odd&1 != 0 {
		out = append(out, "cap_setpcap")
	}
	if odd&2 != 0 {
		out = append(out, "CAP_FUTURE_THING")
	}
	if odd&4 != 0 && len(out) > 0 {
		out = append(out, out[0])
	}
	return out
}

func setOf(mask byte) caps.Set {
	var s caps.Set
	for i, c := range propertyCaps {
		if mask&(1<<i) != 0 {
			s = s.Add(c)
		}
	}
	return s
}

// propertyInput is one fuzz input: the five lists, the contract, the annotations, the user.
type propertyInput struct {
	lists                        [5]byte
	odd                          byte
	require                      byte
	clear, initOff, nnp, specNNP bool
	onSkew, annOnSkew, annBound  byte
	uid                          uint32
}

func (in propertyInput) contract() string {
	modes := []string{"repair", "deny", "report"}
	var b strings.Builder
	b.WriteString("[[contract]]\nname = \"k\"\nmatch.all = true\n")
	fmt.Fprintf(&b, "on_skew = %q\n", modes[int(in.onSkew)%3])
	if req := setOf(in.require); !req.IsEmpty() {
		fmt.Fprintf(&b, "require = [\"%s\"]\n", strings.Join(req.Names(), `", "`))
	}
	if in.clear {
		b.WriteString("bounding = \"clear\"\n")
	}
	if in.initOff {
		b.WriteString("init = false\n")
	}
	if in.nnp {
		b.WriteString("no_new_privs = true\n")
	}
	return b.String()
}

func (in propertyInput) spec() string {
	keys := []string{"bounding", "effective", "permitted", "inheritable", "ambient"}
	var lists []string
	for i, k := range keys {
		n := names(in.lists[i], in.odd>>uint(i))
		q := make([]string, len(n))
		for j, s := range n {
			q[j] = fmt.Sprintf("%q", s)
		}
		lists = append(lists, fmt.Sprintf("%q:[%s]", k, strings.Join(q, ",")))
	}
	ann := map[string]string{}
	if v := []string{"", "repair", "report", "deny"}[in.annOnSkew%4]; v != "" {
		ann["io.oshim.on-skew"] = v
	}
	if v := []string{"", "spec", "clear"}[in.annBound%3]; v != "" {
		ann["io.oshim.bounding"] = v
	}
	var as []string
	for k, v := range ann {
		as = append(as, fmt.Sprintf("%q:%q", k, v))
	}
	return fmt.Sprintf(`{"process":{"args":["/sv"],"user":{"uid":%d},"noNewPrivileges":%t,"capabilities":{%s}},"mounts":[{"destination":"/dev","type":"tmpfs"}],"annotations":{%s}}`,
		in.uid, in.specNNP, strings.Join(lists, ","), strings.Join(as, ","))
}

// checkContainment admits the input as explain does and checks the promise on the
// predicted workload.
func checkContainment(t *testing.T, in propertyInput) {
	cfg, err := config.Parse([]byte(in.contract()))
	if err != nil {
		return // a contract the config refuses never runs
	}
	o, err := spec.ParseObject([]byte(in.spec()))
	if err != nil {
		t.Fatalf("spec %s: %v", in.spec(), err)
	}
	before, err := spec.ReadProcess(o, "process")
	if err != nil {
		t.Fatal(err)
	}
	out, err := admit.Admit(admit.Request{Mode: admit.Explain, Spec: o, Contracts: cfg.Set, InitSource: "/init"})
	if err != nil || out.Plan == nil {
		return // refused: nothing runs
	}
	pl := out.Plan
	after, err := spec.ReadProcess(o, "process")
	if err != nil {
		t.Fatal(err)
	}
	full := caps.FullSet(caps.Known()[len(caps.Known())-1])
	pr, _ := predict(after, pl.Contract.WantsInit(), pl.InitOptions(), full)
	if pr.InitRefuses != "" {
		return // the init stops the container before the workload
	}
	specSet := func(key string) caps.Set { s, _ := specState(before.Capabilities, full); return pick(s, key) }
	granted := caps.Set(0)
	for _, g := range pl.Grant {
		granted = granted.Union(g)
	}
	if !granted.Minus(pl.Contract.Required()).IsEmpty() || (!granted.IsEmpty() && pl.Observes()) {
		t.Fatalf("granted %s beyond require %s (on_skew %s)", granted, pl.Contract.Required(), pl.Contract.OnSkew)
	}
	anySpec := specSet("bounding").Union(specSet("effective")).Union(specSet("permitted")).Union(specSet("inheritable")).Union(specSet("ambient"))
	allowed := anySpec.Union(granted)
	w := pr.Workload
	for _, set := range []struct {
		name  string
		names []string
		limit caps.Set
	}{
		{"bounding", w.Bounding, specSet("bounding").Union(granted)},
		{"effective", w.Effective, allowed},
		{"permitted", w.Permitted, allowed},
		{"inheritable", w.Inheritable, allowed},
		{"ambient", w.Ambient, specSet("ambient").Union(granted)},
	} {
		got := parse(t, set.names)
		if extra := got.Minus(set.limit); !extra.IsEmpty() {
			t.Fatalf("workload %s holds %s beyond the spec and require\ncontract %s\nspec %s\nprediction %+v", set.name, extra, in.contract(), in.spec(), pr)
		}
		if kept := got.Intersect(pl.Drop); !kept.IsEmpty() {
			t.Fatalf("workload %s keeps %s, lent to the init\ncontract %s\nspec %s", set.name, kept, in.contract(), in.spec())
		}
	}
	if pl.InitOptions().ClearBounding && len(w.Bounding) > 0 {
		t.Fatalf("the contract clears the bounding set, the workload holds %v", w.Bounding)
	}
}

func pick(s caps.State, key string) caps.Set {
	return map[string]caps.Set{"bounding": s.Bounding, "effective": s.Effective, "permitted": s.Permitted, "inheritable": s.Inheritable, "ambient": s.Ambient}[key]
}

func parse(t *testing.T, names []string) caps.Set {
	var s caps.Set
	for _, n := range names {
		c, err := caps.Parse(n)
		if err != nil {
			t.Fatal(err)
		}
		s = s.Add(c)
	}
	return s
}

// FuzzContainment checks the promise over the five lists (with misspelled, unknown and
// duplicate names), every contract option, the narrowing annotations, root and not.
func FuzzContainment(f *testing.F) {
	f.Add(byte(0x22), byte(0x22), byte(0x22), byte(0), byte(0), byte(0), byte(0x04), false, false, false, false, byte(0), byte(0), byte(0), uint32(0))
	f.Add(byte(0x22), byte(0x22), byte(0x22), byte(0x22), byte(0x22), byte(0x7), byte(0x04), true, false, true, false, byte(2), byte(3), byte(2), uint32(1000))
	f.Add(byte(0xff), byte(0), byte(0xff), byte(0), byte(0), byte(0x1f), byte(0x10), true, false, false, true, byte(1), byte(0), byte(2), uint32(0))
	f.Fuzz(func(t *testing.T, b, e, p, i, a, odd, require byte, clear, initOff, nnp, specNNP bool, onSkew, annOnSkew, annBound byte, uid uint32) {
		checkContainment(t, propertyInput{
			lists: [5]byte{b, e, p, i, a}, odd: odd, require: require, clear: clear, initOff: initOff, nnp: nnp, specNNP: specNNP,
			onSkew: onSkew, annOnSkew: annOnSkew, annBound: annBound, uid: uid % 2 * 1000,
		})
	})
}
