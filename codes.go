package userevents

// CountryCode is a country code as Flagright accepts it: ISO 3166-1 alpha-2 codes plus
// Flagright's additions (XA..XZ, "N/A"). Valid reports whether a code is in the list.
type CountryCode string

// CurrencyCode is a currency code as Flagright accepts it: ISO 4217 codes plus crypto
// assets and tokens. Valid reports whether a code is in the list.
type CurrencyCode string

// countryCodes lists every CountryCode in Flagright's model, in its order.
var countryCodes = [...]CountryCode{
	"AF", "AL", "DZ", "AS", "AD", "AO", "AI", "AQ", "AG", "AR", "AM", "AW", "AU", "AT", "AZ",
	"BS", "BH", "BD", "BB", "BY", "BE", "BZ", "BJ", "BM", "BT", "BO", "BQ", "BA", "BW", "BV",
	"BR", "IO", "BN", "BG", "BF", "BI", "CV", "KH", "CM", "CA", "KY", "CF", "TD", "CL", "CN",
	"CX", "CC", "CO", "KM", "CD", "CG", "CK", "CR", "HR", "CU", "CW", "CY", "CZ", "CI", "DK",
	"DJ", "DM", "DO", "EC", "EG", "SV", "GQ", "ER", "EE", "SZ", "ET", "FK", "FO", "FJ", "FI",
	"FR", "GF", "PF", "TF", "GA", "GM", "GE", "DE", "GH", "GI", "GR", "GL", "GD", "GP", "GU",
	"GT", "GG", "GN", "GW", "GY", "HT", "HM", "VA", "HN", "HK", "HU", "IS", "IN", "ID", "IR",
	"IQ", "IE", "IM", "IL", "IT", "JM", "JP", "JE", "JO", "KZ", "KE", "KI", "KP", "KR", "KW",
	"KG", "LA", "LV", "LB", "LS", "LR", "LY", "LI", "LT", "LU", "MO", "MG", "MW", "MY", "MV",
	"ML", "MT", "MH", "MQ", "MR", "MU", "YT", "MX", "FM", "MD", "MC", "MN", "ME", "MS", "MA",
	"MZ", "MM", "NA", "NR", "NP", "NL", "NC", "NZ", "NI", "NE", "NG", "NU", "NF", "MK", "MP",
	"NO", "OM", "PK", "PW", "PS", "PA", "PG", "PY", "PE", "PH", "PN", "PL", "PT", "PR", "QA",
	"RO", "RU", "RW", "RE", "BL", "SH", "KN", "LC", "MF", "PM", "VC", "WS", "SM", "ST", "SA",
	"SN", "RS", "SC", "SL", "SG", "SX", "SK", "SI", "SB", "SO", "ZA", "GS", "SS", "ES", "LK",
	"SD", "SR", "SJ", "SE", "CH", "SY", "TW", "TJ", "TZ", "TH", "TL", "TG", "TK", "TO", "TT",
	"TN", "TM", "TC", "TV", "TR", "UG", "UA", "AE", "GB", "UM", "US", "UY", "UZ", "VU", "VE",
	"VN", "VG", "VI", "WF", "EH", "YE", "ZM", "ZW", "AX", "XA", "XB", "XC", "XD", "XE", "XF",
	"XG", "XH", "XI", "XJ", "XK", "XL", "XM", "XN", "XO", "XP", "XQ", "XR", "XS", "XT", "XU",
	"XV", "XW", "XY", "XZ", "N/A",
}

