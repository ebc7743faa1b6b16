package jsonstring

import (
	"encoding/json"
	"math/rand"
	"testing"
	"unicode/utf8"
)

// TestAppendMatchesStdlib: Append escapes strings exactly as encoding/json does, for
// every rune, invalid UTF-8 included.
func TestAppendMatchesStdlib(t *testing.T) {
	var inputs []string
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r < 0x3000 || r%97 == 0 {
			inputs = append(inputs, "a"+string(r)+"b")
		}
	}
	inputs = append(inputs, "\xff", "a\xc3", "\xed\xa0\x80", "<script>&amp;</script>", "\u2028\u2029", "")
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		b := make([]byte, r.Intn(20))
		r.Read(b)
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		want, _ := json.Marshal(s)
		if got := Append(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
}
