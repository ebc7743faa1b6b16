package userevents

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// fe is an expected problem: its path and code.
type fe struct{ Path, Code string }

// fieldErrs returns the path and code of each problem of ve, in its order.
func fieldErrs(ve *ValidationError) []fe {
	var out []fe
	for _, f := range ve.Fields {
		out = append(out, fe{f.Path, f.Code})
	}
	return out
}

// problemsOf returns the path and code of each problem of err, in its order; it fails t
// unless err is a *ValidationError.
func problemsOf(t testing.TB, err error) []fe {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	return fieldErrs(ve)
}

// expectProblems fails t unless err is what a call expecting the problems want gives:
// nil for none, else a *ValidationError of exactly want's paths and codes, in order. It
// returns true when problems were expected: the call failed and has no result to check.
func expectProblems(t testing.TB, err error, want []fe) bool {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return false
	}
	if diff := cmp.Diff(want, problemsOf(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	return true
}

// problems decodes doc (an event, or a consumer user when user is true) and validates it
// at level with opts, and returns every problem found, sorted. Decoding problems come
// alone: validation needs a decoded document.
func problems(t *testing.T, doc string, user bool, level Level, opts Options, dopts ...DecodeOption) []fe {
	t.Helper()
	var err error
	if user {
		var u *ConsumerUser
		if u, err = DecodeConsumerUser([]byte(doc), dopts...); err == nil {
			err = u.Validate(level)
		}
	} else {
		var ev *ConsumerUserEvent
		if ev, err = DecodeEvent([]byte(doc), dopts...); err == nil {
			err = checkEvent(ev, opts, level)
		}
	}
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	for _, f := range ve.Fields {
		if f.Message == "" {
			t.Errorf("%s %s: empty message", f.Path, f.Code)
		}
	}
	out := fieldErrs(ve)
	sortFE(out)
	return out
}

func sortFE(s []fe) {
	sort.Slice(s, func(i, j int) bool { return s[i].Path+" "+s[i].Code < s[j].Path+" "+s[j].Code })
}

// ev builds an event for user u1 whose updatedConsumerUserAttributes is attrs.
func ev(attrs string) string {
	return `{"timestamp":1700000000000,"userId":"u1","updatedConsumerUserAttributes":` + attrs + `}`
}

// usr builds a consumer user u1 with the extra members.
func usr(extra string) string {
	return `{"userId":"u1","createdTimestamp":1600000000000,` + extra + `}`
}

// card builds an event whose user gets one saved card with the extra members.
func card(extra string) string {
	return ev(`{"savedPaymentDetails":[{"method":"CARD",` + extra + `}]}`)
}

// Every row states the problems expected at both levels (both), or at each level
// (compat, strict) where Compatible and Strict differ. A row with no problems at a
// level expects the document to be valid there.
type badInput struct {
	name   string
	doc    string
	user   bool    // doc is a consumer user, not an event
	opts   Options // query flags
	both   []fe
	compat []fe
	strict []fe
}

var a = "updatedConsumerUserAttributes"

var badInputs = []badInput{
	// --- Structure: unknown, duplicate and case-variant members.
	{name: "unknown member at the top", doc: `{"timestamp":1700000000000,"userId":"u1","foo":1}`,
		both: []fe{{"foo", CodeUnknownField}}},
	{name: "unknown member deep in the update", doc: ev(`{"userDetails":{"name":{"firstName":"A","nickname":"B"}}}`),
		both: []fe{{a + ".userDetails.name.nickname", CodeUnknownField}}},
	{name: "unknown member in an array element", doc: ev(`{"legalDocuments":[{"documentType":"passport","documentNumber":"X1","colour":"red"}]}`),
		both: []fe{{a + ".legalDocuments[0].colour", CodeUnknownField}}},
	{name: "duplicate member at the top", doc: `{"timestamp":1700000000000,"userId":"u1","userId":"u2"}`,
		both: []fe{{"userId", CodeDuplicateField}}},
	{name: "duplicate member in the update", doc: ev(`{"riskLevel":"LOW","riskLevel":"HIGH"}`),
		both: []fe{{a + ".riskLevel", CodeDuplicateField}}},
	{name: "case-variant member name", doc: `{"timestamp":1700000000000,"UserId":"u1"}`,
		both: []fe{{"UserId", CodeUnknownField}, {"userId", CodeRequired}}},
	{name: "case-variant nested member name", doc: ev(`{"userdetails":{}}`),
		both: []fe{{a + ".userdetails", CodeUnknownField}}},
	{name: "duplicate member inside arbitrary JSON", doc: usr(`"executedRules":[{"ruleInstanceId":"r","ruleName":"n","ruleDescription":"d","ruleAction":"FLAG","ruleHit":true,"vars":[{"value":{"k":1,"k":2}}]}]`), user: true,
		both: []fe{{"executedRules[0].vars[0].value.k", CodeDuplicateField}}},

	// --- Wrong JSON types.
	{name: "timestamp as a string", doc: `{"timestamp":"1700000000000","userId":"u1"}`,
		both: []fe{{"timestamp", CodeInvalidType}}},
	{name: "userId as a number", doc: `{"timestamp":1700000000000,"userId":7}`,
		both: []fe{{"userId", CodeInvalidType}}},
	{name: "update as an array", doc: ev(`[]`),
		both: []fe{{a, CodeInvalidType}}},
	{name: "array member as an object", doc: ev(`{"legalDocuments":{}}`),
		both: []fe{{a + ".legalDocuments", CodeInvalidType}}},
	{name: "tag as a string", doc: ev(`{"tags":["vip"]}`),
		both: []fe{{a + ".tags[0]", CodeInvalidType}}},
	{name: "boolean as a string", doc: ev(`{"sanctionsStatus":"true"}`),
		both: []fe{{a + ".sanctionsStatus", CodeInvalidType}}},
	{name: "integer with a fraction", doc: card(`"cardExpiry":{"month":1.5}`),
		both: []fe{{a + ".savedPaymentDetails[0].cardExpiry.month", CodeInvalidType}}},
	{name: "amount value as a string", doc: ev(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":"800","amountCurrency":"EUR"}}}`),
		both: []fe{{a + ".transactionLimits.maximumDailyTransactionLimit.amountValue", CodeInvalidType}}},
	{name: "null on an optional member of a user", doc: usr(`"occupation":null`), user: true,
		both: []fe{{"occupation", CodeInvalidType}}},

	// --- Required members.
	{name: "null timestamp", doc: `{"timestamp":null,"userId":"u1"}`,
		both: []fe{{"timestamp", CodeRequired}}},
	{name: "null userId", doc: `{"timestamp":1700000000000,"userId":null}`,
		both: []fe{{"userId", CodeRequired}}},
	{name: "missing timestamp", doc: `{"userId":"u1"}`,
		both: []fe{{"timestamp", CodeRequired}}},
	{name: "empty userId", doc: `{"timestamp":1700000000000,"userId":""}`,
		both: []fe{{"userId", CodeRequired}}},
	{name: "null on userStateDetails.state", doc: ev(`{"userStateDetails":{"state":null}}`),
		both: []fe{{a + ".userStateDetails.state", CodeRequired}}},
	{name: "null on name.firstName", doc: ev(`{"userDetails":{"name":{"firstName":null}}}`),
		both: []fe{{a + ".userDetails.name.firstName", CodeRequired}}},
	{name: "an object in an update without its required member", doc: ev(`{"userStateDetails":{"reason":"why"},"userDetails":{"name":{"lastName":"Byron"}}}`),
		both: []fe{{a + ".userDetails.name.firstName", CodeRequired}, {a + ".userStateDetails.state", CodeRequired}}},
	{name: "an amount in an update without its currency", doc: ev(`{"expectedIncome":{"dailyExpectedIncome":{"amountValue":5}}}`),
		both: []fe{{a + ".expectedIncome.dailyExpectedIncome.amountCurrency", CodeRequired}}},
	{name: "missing member of an array element", doc: ev(`{"legalDocuments":[{"documentType":"passport"}]}`),
		both: []fe{{a + ".legalDocuments[0].documentNumber", CodeRequired}}},
	{name: "payment details without a method", doc: ev(`{"savedPaymentDetails":[{"cardBrand":"VISA"}]}`),
		both: []fe{{a + ".savedPaymentDetails[0].method", CodeRequired}}},

	// --- Syntax, encoding and trailing data.
	{name: "invalid UTF-8 in a value", doc: "{\"timestamp\":1700000000000,\"userId\":\"u\xff1\"}",
		both: []fe{{"userId", CodeInvalidJSON}}},
	{name: "invalid UTF-8 in a member name", doc: "{\"timestamp\":1700000000000,\"userId\":\"u1\",\"\xfe\":1}",
		both: []fe{{"", CodeInvalidJSON}}},
	{name: "unpaired surrogate escape", doc: `{"timestamp":1700000000000,"userId":"\ud800"}`,
		both: []fe{{"userId", CodeInvalidJSON}}},
	{name: "trailing second value", doc: `{"timestamp":1700000000000,"userId":"u1"} {}`,
		both: []fe{{"", CodeInvalidJSON}}},
	{name: "trailing garbage", doc: `{"timestamp":1700000000000,"userId":"u1"}x`,
		both: []fe{{"", CodeInvalidJSON}}},
	{name: "missing value", doc: `{"timestamp":,"userId":"u1"}`,
		both: []fe{{"timestamp", CodeInvalidJSON}}},
	// A value of the wrong type that is not well-formed either: its syntax error alone.
	{name: "not JSON at all", doc: `not json`,
		both: []fe{{"", CodeInvalidJSON}}},
	{name: "broken literal for a string", doc: `{"timestamp":1700000000000,"userId":tru}`,
		both: []fe{{"userId", CodeInvalidJSON}}},
	{name: "unterminated string for a number", doc: `{"timestamp":"17000`,
		both: []fe{{"timestamp", CodeInvalidJSON}}},
	{name: "number with a leading zero", doc: `{"timestamp":01700000000000,"userId":"u1"}`,
		both: []fe{{"timestamp", CodeInvalidJSON}}},
	{name: "empty document", doc: ``,
		both: []fe{{"", CodeInvalidJSON}}},

	// --- Limits.
	{name: "document over 1 MiB", doc: `{"timestamp":1700000000000,"userId":"u1"}` + strings.Repeat(" ", 1<<20),
		both: []fe{{"", CodeTooLarge}}},
	{name: "nesting deeper than 64", doc: `{"timestamp":1700000000000,"userId":"u1","x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`,
		both: []fe{{"x", CodeUnknownField}, {"x" + strings.Repeat("[0]", 63), CodeTooLarge}}},
	{name: "array over 10,000 elements", doc: `{"timestamp":1700000000000,"userId":"u1","externalLinks":[` + strings.Repeat(`"l",`, 10000) + `"l"]}`,
		both: []fe{{"externalLinks[10000]", CodeTooLarge}}},
	{name: "string over 64 KiB", doc: `{"timestamp":1700000000000,"userId":"u1","reason":"` + strings.Repeat("r", 64<<10+1) + `"}`,
		both: []fe{{"reason", CodeTooLong}}},
	{name: "userId over 256 bytes", doc: `{"timestamp":1700000000000,"userId":"` + strings.Repeat("u", 257) + `"}`,
		both: []fe{{"userId", CodeTooLong}}},
	{name: "eventId over 256 bytes", doc: `{"timestamp":1700000000000,"userId":"u1","eventId":"` + strings.Repeat("e", 257) + `"}`,
		both: []fe{{"eventId", CodeTooLong}}},
	{name: "amount with too many digits", doc: ev(`{"expectedIncome":{"dailyExpectedIncome":{"amountValue":1e400,"amountCurrency":"EUR"}}}`),
		both: []fe{{a + ".expectedIncome.dailyExpectedIncome.amountValue", CodeOutOfRange}}},
	{name: "number beyond a double", doc: `{"timestamp":1e400,"userId":"u1"}`,
		both: []fe{{"timestamp", CodeOutOfRange}}},
	// A number below the smallest double would read back as 0.
	{name: "number below the smallest double", doc: ev(`{"eoddDate":1e-400}`),
		both: []fe{{a + ".eoddDate", CodeOutOfRange}}},
	// The same, written with its digits.
	{name: "number below the smallest double, digits", doc: ev(`{"eoddDate":0.` + strings.Repeat("0", 400) + `1}`),
		both: []fe{{a + ".eoddDate", CodeOutOfRange}}},
	// The smallest double itself reads back as written.
	{name: "smallest double", doc: ev(`{"eoddDate":5e-324}`)},
	// Zero written with a tiny exponent is zero.
	{name: "zero with an exponent", doc: ev(`{"eoddDate":0.0e-400}`)},

	// --- Empty values that stand for absent.
	{name: "empty eventId", doc: `{"timestamp":1700000000000,"userId":"u1","eventId":""}`,
		both: []fe{{"eventId", CodeOutOfRange}}},
	{name: "empty optional enum", doc: ev(`{"riskLevel":""}`),
		both: []fe{{a + ".riskLevel", CodeInvalidEnum}}},

	// --- Every enum with a wrong value.
	{name: "enum userStateDetails.state", doc: ev(`{"userStateDetails":{"state":"OPEN"}}`),
		both: []fe{{a + ".userStateDetails.state", CodeInvalidEnum}}},
	{name: "enum kycStatusDetails.status", doc: ev(`{"kycStatusDetails":{"status":"DONE"}}`),
		both: []fe{{a + ".kycStatusDetails.status", CodeInvalidEnum}}},
	{name: "enum employmentStatus", doc: ev(`{"employmentStatus":"RETIRED"}`),
		both: []fe{{a + ".employmentStatus", CodeInvalidEnum}}},
	{name: "enum riskLevel", doc: ev(`{"riskLevel":"EXTREME"}`),
		both: []fe{{a + ".riskLevel", CodeInvalidEnum}}},
	{name: "enum kycRiskLevel (case matters)", doc: ev(`{"kycRiskLevel":"low"}`),
		both: []fe{{a + ".kycRiskLevel", CodeInvalidEnum}}},
	{name: "enum acquisitionChannel", doc: ev(`{"acquisitionChannel":"TV"}`),
		both: []fe{{a + ".acquisitionChannel", CodeInvalidEnum}}},
	{name: "enum sourceOfFunds element", doc: ev(`{"sourceOfFunds":["Salary","Lottery"]}`),
		both: []fe{{a + ".sourceOfFunds[1]", CodeInvalidEnum}}},
	{name: "enum userSegment", doc: ev(`{"userSegment":"VIP"}`),
		both: []fe{{a + ".userSegment", CodeInvalidEnum}}},
	{name: "enum gender", doc: ev(`{"userDetails":{"gender":"X"}}`),
		both: []fe{{a + ".userDetails.gender", CodeInvalidEnum}}},
	{name: "enum maritalStatus", doc: ev(`{"userDetails":{"maritalStatus":"ENGAGED"}}`),
		both: []fe{{a + ".userDetails.maritalStatus", CodeInvalidEnum}}},
	{name: "enum pepRank", doc: ev(`{"pepStatus":[{"isPepHit":true,"pepRank":"LEVEL_9"}]}`),
		both: []fe{{a + ".pepStatus[0].pepRank", CodeInvalidEnum}}},
	{name: "enum payment method", doc: ev(`{"savedPaymentDetails":[{"method":"PAYPAL"}]}`),
		both: []fe{{a + ".savedPaymentDetails[0].method", CodeInvalidEnum}}},
	{name: "enum cardBrand", doc: card(`"cardBrand":"AMEX"`),
		both: []fe{{a + ".savedPaymentDetails[0].cardBrand", CodeInvalidEnum}}},
	{name: "enum cardFunding", doc: card(`"cardFunding":"CHARGE"`),
		both: []fe{{a + ".savedPaymentDetails[0].cardFunding", CodeInvalidEnum}}},
	{name: "enum cardStatus", doc: card(`"cardStatus":"EXPIRED"`),
		both: []fe{{a + ".savedPaymentDetails[0].cardStatus", CodeInvalidEnum}}},
	{name: "enum cardType", doc: card(`"cardType":"METAL"`),
		both: []fe{{a + ".savedPaymentDetails[0].cardType", CodeInvalidEnum}}},
	{name: "enum counterpartyType", doc: card(`"counterpartyType":"BANK"`),
		both: []fe{{a + ".savedPaymentDetails[0].counterpartyType", CodeInvalidEnum}}},
	{name: "enum posDetails.entryMode", doc: card(`"posDetails":{"entryMode":"11"}`),
		both: []fe{{a + ".savedPaymentDetails[0].posDetails.entryMode", CodeInvalidEnum}}},
	{name: "enum mpesa transactionType", doc: ev(`{"savedPaymentDetails":[{"method":"MPESA","businessShortCode":"1","transactionType":"Gift","phoneNumber":"+254"}]}`),
		both: []fe{{a + ".savedPaymentDetails[0].transactionType", CodeInvalidEnum}}},
	{name: "enum wallet network", doc: ev(`{"savedPaymentDetails":[{"method":"WALLET","network":"DOGE"}]}`),
		both: []fe{{a + ".savedPaymentDetails[0].network", CodeInvalidEnum}}},
	{name: "enum check deliveryStatus", doc: ev(`{"savedPaymentDetails":[{"method":"CHECK","deliveryStatus":"LOST"}]}`),
		both: []fe{{a + ".savedPaymentDetails[0].deliveryStatus", CodeInvalidEnum}}},
	{name: "enum ruleAction", doc: usr(`"hitRules":[{"ruleInstanceId":"r","ruleName":"n","ruleDescription":"d","ruleAction":"WARN"}]`), user: true,
		both: []fe{{"hitRules[0].ruleAction", CodeInvalidEnum}}},
	{name: "enum rule labels, nature and direction", doc: usr(`"executedRules":[{"ruleInstanceId":"r","ruleName":"n","ruleDescription":"d","ruleAction":"FLAG","ruleHit":true,"labels":["FUN"],"nature":"TAX","vars":[{"direction":"UP","value":1}]}]`), user: true,
		both: []fe{{"executedRules[0].labels[0]", CodeInvalidEnum}, {"executedRules[0].nature", CodeInvalidEnum}, {"executedRules[0].vars[0].direction", CodeInvalidEnum}}},
	{name: "enum sanctions entity types", doc: usr(`"hitRules":[{"ruleInstanceId":"r","ruleName":"n","ruleDescription":"d","ruleAction":"FLAG","ruleHitMeta":{"sanctionsDetails":[{"name":"n","searchId":"s","entityType":"PET","hitContext":{"entity":"ALIEN"}}]}}]`), user: true,
		both: []fe{{"hitRules[0].ruleHitMeta.sanctionsDetails[0].entityType", CodeInvalidEnum}, {"hitRules[0].ruleHitMeta.sanctionsDetails[0].hitContext.entity", CodeInvalidEnum}}},
	{name: "enum riskScoreDetails levels", doc: usr(`"riskScoreDetails":{"kycRiskLevel":"NONE","craRiskLevel":"SOME"}`), user: true,
		both: []fe{{"riskScoreDetails.craRiskLevel", CodeInvalidEnum}, {"riskScoreDetails.kycRiskLevel", CodeInvalidEnum}}},

	// --- Country and currency codes.
	{name: "country XX", doc: ev(`{"userDetails":{"countryOfResidence":"XX"}}`),
		both: []fe{{a + ".userDetails.countryOfResidence", CodeInvalidEnum}}},
	{name: "country in arrays and nested objects", doc: ev(`{"userDetails":{"secondaryCountryOfNationality":["DE","de"],"placeOfBirth":{"country":"Germany"}},"expectedTransactionCountries":{"incoming":[{"countryCode":"XX"}]}}`),
		both: []fe{{a + ".expectedTransactionCountries.incoming[0].countryCode", CodeInvalidEnum}, {a + ".userDetails.placeOfBirth.country", CodeInvalidEnum}, {a + ".userDetails.secondaryCountryOfNationality[1]", CodeInvalidEnum}}},
	{name: "address country is free text", doc: ev(`{"contactDetails":{"addresses":[{"addressLines":["Klara-Franke Str 20"],"country":"Germany"}]}}`)},
	{name: "currency ABC", doc: ev(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":800,"amountCurrency":"ABC"}}}`),
		both: []fe{{a + ".transactionLimits.maximumDailyTransactionLimit.amountCurrency", CodeInvalidEnum}}},
	{name: "expected currency ABC", doc: ev(`{"expectedTransactionCurrencies":{"outgoing":[{"currencyCode":"ABC"}]}}`),
		both: []fe{{a + ".expectedTransactionCurrencies.outgoing[0].currencyCode", CodeInvalidEnum}}},

	// --- Timestamps.
	{name: "the seed's timestamp 1.1", doc: `{"timestamp":1.1,"userId":"userId"}`,
		both: []fe{{"timestamp", CodeOutOfRange}}},
	{name: "timestamp in seconds", doc: `{"timestamp":1700000000,"userId":"u1"}`,
		both: []fe{{"timestamp", CodeOutOfRange}}},
	{name: "timestamp after 2100", doc: `{"timestamp":4133890801001,"userId":"u1"}`,
		both: []fe{{"timestamp", CodeOutOfRange}}},
	{name: "activatedTimestamp in seconds", doc: ev(`{"activatedTimestamp":1700000000}`),
		both: []fe{{a + ".activatedTimestamp", CodeOutOfRange}}},

	// --- Dates of birth.
	{name: "dateOfBirth 1991-02-30", doc: ev(`{"userDetails":{"dateOfBirth":"1991-02-30"}}`),
		strict: []fe{{a + ".userDetails.dateOfBirth", CodeInvalidFormat}}},
	{name: "dateOfBirth in another format", doc: ev(`{"userDetails":{"dateOfBirth":"01/02/1991"}}`),
		both: []fe{{a + ".userDetails.dateOfBirth", CodeInvalidFormat}}},
	{name: "dateOfBirth empty (the pattern allows it)", doc: ev(`{"userDetails":{"dateOfBirth":""}}`),
		strict: []fe{{a + ".userDetails.dateOfBirth", CodeInvalidFormat}}},
	{name: "dateOfBirth before 1900", doc: ev(`{"userDetails":{"dateOfBirth":"1899-12-31"}}`),
		strict: []fe{{a + ".userDetails.dateOfBirth", CodeOutOfRange}}},
	{name: "dateOfBirth after the event's day", doc: ev(`{"userDetails":{"dateOfBirth":"2023-11-15"}}`),
		strict: []fe{{a + ".userDetails.dateOfBirth", CodeOutOfRange}}},
	{name: "dateOfBirth on the event's day", doc: ev(`{"userDetails":{"dateOfBirth":"2023-11-14"}}`)},
	{name: "a user alone has no event day to bound its dateOfBirth", doc: usr(`"userDetails":{"dateOfBirth":"2030-01-01"}`), user: true},

	// --- Strict rules.
	{name: "document issued after it expires", doc: ev(`{"legalDocuments":[{"documentType":"passport","documentNumber":"X1","documentIssuedDate":1700000000000,"documentExpirationDate":1600000000000}]}`),
		strict: []fe{{a + ".legalDocuments[0].documentIssuedDate", CodeInconsistent}}},
	{name: "JPY 800.5", doc: ev(`{"expectedIncome":{"monthlyExpectedIncome":{"amountValue":800.5,"amountCurrency":"JPY"}}}`),
		strict: []fe{{a + ".expectedIncome.monthlyExpectedIncome.amountValue", CodeInvalidFormat}}},
	{name: "BHD with four fraction digits", doc: ev(`{"transactionLimits":{"maximumTransactionLimit":{"amountValue":1.2345,"amountCurrency":"BHD"}}}`),
		strict: []fe{{a + ".transactionLimits.maximumTransactionLimit.amountValue", CodeInvalidFormat}}},
	{name: "BHD with three fraction digits", doc: ev(`{"transactionLimits":{"maximumTransactionLimit":{"amountValue":1.234,"amountCurrency":"BHD"}}}`)},
	{name: "crypto with 18 fraction digits", doc: ev(`{"transactionLimits":{"maximumTransactionLimit":{"amountValue":0.000000000000000001,"amountCurrency":"ETH"}}}`)},
	{name: "crypto with 19 fraction digits", doc: ev(`{"transactionLimits":{"maximumTransactionLimit":{"amountValue":0.0000000000000000001,"amountCurrency":"ETH"}}}`),
		strict: []fe{{a + ".transactionLimits.maximumTransactionLimit.amountValue", CodeInvalidFormat}}},
	{name: "negative limit", doc: ev(`{"transactionLimits":{"paymentMethodLimits":{"CARD":{"transactionAmountLimit":{"day":{"amountValue":-1,"amountCurrency":"EUR"}}}}}}`),
		strict: []fe{{a + ".transactionLimits.paymentMethodLimits.CARD.transactionAmountLimit.day.amountValue", CodeOutOfRange}}},
	{name: "negative expected income", doc: ev(`{"expectedIncome":{"yearlyExpectedIncome":{"amountValue":-50000,"amountCurrency":"EUR"}}}`),
		strict: []fe{{a + ".expectedIncome.yearlyExpectedIncome.amountValue", CodeOutOfRange}}},
	{name: "negative card balance is fine", doc: card(`"cardBalance":{"amountValue":-20.5,"amountCurrency":"EUR"}`)},
	{name: "email without @", doc: ev(`{"contactDetails":{"emailIds":["baran.flagright.com"]}}`),
		strict: []fe{{a + ".contactDetails.emailIds[0]", CodeInvalidFormat}}},
	{name: "email with a display name", doc: ev(`{"contactDetails":{"emailIds":["Baran <baran@flagright.com>"]}}`),
		strict: []fe{{a + ".contactDetails.emailIds[0]", CodeInvalidFormat}}},
	{name: "control character in a name", doc: ev(`{"userDetails":{"name":{"firstName":"Ba\u0007ran"}}}`),
		strict: []fe{{a + ".userDetails.name.firstName", CodeInvalidFormat}}},
	{name: "tab in a name", doc: ev(`{"userDetails":{"name":{"firstName":"Ba\tran"}}}`),
		strict: []fe{{a + ".userDetails.name.firstName", CodeInvalidFormat}}},
	{name: "tab and newline in free text", doc: `{"timestamp":1700000000000,"userId":"u1","reason":"line one\n\tline two"}`},
	{name: "carriage return in free text", doc: `{"timestamp":1700000000000,"userId":"u1","reason":"line one\r\n"}`,
		strict: []fe{{"reason", CodeInvalidFormat}}},
	{name: "risk score above 100", doc: usr(`"riskScoreDetails":{"kycRiskScore":150,"craRiskScore":-1}`), user: true,
		strict: []fe{{"riskScoreDetails.craRiskScore", CodeOutOfRange}, {"riskScoreDetails.kycRiskScore", CodeOutOfRange}}},
	{name: "newUserId without ChangeUserID", doc: `{"timestamp":1700000000000,"userId":"u1","newUserId":"u2"}`,
		strict: []fe{{"newUserId", CodeNotAllowed}}},
	{name: "ChangeUserID without newUserId", doc: `{"timestamp":1700000000000,"userId":"u1"}`, opts: Options{ChangeUserID: true},
		strict: []fe{{"newUserId", CodeRequired}}},
	{name: "newUserId with ChangeUserID", doc: `{"timestamp":1700000000000,"userId":"u1","newUserId":"u2"}`, opts: Options{ChangeUserID: true}},
	{name: "newUserId equal to userId", doc: `{"timestamp":1700000000000,"userId":"u1","newUserId":"u1"}`, opts: Options{ChangeUserID: true},
		both: []fe{{"newUserId", CodeInconsistent}}},

	// --- OpenAPI string constraints.
	{name: "empty postcode", doc: ev(`{"contactDetails":{"addresses":[{"addressLines":[],"postcode":""}]}}`),
		both: []fe{{a + ".contactDetails.addresses[0].postcode", CodeOutOfRange}}},
	{name: "empty tag key", doc: ev(`{"tags":[{"key":"","value":"v"}]}`),
		both: []fe{{a + ".tags[0].key", CodeRequired}}},
	{name: "card last four digits too short", doc: card(`"cardLast4Digits":"123"`),
		both: []fe{{a + ".savedPaymentDetails[0].cardLast4Digits", CodeOutOfRange}}},
	{name: "legacy userId of another user", doc: ev(`{"userStateDetails":{"state":"ACTIVE","userId":"u2"}}`),
		both: []fe{{a + ".userStateDetails.userId", CodeInconsistent}}},
	{name: "legacy userId of another user on a user", doc: usr(`"kycStatusDetails":{"status":"NEW","userId":"u2"}`), user: true,
		both: []fe{{"kycStatusDetails.userId", CodeInconsistent}}},

	// --- NUL (U+0000): refused in ids at both levels (a key must be storable as text by
	// any database); elsewhere only Strict refuses it, as any control character.
	{name: "NUL in the event's userId", doc: `{"timestamp":1700000000000,"userId":"u\u0000"}`,
		both: []fe{{"userId", CodeInvalidFormat}}},
	{name: "NUL in eventId", doc: `{"timestamp":1700000000000,"userId":"u1","eventId":"\u0000e"}`,
		both: []fe{{"eventId", CodeInvalidFormat}}},
	{name: "NUL in newUserId", doc: `{"timestamp":1700000000000,"userId":"u1","newUserId":"u\u00002"}`, opts: Options{ChangeUserID: true},
		both: []fe{{"newUserId", CodeInvalidFormat}}},
	{name: "NUL in a user's userId", doc: `{"userId":"u\u0000","createdTimestamp":1600000000000}`, user: true,
		both: []fe{{"userId", CodeInvalidFormat}}},
	{name: "NUL in a reason", doc: `{"timestamp":1700000000000,"userId":"u1","reason":"a\u0000b"}`,
		strict: []fe{{"reason", CodeInvalidFormat}}},
	// --- Ids under Strict: what a REST path and a log line carry as they are.
	{name: "eventId .", doc: `{"timestamp":1700000000000,"userId":"u1","eventId":"."}`, // a dot segment: GET /events/consumer/user/. cannot name it
		strict: []fe{{"eventId", CodeInvalidFormat}}},
	{name: "userId ..", doc: `{"timestamp":1700000000000,"userId":".."}`, // the parent segment likewise
		strict: []fe{{"userId", CodeInvalidFormat}}},
	{name: "userId of spaces", doc: `{"timestamp":1700000000000,"userId":"   "}`, // only white space
		strict: []fe{{"userId", CodeInvalidFormat}}},
	{name: "userId of an ideographic space", doc: `{"timestamp":1700000000000,"userId":"\u3000"}`, // white space beyond ASCII
		strict: []fe{{"userId", CodeInvalidFormat}}},
	{name: "eventId with a right-to-left override", doc: `{"timestamp":1700000000000,"userId":"u1","eventId":"e\u202e1"}`, // U+202E reorders what a viewer shows
		strict: []fe{{"eventId", CodeInvalidFormat}}},
	{name: "userId with a zero-width space", doc: `{"timestamp":1700000000000,"userId":"u\u200b1"}`, // a format character: looks like u1
		strict: []fe{{"userId", CodeInvalidFormat}}},
	{name: "userId with a C1 control", doc: `{"timestamp":1700000000000,"userId":"u\u00851"}`, // NEL, a control character
		strict: []fe{{"userId", CodeInvalidFormat}}},
	{name: "newUserId with a line separator", doc: `{"timestamp":1700000000000,"userId":"u1","newUserId":"u\u20282"}`, opts: Options{ChangeUserID: true}, // U+2028 breaks a log line
		strict: []fe{{"newUserId", CodeInvalidFormat}}},
	{name: "consumer user with userId .", doc: `{"userId":".","createdTimestamp":1600000000000}`, user: true, // a user's id likewise
		strict: []fe{{"userId", CodeInvalidFormat}}},
	{name: "ids with dots and inner spaces", doc: `{"timestamp":1700000000000,"userId":"...","eventId":" e.1 "}`}, // not dot segments, not only spaces: valid

	// --- Several problems in one document are reported together.
	{name: "three structural problems at once", doc: `{"timestamp":"now","userId":"u1","userId":"u2","extra":true}`,
		both: []fe{{"extra", CodeUnknownField}, {"timestamp", CodeInvalidType}, {"userId", CodeDuplicateField}}},
	{name: "four value problems at once", doc: ev(`{"riskLevel":"NONE","userDetails":{"countryOfNationality":"XX","dateOfBirth":"1991-02-30"},"activatedTimestamp":5}`),
		compat: []fe{{a + ".activatedTimestamp", CodeOutOfRange}, {a + ".riskLevel", CodeInvalidEnum}, {a + ".userDetails.countryOfNationality", CodeInvalidEnum}},
		strict: []fe{{a + ".activatedTimestamp", CodeOutOfRange}, {a + ".riskLevel", CodeInvalidEnum}, {a + ".userDetails.countryOfNationality", CodeInvalidEnum}, {a + ".userDetails.dateOfBirth", CodeInvalidFormat}}},
}

// TestBadInputs runs the table of bad inputs at both levels.
func TestBadInputs(t *testing.T) {
	if len(badInputs) < 60 {
		t.Fatalf("only %d rows", len(badInputs))
	}
	for _, tt := range badInputs {
		t.Run(tt.name, func(t *testing.T) {
			compat, strict := tt.compat, tt.strict
			if tt.both != nil {
				if compat != nil || strict != nil {
					t.Fatal("row sets both and a level")
				}
				compat, strict = tt.both, tt.both
			}
			sortFE(compat)
			sortFE(strict)
			if diff := cmp.Diff(compat, problems(t, tt.doc, tt.user, Compatible, tt.opts)); diff != "" {
				t.Errorf("Compatible (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(strict, problems(t, tt.doc, tt.user, Strict, tt.opts)); diff != "" {
				t.Errorf("Strict (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecimalInRange checks the digit limits of decimal values against the JSON form
// the decoder checks (amountInRange), on both sides of the int64 fast path.
func TestDecimalInRange(t *testing.T) {
	thirty := strings.Repeat("9", 30)
	tests := []string{
		"0", "0.000", "1.50", "-12.5", "1E+3", "1e29", "1e30", "1e-30", "1e-31",
		"123456789012345678", "0.123456789012345678", "1234567890123456789",
		thirty, thirty + "9", "0." + thirty, "0." + thirty + "9", "-" + thirty + "." + thirty,
		"1." + strings.Repeat("0", 40), "12.5e-29", "12.5e-30", "100e28", "10e29",
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		tests = append(tests, strconv.FormatInt(r.Int64N(1e15), 10)+"e"+strconv.Itoa(r.IntN(80)-40))
	}
	for _, in := range tests {
		d := decimal.RequireFromString(in)
		var buf [128]byte
		want := amountInRange(appendDecimal(buf[:0], d))
		if got := decimalInRange(d); got != want {
			t.Errorf("decimalInRange(%s) = %v, want %v", in, got, want)
		}
	}
}

// TestCurrencyScaleCached checks that the cached scales are the computed ones, for
// every currency code, and that listedScale finds exactly the valid codes: every code
// of two and three capital letters, the listed codes of other shapes, and a few
// unlisted ones.
func TestCurrencyScaleCached(t *testing.T) {
	codes := append(CurrencyCodes(), "", "usd", "US", "USDX", "1INCHX", "U$D")
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			codes = append(codes, CurrencyCode([]rune{a, b}))
			for c := 'A'; c <= 'Z'; c++ {
				codes = append(codes, CurrencyCode([]rune{a, b, c}))
			}
		}
	}
	for _, c := range codes {
		if got, want := c.Scale(), scaleOf(c); got != want {
			t.Errorf("%s: Scale() = %d, want %d", c, got, want)
		}
		scale, listed := listedScale(c)
		if listed != c.Valid() || listed && scale != scaleOf(c) {
			t.Errorf("listedScale(%q) = %d, %v; Valid %v, scale %d", c, scale, listed, c.Valid(), scaleOf(c))
		}
	}
}

// TestCodeSets checks the country and currency code sets against the lists, on every
// code of two and three capital letters and on codes of other shapes.
func TestCodeSets(t *testing.T) {
	check := func(name string, list []string, valid func(string) bool) {
		want := map[string]bool{}
		for _, c := range list {
			want[c] = true
		}
		var candidates []string
		for a := 'A'; a <= 'Z'; a++ {
			for b := 'A'; b <= 'Z'; b++ {
				candidates = append(candidates, string([]rune{a, b}))
				for c := 'A'; c <= 'Z'; c++ {
					candidates = append(candidates, string([]rune{a, b, c}))
				}
			}
		}
		candidates = append(candidates, list...)
		candidates = append(candidates, "", "A", "eur", "de", "EU R", "DE\x00", "TD-USE", "USDTX", "ÄÖ")
		for _, c := range candidates {
			if got := valid(c); got != want[c] {
				t.Errorf("%s %q: Valid() = %v, want %v", name, c, got, want[c])
			}
		}
	}
	var countries, currencies []string
	for _, c := range CountryCodes() {
		countries = append(countries, string(c))
	}
	for _, c := range CurrencyCodes() {
		currencies = append(currencies, string(c))
	}
	check("CountryCode", countries, func(s string) bool { return CountryCode(s).Valid() })
	check("CurrencyCode", currencies, func(s string) bool { return CurrencyCode(s).Valid() })
}

// TestTextFault checks the control character rule of strings and of text members, and
// the UTF-8 rule that Strict checks in the same pass.
func TestTextFault(t *testing.T) {
	tests := []struct {
		s          string
		plain, txt fault // the results for strings and for text
	}{
		{"Ada Lovelace", faultNone, faultNone},  // printable ASCII
		{"Amélie 🙂", faultNone, faultNone},      // printable beyond ASCII
		{"a\tb", faultControl, faultNone},       // tab: allowed in text only
		{"a\nb", faultControl, faultNone},       // newline: allowed in text only
		{"a\rb", faultControl, faultControl},    // carriage return
		{"\x00", faultControl, faultControl},    // NUL
		{"a\x7f", faultControl, faultControl},   // DEL
		{"é\u0085", faultControl, faultControl}, // C1 after a non-ASCII letter
		{"\u009f", faultControl, faultControl},  // last C1
		{"~ \u00a0", faultNone, faultNone},      // tilde, space, no-break space
		{"\u200b", faultNone, faultNone},        // a format character is not a control
		{"caf\xe9", faultUTF8, faultUTF8},       // a Latin-1 byte
		{"é\xff", faultUTF8, faultUTF8},         // invalid after valid UTF-8
		{"\xed\xa0\x80", faultUTF8, faultUTF8},  // a surrogate's encoding
		{"\ufffd", faultNone, faultNone},        // U+FFFD itself is valid
		{"a\tb\xff", faultUTF8, faultUTF8},      // invalid UTF-8 counts before a control character
		{"\x01é", faultControl, faultControl},   // a control character before valid UTF-8
		{strings.Repeat("x", 100), faultNone, faultNone},
	}
	for _, tt := range tests {
		if got := textFault(tt.s, false); got != tt.plain {
			t.Errorf("textFault(%q, false) = %v, want %v", tt.s, got, tt.plain)
		}
		if got := textFault(tt.s, true); got != tt.txt {
			t.Errorf("textFault(%q, true) = %v, want %v", tt.s, got, tt.txt)
		}
	}
}

// TestBusinessUserIDStrict checks a business user's id under both levels.
func TestBusinessUserIDStrict(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		strict []fe // the problems under Strict; Compatible accepts every row
	}{
		// "." is refused under Strict, as for a consumer user.
		{name: "dot", id: ".", strict: []fe{{"userId", CodeInvalidFormat}}},
		// A bidirectional override likewise.
		{name: "RLO", id: "b\u202e1", strict: []fe{{"userId", CodeInvalidFormat}}},
		// An ordinary id is valid.
		{name: "plain", id: "b1"},
	}
	for _, tt := range tests {
		u, err := DecodeBusinessUser([]byte(`{"userId":"` + tt.id + `","createdTimestamp":1600000000000,"legalEntity":{}}`))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if err := u.Validate(Compatible); err != nil {
			t.Errorf("%s: Compatible: %v, want valid", tt.name, err)
		}
		var got []fe
		var ve *ValidationError
		if err := u.Validate(Strict); errors.As(err, &ve) {
			got = fieldErrs(ve)
		} else if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.strict, got); diff != "" {
			t.Errorf("%s: Strict (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestVctxPath checks the paths of problems found at every depth, past the segments a
// vctx keeps in place (segs) too, and after pops from there.
func TestVctxPath(t *testing.T) {
	c := newVctx(Strict, 0)
	var want []string
	for i := range 12 {
		seg := "a" + strconv.Itoa(i)
		if i%2 == 1 { // odd depths are array elements
			c.pushIndex(seg, i-1)
			seg += "[" + strconv.Itoa(i-1) + "]"
		} else {
			c.push(seg)
		}
		c.fail("x", CodeRequired, "")
		if len(want) > 0 {
			seg = strings.TrimSuffix(want[len(want)-1], ".x") + "." + seg
		}
		want = append(want, seg+".x")
	}
	for range 6 {
		c.pop()
	}
	c.fail("y", CodeRequired, "")
	want = append(want, strings.TrimSuffix(want[5], ".x")+".y")
	var got []string
	for _, e := range c.errs {
		got = append(got, e.Path)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

// TestGoBuiltValues: values built in Go, not decoded, are held to what the decoder
// accepts, at both levels, so that a Store never keeps what it cannot read back: strings
// are valid UTF-8, and raw JSON members are one well-formed value (each member of an
// object once), a required one not null.
func TestGoBuiltValues(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		user func() any // a *ConsumerUser, *BusinessUser or *ConsumerUserEvent
		want []fe
	}{
		// Invalid UTF-8 in a plain string member.
		{"occupation", func() any { u := fullUser(); u.Occupation = str("caf\xe9"); return u },
			[]fe{{"occupation", CodeInvalidFormat}}},
		// In an element of an array, in a nested object.
		{"tag value", func() any { u := fullUser(); u.Tags[0].Value = "a\xffb"; return u },
			[]fe{{"tags[0].value", CodeInvalidFormat}}},
		// In a member with a format of its own (a date, an email): the UTF-8 problem alone.
		{"date of birth", func() any { u := fullUser(); u.UserDetails.DateOfBirth = str("1990-01-0\xff"); return u },
			[]fe{{"userDetails.dateOfBirth", CodeInvalidFormat}}},
		{"email", func() any { u := fullUser(); u.ContactDetails.EmailIDs = []string{"a\xff@example.com"}; return u },
			[]fe{{"contactDetails.emailIds[0]", CodeInvalidFormat}}},
		// In an event's update.
		{"event first name", func() any {
			e := fullEvent()
			e.UpdatedConsumerUserAttributes.UserDetails.v.Name.v.FirstName.v = "\xc3"
			return e
		}, []fe{{"updatedConsumerUserAttributes.userDetails.name.firstName", CodeInvalidFormat}}},
		// A required raw member given as null, or empty, or not JSON.
		{"legalEntity null", func() any { b := fullBusiness(); b.LegalEntity = json.RawMessage(" null"); return b },
			[]fe{{"legalEntity", CodeRequired}}},
		{"legalEntity empty", func() any { b := fullBusiness(); b.LegalEntity = json.RawMessage{}; return b },
			[]fe{{"legalEntity", CodeInvalidJSON}}},
		{"legalEntity not JSON", func() any { b := fullBusiness(); b.LegalEntity = json.RawMessage(`{not json`); return b },
			[]fe{{"legalEntity", CodeInvalidJSON}}},
		// A member twice, or invalid UTF-8, inside raw JSON.
		{"directors duplicate member", func() any { b := fullBusiness(); b.Directors = json.RawMessage(`[{"a":1,"a":2}]`); return b },
			[]fe{{"directors", CodeDuplicateField}}},
		{"shareHolders invalid UTF-8", func() any { b := fullBusiness(); b.ShareHolders = json.RawMessage("[\"\xff\"]"); return b },
			[]fe{{"shareHolders", CodeInvalidJSON}}},
		// An optional raw member may be null, and a value nested past the decoder's
		// default depth is read back (stores read without limits).
		{"optional null", func() any { b := fullBusiness(); b.MCCDetails = json.RawMessage(`null`); return b }, nil},
		{"deep", func() any {
			b := fullBusiness()
			b.LegalEntity = json.RawMessage(strings.Repeat(`{"a":`, 300) + "1" + strings.Repeat("}", 300))
			return b
		}, nil},
	}
	for _, tt := range tests {
		for _, level := range []Level{Strict, Compatible} {
			var err error
			switch v := tt.user().(type) {
			case *ConsumerUser:
				err = v.Validate(level)
			case *BusinessUser:
				err = v.Validate(level)
			case *ConsumerUserEvent:
				err = v.Validate(level)
			}
			var got []fe
			if err != nil {
				got = problemsOf(t, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s at level %v (-want +got):\n%s", tt.name, level, diff)
			}
		}
	}
}

// TestTimestampLimitsWithDates checks the limits that the timestamp rules' messages are
// written from: each with the date it stands for, as Flagright's OpenAPI document gives
// the range.
func TestTimestampLimitsWithDates(t *testing.T) {
	for _, tt := range []struct {
		ms   int64
		want string
	}{
		{minTimestamp, "315529200000 (1979-12-31)"},  // the lowest timestamp accepted
		{maxTimestamp, "4133890801000 (2100-12-30)"}, // the highest: 23:00:01 UTC
	} {
		if got := timestampLimit(tt.ms); got != tt.want {
			t.Errorf("timestampLimit(%d) = %q, want %q", tt.ms, got, tt.want)
		}
	}
}
