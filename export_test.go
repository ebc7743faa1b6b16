package userevents

import (
	"math/rand"
	"testing"
)

// For the external tests (package userevents_test), which can use memstore.

// RandomEvent is randomEvent.
func RandomEvent(r *rand.Rand) *ConsumerUserEvent { return randomEvent(r) }

// StoredUsers is storedUsers.
func StoredUsers(t testing.TB) map[string]*ConsumerUser { return storedUsers(t) }

// FE is fe, an expected problem.
type FE = fe

// ExpectProblems is expectProblems.
func ExpectProblems(t testing.TB, err error, want []FE) bool {
	t.Helper()
	return expectProblems(t, err, want)
}

// CostPerRun is costPerRun.
func CostPerRun(n int, f func()) (allocs, bytes float64) { return costPerRun(n, f) }

// Weight is u's weight.
func Weight(u *ConsumerUser) int { return u.weight() }
