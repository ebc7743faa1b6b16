// Command gen writes the generated code of package userevents from its model structs.
//
// It reads the package with go/ast and, from the `json`, `check` and `method` tags of the
// model structs (the files named on the command line), generates for every struct
// reachable from the documents one file per concern:
//
//	enums_gen.go         Valid and the values list of every enum type
//	update_types_gen.go  the partial-update types (ConsumerUserAttributes, *Update)
//	decode_gen.go        strict decoders and UnmarshalJSON
//	encode_gen.go        appendJSON and MarshalJSON: Flagright's wire format
//	weight_gen.go        weight: an estimate of the length of the JSON encode writes
//	validate_gen.go      validate: the field rules of the check tags
//	merge_gen.go         the merge of an update into a stored value
//	names_gen.go         normNames and namesNFC: Unicode NFC of person names
//	equal_gen.go         equal: exact and wire equality of the users and what they hold
//	clone_gen.go         clone: deep copies
//	redact_gen.go        Format and LogValue, redacted by the walk of redact.go
//
// and, with -model, the model as JSON for the tools outside Go. A *_gen.go file of the
// package that it no longer writes, and that says it was written by this program, is
// removed, so that a stale file cannot outlive its generator.
//
// Run it with go generate ./... from the module root.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	dir := flag.String("dir", ".", "package directory")
	model := flag.String("model", "", "also write the model (objects and enums) as JSON to this file")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: gen [-dir DIR] [-model FILE] MODELFILE.go...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	g, err := load(*dir, flag.Args())
	if err == nil {
		err = g.writeFiles(*dir)
	}
	if err == nil && *model != "" {
		err = g.writeModel(*model)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
