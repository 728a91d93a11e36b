package explain

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/oshim/oshim/internal/contract"
)

// matchReasons says, condition by condition, whether a contract's match rules hold for
// a container: the reasons it applies, or the reasons it does not.
func matchReasons(c *contract.Contract, arg0 string, annotations map[string]string) (ok bool, why []string) {
	m := &c.Match
	if m.All {
		return true, []string{"match.all = true matches every container"}
	}
	if len(m.Commands) == 0 && len(m.Annotations) == 0 {
		return false, []string{"it has no match rules: only the annotation " + contract.AnnotationName + "=" + c.Name + " selects it (selectable = true)"}
	}
	ok = true
	if len(m.Commands) > 0 {
		var pats []string
		hit := ""
		for _, p := range m.Commands {
			pats = append(pats, "'"+p.String()+"'")
			if hit == "" && matches(p.String(), arg0) {
				hit = p.String()
			}
		}
		if hit != "" {
			why = append(why, fmt.Sprintf("match.commands '%s' matches args[0] %q", hit, arg0))
		} else {
			ok = false
			why = append(why, fmt.Sprintf("args[0] %q matches none of match.commands %s", arg0, strings.Join(pats, ", ")))
		}
	}
	keys := make([]string, 0, len(m.Annotations))
	for k := range m.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m.Annotations[k].String()
		if hit, found := annotationHit(k, v, annotations); found {
			why = append(why, fmt.Sprintf("match.annotations '%s' = '%s' matches annotation %s", k, v, hit))
		} else {
			ok = false
			why = append(why, fmt.Sprintf("no annotation matches match.annotations '%s' = '%s'", k, v))
		}
	}
	return ok, why
}

// annotationHit finds an annotation whose key and value match the patterns.
func annotationHit(keyPat, valuePat string, annotations map[string]string) (string, bool) {
	names := make([]string, 0, len(annotations))
	for k := range annotations {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if matches(keyPat, k) && matches(valuePat, annotations[k]) {
			return fmt.Sprintf("%s=%q", k, annotations[k]), true
		}
	}
	return "", false
}

// matches compiles a pattern the config already compiled once, so it cannot fail here;
// a pattern that did would match nothing.
func matches(pattern, s string) bool {
	re, err := regexp.Compile(pattern)
	return err == nil && re.MatchString(s)
}

// narrowing lists the annotations that make the chosen contract stricter.
func narrowing(annotations map[string]string) []string {
	var out []string
	for _, k := range []string{contract.AnnotationName, contract.AnnotationOnSkew, contract.AnnotationBounding} {
		if v, ok := annotations[k]; ok {
			out = append(out, fmt.Sprintf("annotation %s=%q", k, v))
		}
	}
	return out
}
