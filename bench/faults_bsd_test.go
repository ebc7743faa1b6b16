//go:build darwin || freebsd

package bench

// smallPages does nothing: these systems back anonymous mappings with small pages.
func smallPages([]byte) {}
