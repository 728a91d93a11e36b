package spec

import (
	"encoding/json"
	"fmt"
	"strings"
)

// find returns the value at path in a new slice, which the caller may keep or change.
func (o *Object) find(path []string) (json.RawMessage, bool, error) {
	if len(path) == 0 {
		return o.appendTo(nil), true, nil
	}
	parent, found, err := o.walk(path[:len(path)-1], false)
	if err != nil || !found {
		return nil, false, err
	}
	i, err := parent.index(path)
	if err != nil || i < 0 {
		return nil, false, err
	}
	return parent.members[i].appendValue(nil), true, nil
}

// walk returns the object at path, parsing nested objects on first use. found is
// false when a key is missing or a value on the way is null; with create, walk makes
// an empty object there instead. Creation happens only after every existing step
// succeeded, so a failing walk changes nothing.
func (o *Object) walk(path []string, create bool) (obj *Object, found bool, err error) {
	cur := o
	for n := range path {
		i, err := cur.index(path[:n+1])
		if err != nil {
			return nil, false, err
		}
		if i < 0 {
			if !create {
				return nil, false, nil
			}
			key := path[n]
			rawKey, err := marshalValue(key)
			if err != nil {
				return nil, false, err
			}
			child := &Object{}
			cur.members = append(cur.members, member{rawKey: rawKey, key: key, obj: child})
			cur = child
			continue
		}
		m := &cur.members[i]
		if m.obj == nil {
			switch c := m.raw[0]; c {
			case '{':
				child, err := parseObject(m.raw)
				if err != nil {
					return nil, false, fmt.Errorf("%s: %w", keysPath(path[:n+1]), err)
				}
				m.obj, m.raw = child, nil
			case 'n':
				if !create {
					return nil, false, nil
				}
				m.obj, m.raw = &Object{}, nil
			default:
				return nil, false, fmt.Errorf("%s is %s, not an object", keysPath(path[:n+1]), kindOf(c))
			}
		}
		cur = m.obj
	}
	return cur, true, nil
}

// index returns the position in o of path's last key, or -1. It refuses a key that
// another member matches case-insensitively: encoding/json would fill a struct field
// from either member, other parsers only from the exact one.
func (o *Object) index(path []string) (int, error) {
	key := path[len(path)-1]
	found := -1
	for i := range o.members {
		switch k := o.members[i].key; {
		case k == key:
			found = i
		case strings.EqualFold(k, key):
			return -1, fmt.Errorf("%s is ambiguous: %q matches it case-insensitively", keysPath(path), k)
		}
	}
	return found, nil
}
