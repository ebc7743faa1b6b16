package userevents

import (
	"sync"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// Amount is a sum of money: an exact decimal value and its currency. The value is decoded
// from and encoded to a JSON number without going through float64, so 0.1 stays 0.1 and
// eighteen fraction digits survive.
type Amount struct {
	Value    decimal.Decimal `json:"amountValue" check:"required"`
	Currency CurrencyCode    `json:"amountCurrency" check:"required"`
}

// maxCryptoScale is the number of fraction digits allowed, under Strict, for currency
// codes that are not ISO 4217 fiat currencies (crypto assets, tokens, ...).
const maxCryptoScale = 18

// Scale returns the number of fraction digits that Strict validation allows for amounts in
// c: the currency's minor unit for ISO 4217 currencies (JPY 0, EUR 2, BHD 3, from
// golang.org/x/text/currency), and 18 for other codes (crypto assets).
func (c CurrencyCode) Scale() int {
	if scale, ok := listedScale(c); ok {
		return scale
	}
	return scaleOf(c)
}

// listedScale returns the Scale of c and true when c is a listed CurrencyCode (Valid),
// else 0 and false: one lookup for the validation of an amount, which asks both.
func listedScale(c CurrencyCode) (int, bool) {
	t := currencyScales()
	if i, ok := letterIndex(string(c)); ok {
		s := t.byIndex[i]
		return int(s) - 1, s != 0
	}
	s, ok := t.others[c]
	return s, ok
}

// scaleTable holds the Scale of every listed CurrencyCode: by letterIndex for the
// codes of two or three capital letters (an index into an array costs less than a map
// lookup, and validation asks on every amount), in a map for the others. It is keyed as
// codeSet is, but codeSet keeps a bit per code: one table of both, a value per code,
// made validation 12–18% slower (an 18 KB array per set instead of 2.3 KB of bits).
type scaleTable struct {
	byIndex [26*26*26 + 26*26]int8 // the scale + 1; 0 for a code not listed
	others  map[CurrencyCode]int
}

// currencyScales is the scaleTable, computed once.
var currencyScales = sync.OnceValue(func() *scaleTable {
	t := &scaleTable{others: map[CurrencyCode]int{}}
	for _, c := range currencyCodes {
		if i, ok := letterIndex(string(c)); ok {
			t.byIndex[i] = int8(scaleOf(c) + 1)
		} else {
			t.others[c] = scaleOf(c)
		}
	}
	return t
})

// scaleOf is Scale without the cache.
func scaleOf(c CurrencyCode) int {
	u, err := currency.ParseISO(string(c))
	if err != nil {
		return maxCryptoScale
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// fractionDigits returns the number of digits after the decimal point in d's
// shortest exact form (1.50 has 1, 100 has 0).
func fractionDigits(d decimal.Decimal) int {
	if d.Exponent() >= 0 || d.IsZero() {
		return 0
	}
	if d.NumDigits() <= 18 {
		// The coefficient fits in an int64: count its trailing zeros without copying it.
		c, n := d.CoefficientInt64(), -int(d.Exponent())
		for n > 0 && c%10 == 0 {
			c /= 10
			n--
		}
		return n
	}
	// Remove trailing zeros of the coefficient.
	s := d.Coefficient().String()
	n := -int(d.Exponent())
	for n > 0 && len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
		n--
	}
	return n
}
