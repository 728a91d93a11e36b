// Package spec reads, patches and atomically rewrites OCI runtime JSON files: a bundle's
// config.json and the process.json that `runc exec --process` reads.
//
// Patching is lossless. An Object keeps every member's key, position and raw bytes, so
// fields this code has never heard of (newer runtime-spec versions, vendor extensions)
// and numbers no Go type can hold (18446744073709551615, 1e400) survive untouched.
// Typed structs from runtime-spec are used only for reading (Decode, Lookup,
// ReadProcess): decoding into them and encoding back would drop unknown fields.
//
// Parsing is strict where parsers differ. Duplicate keys and invalid UTF-8 are
// rejected, because Go's encoding/json (runc), yajl (crun) and others could read
// different values from the same file; see ParseObject.
package spec
