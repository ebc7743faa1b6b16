//go:build !(linux || darwin || freebsd)

package bench

// minorFaults is -1: this system does not report page faults.
func minorFaults() int64 { return -1 }