// currencyCodes lists every CurrencyCode in Flagright's model, in its order.
var currencyCodes = [...]CurrencyCode{
	"1INCH", "AAVE", "ABT", "ACH", "ACS", "ADA", "AED", "AERGO", "AERO", "AFN", "AGLD",
	"AIOZ", "ALCX", "ALEPH", "ALGO", "ALICE", "ALL", "AMD", "AMP", "ANG", "ANKR", "ANT",
	"AOA", "APE", "API3", "APT", "ARB", "ARPA", "ARS", "ASM", "AST", "ATA", "ATOM", "AUCTION",
	"AUD", "AUDIO", "AURORA", "AVAX", "AVT", "AWG", "AXL", "AXS", "AZN", "BADGER", "BAL",
	"BAM", "BAND", "BASE", "BAT", "BBD", "BCH", "BDT", "BGN", "BHD", "BICO", "BIF", "BIGTIME",
	"BIT", "BLUR", "BLZ", "BMD", "BND", "BNT", "BOB", "BOBA", "BOND", "BONK", "BRL", "BSD",
	"BSV", "BTC", "BTN", "BTRST", "BUSD", "BWP", "BYN", "BYR", "BZD", "C98", "CAD", "CBETH",
	"CDF", "CELR", "CGLD", "CHF", "CHZ", "CLF", "CLP", "CLV", "CNH", "CNY", "COMP", "COP",
	"COTI", "COVAL", "CRC", "CRO", "CRPT", "CRV", "CTSI", "CTX", "CUC", "CUP", "CVC", "CVE",
	"CVX", "CZK", "DAI", "DAR", "DASH", "DDX", "DESO", "DEXT", "DIA", "DIMO", "DJF", "DKK",
	"DNT", "DOGE", "DOP", "DOT", "DREP", "DYDX", "DYP", "DZD", "EEK", "EGLD", "EGP", "ELA",
	"ENJ", "ENS", "EOS", "ERN", "ETB", "ETC", "ETH", "ETH2", "ETHB", "EUR", "EURA", "EURC",
	"EURT", "EUROC", "ETHFI", "FARM", "FET", "FIDA", "FIL", "FIS", "FJD", "FKP", "FLOW",
	"FLR", "FORT", "FORTH", "FOX", "FX", "FTM", "GAL", "GALA", "GBP", "GBPA", "GEL", "GFI",
	"GGP", "GHS", "GHST", "GIP", "GLM", "GMD", "GMT", "GNF", "GNO", "GNT", "GODS", "GRT",
	"GST", "GTC", "GTQ", "GUSD", "GYD", "GYEN", "HBAR", "HFT", "HIGH", "HKD", "HNL", "HNT",
	"HONEY", "HOPR", "HRK", "HTG", "HUF", "HYPE", "ICP", "IDEX", "IDR", "ILS", "ILV", "IMP",
	"IMX", "INDEX", "INJ", "INR", "INV", "IOTA", "IOTX", "ISLM", "IQD", "IRR", "ISK", "JASMY",
	"JEP", "JMD", "JOD", "JPY", "JTO", "JUP", "KAVA", "KEEP", "KES", "KGS", "KHR", "KLAY",
	"KMF", "KNC", "KPW", "KRL", "KRW", "KSM", "KWD", "KYD", "KZT", "LAK", "LBP", "LCX", "LDO",
	"LINK", "LIT", "LKR", "LOKA", "LOOM", "LPT", "LQTY", "LRC", "LRD", "LSETH", "LSL", "LTC",
	"LTL", "LUNA2", "LVL", "LYD", "MAD", "MAGIC", "MANA", "MASK", "MATH", "MATIC", "MCO2",
	"MDL", "MDT", "MEDIA", "METIS", "MGA", "MINA", "MIR", "MKD", "MKR", "MLN", "MMK", "MNDE",
	"MNT", "MOBILE", "MONA", "MOP", "MPL", "MRO", "MRU", "MSOL", "MTL", "MULTI", "MUR",
	"MUSE", "MVR", "MWK", "MXC", "MXN", "MXNB", "MXND", "MYR", "MZN", "NAD", "NCT", "NEAR",
	"NEO", "NEST", "NGN", "NIO", "NKN", "NMR", "NOK", "NPC", "NPR", "NU", "NZD", "OCEAN",
	"OGN", "OMG", "OMR", "ONDO", "OOKI", "OP", "ORCA", "ORN", "OSMO", "OXT", "PAB", "PAX",
	"PEN", "PENGU", "PEPE", "PERP", "PGK", "PHP", "PKR", "PLA", "PLN", "PLU", "PNG", "POL",
	"POLS", "POLY", "POND", "POWR", "PRIME", "PRO", "PRQ", "PUNDIX", "PYG", "PYR", "PYUSD",
	"QAR", "QI", "QNT", "QSP", "QUICK", "RAD", "RAI", "RARE", "RARI", "RBN", "REN", "RENDER",
	"REP", "REPV2", "REQ", "RGT", "RLC", "RLY", "RLUSD", "RNDR", "RON", "ROSE", "RPL", "RSD",
	"RUB", "RUNE", "RWF", "SAND", "SAR", "SBD", "SCR", "SDG", "SEAM", "SEI", "SEK", "SGD",
	"SHIB", "SHP", "SHPING", "SKK", "SKL", "SLL", "SNT", "SNX", "SOL", "SOS", "SPA", "SPELL",
	"SRD", "SSP", "STD", "STG", "STORJ", "STRK", "STX", "SUI", "SUKU", "SUPER", "SUSHI",
	"SVC", "SWFTC", "SYLO", "SYN", "SYP", "SYRUPUSDC", "SZL", "T", "THB", "THETA", "TIA",
	"TIME", "TJS", "TMM", "TMT", "TND", "TONE", "TON", "TOP", "TRAC", "TRB", "TRIBE", "TRU",
	"TRUMP", "TRY", "TTD", "TVK", "TWD", "TZS", "UAH", "UGX", "UMA", "UNFI", "UNI", "UPI",
	"USD", "USDG", "USDAI", "USDE", "USDH", "USDC", "USDT", "USYC", "UST", "UYU", "UZS",
	"VARA", "VEF", "VELO", "VES", "VET", "VGX", "VND", "VOXEL", "VTHO", "VUV", "WAMPL",
	"WAVES", "WAXL", "WBTC", "WCFG", "WLUNA", "WST", "XAF", "XAG", "XAU", "XCD", "XCN", "XDR",
	"XLM", "XMON", "XOF", "XPD", "XPF", "XPT", "XRP", "XTZ", "XYO", "YER", "YFI", "YFII",
	"ZAR", "ZEC", "ZEN", "ZETA", "ZIL", "ZMK", "ZMW", "ZRX", "ZWD", "FDUSD", "AGX", "AUX",
	"BNB", "CUBE", "EMON", "FDGT", "KGLD", "LODE", "PASS", "PREMIA", "TAB1", "TD-USD", "TRX",
	"TYUGA", "VIC", "XAI", "SLE", "UDI",
}

