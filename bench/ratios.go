//go:build ignore

// Ratios runs the pipeline benchmarks of this module in rounds and prints, for each
// input, the ratios that issue 15 asks for, paired within each round: generic / library
// and library / floor, where the library and the floor write the user with AppendJSON
// into a reused buffer; and, to read them by, library-apply / floor (the domain logic
// without the store) and generic / floor; then the same two ratios for pipelines that
// write the user with json.Marshal.
//
// These machines are noisy (±10–30% between minutes), so each sub-benchmark runs in
// its own process, one after the other within a round, and a ratio is only ever taken
// between figures of the same round; the table gives the median of the rounds and their
// range. The raw lines go to -raw for benchstat.
//
//	cd bench && go run ratios.go -rounds 8 -raw pipelines.txt
//	cd bench && go run ratios.go -rounds 8 -warm -raw pipelines-warm.txt
//	cd bench && go run ratios.go -rounds 20 -warm -only Library,LibraryApply,Floor
//	cd bench && go run ratios.go -rounds 10 -warm -only Library,LibraryApply,Floor -gogc 100,off
//	cd bench && go run ratios.go -rounds 10 -runs 4 -only Library,LibraryApply,Floor -gogc 100,off
//
// With -gogc, every sub-benchmark runs once per GOGC setting in each round, and the
// tables come once per setting: with the collector off, what is left between the
// library and the floor is the work of the code alone, without the marking of the heap
// that the library's store keeps (every event) and the floor does not.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

var (
	benchmarks = []string{"Library", "LibraryApply", "Generic", "Floor", "LibraryMarshal", "FloorMarshal"}
	inputs     = []string{"state-change", "kyc-update", "full-attributes"}
)

