//go:build linux || darwin || freebsd

package bench

import (
	"syscall"
	"testing"
)

// minorFaults returns the process's minor page faults so far (first touches of pages,
// which the kernel maps and zeroes), or -1 when the system does not say.
func minorFaults() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return int64(ru.Minflt)
}

// BenchmarkFirstTouch is what a minor page fault costs on this machine: writing one byte
// into each 4 KB page of a fresh anonymous mapping, one page per op (the kernel maps and
// zeroes it), asking Linux for small pages so that each touch is a fault; faults/op
// says whether it was (near 1), and the mapping is 64 MB at most, remapped with the
// timer stopped. Multiply by the faults/op of the pipelines to see their share.
func BenchmarkFirstTouch(b *testing.B) {
	const region = 64 << 20
	page := syscall.Getpagesize()
	var mem []byte
	off := region
	faults := minorFaults()
	for i := 0; i < b.N; i++ {
		if off+page > len(mem) {
			b.StopTimer()
			if mem != nil {
				syscall.Munmap(mem)
			}
			var err error
			if mem, err = syscall.Mmap(-1, 0, region, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE); err != nil {
				b.Skip(err)
			}
			smallPages(mem)
			off = 0
			b.StartTimer()
		}
		mem[off] = 1
		off += page
	}
	b.StopTimer()
	syscall.Munmap(mem)
	if faults >= 0 {
		b.ReportMetric(float64(minorFaults()-faults)/float64(b.N), "faults/op")
	}
}