var (
	countrySet  = makeCodeSet(countryCodes[:])
	currencySet = makeCodeSet(currencyCodes[:])
)

// codeSet is a set of codes: a bit per code of two or three capital letters (almost all
// of them: "DE", "EUR"), and a map for the others ("USDT", "TD-USD").
type codeSet struct {
	bits   [(26*26*26 + 26*26 + 63) / 64]uint64
	others map[string]struct{}
}

func makeCodeSet[E ~string](values []E) *codeSet {
	s := &codeSet{others: map[string]struct{}{}}
	for _, v := range values {
		if i, ok := letterIndex(string(v)); ok {
			s.bits[i/64] |= 1 << (i % 64)
		} else {
			s.others[string(v)] = struct{}{}
		}
	}
	return s
}

// letterIndex numbers the codes of two capital letters from 0 and those of three after
// them; it reports false for any other code.
func letterIndex(c string) (int, bool) {
	i := 0
	for j := 0; j < len(c); j++ {
		if c[j] < 'A' || c[j] > 'Z' {
			return 0, false
		}
		i = i*26 + int(c[j]-'A')
	}
	switch len(c) {
	case 2:
		return i, true
	case 3:
		return 26*26 + i, true
	}
	return 0, false
}

func (s *codeSet) has(c string) bool {
	if i, ok := letterIndex(c); ok {
		return s.bits[i/64]&(1<<(i%64)) != 0
	}
	_, ok := s.others[c]
	return ok
}

// Valid reports whether c is one of Flagright's country codes.
func (c CountryCode) Valid() bool { return countrySet.has(string(c)) }

// CountryCodes returns every valid CountryCode, in the order of Flagright's model.
func CountryCodes() []CountryCode { return append([]CountryCode(nil), countryCodes[:]...) }

// Valid reports whether c is one of Flagright's currency codes.
func (c CurrencyCode) Valid() bool { return currencySet.has(string(c)) }

// CurrencyCodes returns every valid CurrencyCode, in the order of Flagright's model.
func CurrencyCodes() []CurrencyCode { return append([]CurrencyCode(nil), currencyCodes[:]...) }
