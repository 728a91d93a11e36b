package spec

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The hand-read values must read exactly as encoding/json reads them: a contract is
// picked by them, and the runtime (runc through encoding/json) runs what they say.
func TestReadsAsEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`{"process":{"args":["/bin/sh","-c","x"]},"annotations":{"a":"1","b":""}}`,
		`{"process":{"Args":["/opt/bin/supervisor"]}}`,
		`{"process":{"args":["/bin/a"],"ARGS":["/bin/b"]}}`,
		`{"process":{"ARGS":["/bin/b"],"args":["/bin/a"]}}`,
		"{\"process\":{\"arg\u017f\":[\"/bin/long-s\"]}}",
		`{"process":{"args":["\u002fbin\/esc\u00e9","\ud83d\ude00","\ud800"]},"annotations":{"k\u0041":"v\n"}}`,
		`{"process":{"args":null},"annotations":null}`,
		`{"process":null}`,
		`{"process":{"args":[]},"annotations":{}}`,
		`{}`,
		`{"process":{"args":[1]},"annotations":{"a":1}}`,
		`{"process":{"args":"/bin/sh"},"annotations":[]}`,
		`{"process":{"args":[null,"x"]},"annotations":{"a":null}}`,
		`{"process":{"user":{"uid":0,"UID":7,"gid":"x"},"capabilities":{"bounding":["A"]},"Capabilities":{"Effective":["B"],"ambient":null},"noNewPrivileges":true,"NoNewPrivileges":null}}`,
		`{"process":{"capabilities":{"bounding":["A"]},"capabilities2":1,"CAPABILITIES":null}}`,
		`{"process":{"user":{"uid":-1}}}`,
		`{"process":{"user":{"uid":1.5}}}`,
		`{"process":{"user":{"uid":1e3}}}`,
		`{"process":{"user":null,"noNewPrivileges":"yes"}}`,
		`{"process":{"user":[]}}`,
		`{"process":{"capabilities":{"bounding":"CAP_KILL"}}}`,
		`{"process":{"env":5,"args":["/bin/sh"]}}`,
	} {
		t.Run(doc, func(t *testing.T) { checkReadsAsEncodingJSON(t, []byte(doc)) })
	}
}

func FuzzReadsAsEncodingJSON(f *testing.F) {
	for _, s := range loadSamples(f) {
		f.Add(s.data)
	}
	f.Add([]byte(`{"process":{"Args":["/x"],"args":["\u0000"]},"annotations":{"\u00e9":"\ud800"}}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkReadsAsEncodingJSON(t, data) })
}

// checkReadsAsEncodingJSON compares ProcessArgs and Lookup's hand-read types with
// encoding/json on a document ParseObject accepts: both fail, or both read the same.
func checkReadsAsEncodingJSON(t *testing.T, data []byte) {
	o, err := ParseObject(data)
	if err != nil {
		return
	}
	// Only args: the rest of the process is decoded once a contract applies to it.
	var wantArgs struct {
		Process *struct{ Args []string } `json:"process"`
	}
	errWant := json.Unmarshal(data, &wantArgs)
	args, err := ProcessArgs(o, "process")
	if bothRead(t, "ProcessArgs", err, errWant) && wantArgs.Process != nil && !reflect.DeepEqual(args, wantArgs.Process.Args) {
		t.Fatalf("ProcessArgs = %#v, encoding/json reads %#v", args, wantArgs.Process.Args)
	}
	// ReadProcess reads these four as encoding/json reads them into a specs.Process.
	var wantProcess struct {
		Process *struct {
			Args []string `json:"args"`
			User struct {
				UID uint32 `json:"uid"`
			} `json:"user"`
			Capabilities    *specs.LinuxCapabilities `json:"capabilities"`
			NoNewPrivileges bool                     `json:"noNewPrivileges"`
		} `json:"process"`
	}
	errWant = json.Unmarshal(data, &wantProcess)
	p, err := ReadProcess(o, "process")
	if errors.Is(err, ErrNotFound) && wantProcess.Process == nil {
		err = nil
	}
	if bothRead(t, "ReadProcess", err, errWant) && p != nil {
		w := wantProcess.Process
		got := specs.Process{Args: p.Args, User: specs.User{UID: p.User.UID}, Capabilities: p.Capabilities, NoNewPrivileges: p.NoNewPrivileges}
		want := specs.Process{Args: w.Args, User: specs.User{UID: w.User.UID}, Capabilities: w.Capabilities, NoNewPrivileges: w.NoNewPrivileges}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ReadProcess = %+v, encoding/json reads %+v", got, want)
		}
	}
	var annotations, wantAnnotations map[string]string
	_, err = o.Lookup(&annotations, "annotations")
	errWant = unmarshalAt(o, &wantAnnotations, "annotations")
	if bothRead(t, "Lookup(annotations)", err, errWant) && !reflect.DeepEqual(annotations, wantAnnotations) {
		t.Fatalf("Lookup(annotations) = %#v, encoding/json reads %#v", annotations, wantAnnotations)
	}
	var strs, wantStrs []string
	_, err = o.Lookup(&strs, "process", "args")
	errWant = unmarshalAt(o, &wantStrs, "process", "args")
	if bothRead(t, "Lookup(process.args)", err, errWant) && !reflect.DeepEqual(strs, wantStrs) {
		t.Fatalf("Lookup(process.args) = %#v, encoding/json reads %#v", strs, wantStrs)
	}
}

// unmarshalAt is json.Unmarshal of the value at path, if there is one, after the
// checks of the path that Lookup makes.
func unmarshalAt(o *Object, v any, path ...string) error {
	raw, found, err := o.find(path)
	if err != nil || !found {
		return err
	}
	return json.Unmarshal(raw, v)
}

// bothRead fails t unless err and errWant agree, and reports whether both read a
// value. A key on the path that another matches case-insensitively is refused where
// encoding/json would pick one of them (and crun the other): that is no disagreement.
func bothRead(t *testing.T, what string, err, errWant error) bool {
	t.Helper()
	if err != nil && errWant == nil && strings.Contains(err.Error(), "ambiguous") {
		return false
	}
	if (err == nil) != (errWant == nil) {
		t.Fatalf("%s: %v; encoding/json: %v", what, err, errWant)
	}
	return err == nil
}
