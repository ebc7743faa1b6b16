package main

// genRedact writes appendSafe, Format and LogValue of every type: the redacted forms of
// a value, which show structure, enums, numbers, booleans and ids, and no other string.
// They are one walk over the struct tags, written once (appendSafeStruct, redact.go): a
// log line does not earn a generated printer per type.
func (g *gen) genRedact(f *genFile) {
	for _, s := range g.types() {
		f.P("func (v *", s.Name, ") appendSafe(b []byte) []byte { return appendSafeStruct(b, reflect.ValueOf(v).Elem()) }")
		f.P()
		f.P("// Format prints v with its personal data redacted: every string but ids is left out.")
		f.P("// json.Marshal gives v whole.")
		f.P("func (v ", s.Name, ") Format(f fmt.State, verb rune) { f.Write(v.appendSafe(nil)) }")
		f.P()
		f.P("// LogValue gives log/slog the redacted form of v, as Format prints it.")
		f.P("func (v ", s.Name, ") LogValue() slog.Value { return slog.StringValue(string(v.appendSafe(nil))) }")
		f.P()
	}
}
