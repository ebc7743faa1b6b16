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
// into each page of a fresh anonymous mapping, one page per op (the kernel maps and
// zeroes it). Multiply by the faults/op of the pipelines to see their share.
func BenchmarkFirstTouch(b *testing.B) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, b.N*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		b.Skip(err)
	}
	defer syscall.Munmap(mem)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mem[i*page] = 1
	}
}
