package userevents

// RiskLevel is a risk level, from VERY_LOW to VERY_HIGH (Flagright's RiskLevel).
type RiskLevel string

// The RiskLevel values.
const (
	RiskLevelVeryHigh RiskLevel = "VERY_HIGH"
	RiskLevelHigh     RiskLevel = "HIGH"
	RiskLevelMedium   RiskLevel = "MEDIUM"
	RiskLevelLow      RiskLevel = "LOW"
	RiskLevelVeryLow  RiskLevel = "VERY_LOW"
)

// Rank returns the position of l in the order of levels: 1 for VERY_LOW up to 5 for
// VERY_HIGH, and 0 for the empty or an unknown level.
func (l RiskLevel) Rank() int {
	switch l {
	case RiskLevelVeryLow:
		return 1
	case RiskLevelLow:
		return 2
	case RiskLevelMedium:
		return 3
	case RiskLevelHigh:
		return 4
	case RiskLevelVeryHigh:
		return 5
	}
	return 0
}

// Compare returns -1, 0 or +1 as l is lower than, equal to or higher than m, by Rank.
func (l RiskLevel) Compare(m RiskLevel) int {
	a, b := l.Rank(), m.Rank()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// LevelForScore returns the risk level of a score in [0, 100] under Flagright's default
// bands: [0,20) VERY_LOW, [20,40) LOW, [40,60) MEDIUM, [60,80) HIGH, [80,100] VERY_HIGH.
// It reports false for a score outside [0, 100] or NaN.
func LevelForScore(score float64) (RiskLevel, bool) {
	switch {
	case !(score >= 0 && score <= 100):
		return "", false
	case score < 20:
		return RiskLevelVeryLow, true
	case score < 40:
		return RiskLevelLow, true
	case score < 60:
		return RiskLevelMedium, true
	case score < 80:
		return RiskLevelHigh, true
	}
	return RiskLevelVeryHigh, true
}
