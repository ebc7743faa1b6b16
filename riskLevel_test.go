package userevents

import (
	"math"
	"testing"
)

func TestLevelForScore(t *testing.T) {
	tests := []struct {
		score float64
		want  RiskLevel
		ok    bool
	}{
		{0, RiskLevelVeryLow, true},      // the lowest score
		{19.999, RiskLevelVeryLow, true}, // just below a band's end
		{20, RiskLevelLow, true},         // bands include their start
		{40, RiskLevelMedium, true},      // the middle band
		{60, RiskLevelHigh, true},        // the fourth band
		{79.99, RiskLevelHigh, true},     // just below the last band
		{80, RiskLevelVeryHigh, true},    // the last band
		{100, RiskLevelVeryHigh, true},   // the last band includes 100
		{-0.001, "", false},              // below the range
		{100.001, "", false},             // above the range
		{math.NaN(), "", false},          // not a number
		{math.Inf(1), "", false},         // infinity
	}
	for _, tt := range tests {
		got, ok := LevelForScore(tt.score)
		if got != tt.want || ok != tt.ok {
			t.Errorf("LevelForScore(%v) = %q, %v; want %q, %v", tt.score, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRiskLevelOrder(t *testing.T) {
	order := []RiskLevel{RiskLevelVeryLow, RiskLevelLow, RiskLevelMedium, RiskLevelHigh, RiskLevelVeryHigh}
	for i, l := range order {
		if l.Rank() != i+1 {
			t.Errorf("%s.Rank() = %d, want %d", l, l.Rank(), i+1)
		}
		for j, m := range order {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := l.Compare(m); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", l, m, got, want)
			}
		}
	}
	if RiskLevel("EXTREME").Rank() != 0 || RiskLevel("").Rank() != 0 {
		t.Error("unknown levels must rank 0")
	}
	if len(RiskLevelValues()) != len(order) {
		t.Errorf("RiskLevelValues has %d values, want %d", len(RiskLevelValues()), len(order))
	}
}

func TestCurrencyScale(t *testing.T) {
	tests := map[CurrencyCode]int{
		"JPY": 0,  // no minor unit
		"EUR": 2,  // cents
		"GBP": 2,  // pence
		"BHD": 3,  // fils
		"BTC": 18, // not ISO 4217: crypto assets allow 18
		"ETH": 18, // likewise
	}
	for c, want := range tests {
		if got := c.Scale(); got != want {
			t.Errorf("%s.Scale() = %d, want %d", c, got, want)
		}
	}
}
