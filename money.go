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
	if scale, ok := currencyScales()[c]; ok {
		return scale
	}
	return scaleOf(c)
}

// currencyScales holds the Scale of every listed CurrencyCode, computed once:
// validation asks for it on every amount.
var currencyScales = sync.OnceValue(func() map[CurrencyCode]int {
	m := make(map[CurrencyCode]int)
	for _, c := range currencyCodes {
		m[c] = scaleOf(c)
	}
	return m
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