func main() {
	rounds := flag.Int("rounds", 8, "rounds of every sub-benchmark")
	benchtime := flag.String("benchtime", "1s", "-test.benchtime of each run")
	raw := flag.String("raw", "", "also write the benchmark lines to this file")
	only := flag.String("only", "", "run only these benchmarks, comma-separated (Library,LibraryApply,Floor for the library/floor ratios alone); the tables leave out the ratios they lack")
	gogc := flag.String("gogc", "", "run every sub-benchmark under each of these GOGC settings, comma-separated (100,off), and give the tables per setting")
	warm := flag.Bool("warm", false, "run each sub-benchmark twice in its process and keep the second: the first pays for the new process's first pages of heap, which the library's store (it keeps every event) grows into and the floor does not (-runs 2)")
	runs := flag.Int("runs", 1, "run each sub-benchmark this many times in its process and keep the last (the steady state of a process whose heap has grown)")
	flag.Parse()
	if *only != "" {
		benchmarks = strings.Split(*only, ",")
	}

	dir, err := os.MkdirTemp("", "ratios")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bench.test")
	if out, err := exec.Command("go", "test", "-c", "-o", bin, ".").CombinedOutput(); err != nil {
		log.Fatalf("go test -c: %v\n%s", err, out)
	}

	if *warm && *runs < 2 {
		*runs = 2
	}
	settings := gogcSettings(*gogc)
	ns, lines := measure(bin, *rounds, *benchtime, *runs, settings)
	if *raw != "" {
		if err := os.WriteFile(*raw, lines, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	writeTables(w, ns, settings)
}

// gogcSettings parses -gogc: the GOGC settings to run under, or one empty setting (the
// environment's GOGC).
func gogcSettings(list string) []string {
	if list == "" {
		return []string{""}
	}
	settings := strings.Split(list, ",")
	for i, g := range settings {
		settings[i] = strings.TrimSpace(g)
		if _, err := strconv.Atoi(settings[i]); err != nil && settings[i] != "off" {
			log.Fatalf("-gogc: %q is neither a percentage nor off", g)
		}
	}
	return settings
}

// measure runs every sub-benchmark under every setting, rounds times, and returns
// ns[round][benchmark/input/GOGC] and the benchmark lines (benchstat's input).
func measure(bin string, rounds int, benchtime string, runs int, settings []string) ([]map[string]float64, []byte) {
	var lines bytes.Buffer
	ns := make([]map[string]float64, rounds)
	for r := range ns {
		ns[r] = map[string]float64{}
		for _, in := range inputs {
			for _, b := range benchmarks {
				for _, g := range settings {
					pattern := fmt.Sprintf("^Benchmark%s$/^%s$", b, in)
					line, v := run(bin, pattern, benchtime, runs, g)
					if g != "" {
						lines.WriteString("gogc: " + g + "\n") // a benchstat configuration line
					}
					lines.WriteString(line + "\n")
					ns[r][b+"/"+in+"/"+g] = v
				}
			}
		}
		fmt.Fprintf(os.Stderr, "round %d of %d done\n", r+1, rounds)
	}
	return ns, lines.Bytes()
}

// writeTables writes the ratio tables of ns, one set per GOGC setting.
func writeTables(w io.Writer, ns []map[string]float64, settings []string) {
	fmt.Fprintf(w, "%d rounds; median [min, max] of the per-round ratios\n\n", len(ns))
	table := func(title, g string, columns [][2]string) {
		var have [][2]string
		for _, c := range columns {
			if slices.Contains(benchmarks, c[0]) && slices.Contains(benchmarks, c[1]) {
				have = append(have, c)
			}
		}
		if columns = have; len(columns) == 0 {
			return
		}
		fmt.Fprintf(w, "%s\n\n| input |", title)
		for _, c := range columns {
			fmt.Fprintf(w, " %s / %s |", display(c[0]), display(c[1]))
		}
		fmt.Fprintf(w, "\n|---|%s\n", strings.Repeat("---:|", len(columns)))
		for _, in := range inputs {
			fmt.Fprintf(w, "| %s |", in)
			for _, c := range columns {
				var rs []float64
				for _, m := range ns {
					rs = append(rs, m[c[0]+"/"+in+"/"+g]/m[c[1]+"/"+in+"/"+g])
				}
				sort.Float64s(rs)
				fmt.Fprintf(w, " %.2f× [%.2f, %.2f] |", median(rs), rs[0], rs[len(rs)-1])
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w)
	}
	for _, g := range settings {
		if g != "" {
			fmt.Fprintf(w, "GOGC=%s:\n\n", g)
		}
		table("The pipelines of issue 15 (the user written with AppendJSON into a reused buffer):", g, [][2]string{
			{"Generic", "Library"}, {"Library", "Floor"}, {"LibraryApply", "Floor"}, {"Generic", "Floor"}})
		table("The same writing the user with json.Marshal:", g, [][2]string{
			{"Generic", "LibraryMarshal"}, {"LibraryMarshal", "FloorMarshal"}})
	}
}

// run runs the sub-benchmarks of pattern in a process of their own, runs times,
// under GOGC=gogc unless it is empty, and returns the line of the last run and its ns/op.
func run(bin, pattern, benchtime string, runs int, gogc string) (string, float64) {
	count := strconv.Itoa(max(runs, 1))
	cmd := exec.Command(bin, "-test.run", "XXX", "-test.bench", pattern,
		"-test.benchmem", "-test.benchtime", benchtime, "-test.count", count)
	if gogc != "" {
		cmd.Env = append(os.Environ(), "GOGC="+gogc)
	}
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("%s: %v\n%s", pattern, err, out)
	}
	var last string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Benchmark") {
			last = line
		}
	}
	f := strings.Fields(last)
	if len(f) < 4 || f[3] != "ns/op" {
		log.Fatalf("%s: no benchmark line in\n%s", pattern, out)
	}
	v, err := strconv.ParseFloat(f[2], 64)
	if err != nil {
		log.Fatalf("cannot read %q", last)
	}
	return last, v
}

// display writes a benchmark name as the tables do: LibraryApply is library-apply.
func display(name string) string {
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

func median(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
