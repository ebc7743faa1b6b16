package httpapi

import (
	"math"
	"testing"
)

// TestPageOffset checks the offset of a page, the overflow guard included: pages whose
// offset would pass an int32 get math.MaxInt32 (past any batch), with values that
// overflow an int on every platform, not only on 32-bit ones.
func TestPageOffset(t *testing.T) {
	tests := []struct {
		page, size, want int
	}{
		{1, 20, 0},
		{2, 20, 20},
		{3, 10, 20},
		{math.MaxInt32, 1, math.MaxInt32 - 1},
		// The last page of 1000 whose offset fits an int32, and the first that does not.
		{math.MaxInt32/1000 + 1, 1000, math.MaxInt32 / 1000 * 1000},
		{math.MaxInt32/1000 + 2, 1000, math.MaxInt32},
		// The largest page ParsePageQuery takes: overflows an int32.
		{math.MaxInt32, 1000, math.MaxInt32},
		// (page-1)*size overflows an int of any size.
		{math.MaxInt, 1000, math.MaxInt32},
		{math.MaxInt, math.MaxInt, math.MaxInt32},
	}
	for _, tt := range tests {
		if got := pageOffset(tt.page, tt.size); got != tt.want {
			t.Errorf("pageOffset(%d, %d) = %d, want %d", tt.page, tt.size, got, tt.want)
		}
	}
}
