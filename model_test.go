package userevents

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// sharedDir is the read-only reference material beside the repository.
const sharedDir = "../shared/flagright"

// readShared returns a file of sharedDir, skipping the test when it is absent.
func readShared(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir, name))
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("%s is absent: skipping", filepath.Join(sharedDir, name))
	}
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// sameJSON fails the test unless a and b hold the same JSON value (key order aside,
// numbers compared exactly as text after normalisation by encoding/json.Number).
func sameJSON(tb testing.TB, a, b []byte) {
	tb.Helper()
	va, vb := jsonValue(tb, a), jsonValue(tb, b)
	if diff := cmp.Diff(va, vb); diff != "" {
		tb.Errorf("JSON values differ (-want +got):\n%s", diff)
	}
}

// jsonValue decodes data with numbers as exact decimals.
func jsonValue(tb testing.TB, data []byte) any {
	tb.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		tb.Fatalf("invalid JSON %q: %v", data, err)
	}
	return normNumbers(v)
}

// normNumbers turns json.Numbers into canonical decimal strings, so 1.10 equals 1.1.
func normNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		return "num:" + decimal.RequireFromString(x.String()).String()
	case map[string]any:
		for k, e := range x {
			x[k] = normNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normNumbers(e)
		}
	}
	return v
}

// TestFixtures decodes every body of the shared fixtures into its type and re-encodes
// it to the same JSON value.
func TestFixtures(t *testing.T) {
	tests := []struct {
		file   string
		decode func([]byte) (any, error)
	}{
		// The consumer user of the official SDK's mock server.
		{"consumer-user.json", func(b []byte) (any, error) { return DecodeConsumerUser(b) }},
		// The seed document's sample response, with the legacy userId fields.
		{"seed-response.json", func(b []byte) (any, error) { return DecodeConsumerUser(b) }},
		// A business user with every business-only structure.
		{"business-user.json", func(b []byte) (any, error) { return DecodeBusinessUser(b) }},
		// The seed document's sample request (invalid, but well-formed).
		{"seed-request.json", func(b []byte) (any, error) { return DecodeEvent(b) }},
		// GET /events/consumer/user/{id}: an event with its rules results.
		{"consumer-user-event.json", func(b []byte) (any, error) {
			var e StoredEvent
			return &e, json.Unmarshal(b, &e)
		}},
		// The response of POST /events/consumer/user: the user and a message.
		{"consumer-user-event-response.json", func(b []byte) (any, error) {
			var r EventResponse
			return &r, json.Unmarshal(b, &r)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readShared(t, "fixtures/"+tt.file)
			v, err := tt.decode(data)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, data, out)
		})
	}
}

// TestFixtureBatch decodes each event of the shared batch listing as a StoredEvent.
func TestFixtureBatch(t *testing.T) {
	data := readShared(t, "fixtures/batch-consumer-user-events.json")
	var list struct {
		ConsumerUserEvents []json.RawMessage `json:"consumerUserEvents"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.ConsumerUserEvents) == 0 {
		t.Fatal("no events in the batch fixture")
	}
	for i, raw := range list.ConsumerUserEvents {
		var e StoredEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		// The request form of the same event decodes as a ConsumerUserEvent once the
		// rules results are removed.
		out, _ := json.Marshal(&e)
		sameJSON(t, raw, out)
		ev, err := DecodeEvent(e.ConsumerUserEvent.appendJSON(nil))
		if err != nil {
			t.Fatalf("event %d as a request: %v", i, err)
		}
		if diff := cmp.Diff(&e.ConsumerUserEvent, ev, cmpOpts); diff != "" {
			t.Errorf("event %d (-stored +request):\n%s", i, diff)
		}
	}
}

// cmpOpts compares model values: decimals by value, Optionals by state and value.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Exporter(func(t reflect.Type) bool { return strings.HasPrefix(t.Name(), "Optional[") }),
}

// TestFullRoundTrip encodes values with every field of every type set, decodes them and
// compares, and checks that they are valid under Strict.
func TestFullRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		value  any
		decode func([]byte) (any, error)
	}{
		{"consumer user", fullUser(), func(b []byte) (any, error) { return DecodeConsumerUser(b) }},
		{"business user", fullBusiness(), func(b []byte) (any, error) { return DecodeBusinessUser(b) }},
		{"event", fullEvent(), func(b []byte) (any, error) { return DecodeEvent(b) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.decode(data)
			if err != nil {
				t.Fatalf("decode: %v\n%s", err, data)
			}
			if diff := cmp.Diff(tt.value, got, cmpOpts); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			again, _ := json.Marshal(got)
			if !bytes.Equal(data, again) {
				t.Errorf("second encoding differs:\n%s\n%s", data, again)
			}
		})
	}
	if err := fullUser().Validate(Strict); err != nil {
		t.Errorf("full user: %v", err)
	}
	if err := fullBusiness().Validate(Strict); err != nil {
		t.Errorf("full business user: %v", err)
	}
	if err := checkEvent(fullEvent(), Options{ChangeUserID: true}, Strict); err != nil {
		t.Errorf("full event: %v", err)
	}
}

// TestCloneIsDeep changes every reachable field of a clone and checks the original.
func TestCloneIsDeep(t *testing.T) {
	for _, v := range []interface{ appendJSON([]byte) []byte }{fullUser(), fullBusiness(), fullEvent()} {
		before := v.appendJSON(nil)
		var c any
		switch x := v.(type) {
		case *ConsumerUser:
			c = x.Clone()
		case *BusinessUser:
			c = x.Clone()
		case *ConsumerUserEvent:
			c = x.Clone()
		}
		if diff := cmp.Diff(v, c, cmpOpts); diff != "" {
			t.Fatalf("clone differs:\n%s", diff)
		}
		scribble(reflect.ValueOf(c))
		if after := v.appendJSON(nil); !bytes.Equal(before, after) {
			t.Errorf("%T: changing the clone changed the original", v)
		}
	}
}

// scribble overwrites every string, number, bool and byte reachable from v in place.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == decimalType {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !f.CanSet() {
				f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem()
			}
			scribble(f)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			scribble(v.Index(i))
		}
	case reflect.String:
		v.SetString("scribbled")
	case reflect.Float64:
		v.SetFloat(-1)
	case reflect.Int:
		v.SetInt(-1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Uint8:
		v.SetUint(' ')
	}
}

// TestAmountExact proves that amounts survive decoding and encoding digit for digit.
func TestAmountExact(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0.1", "0.1"},                    // not 0.1000000000000000055511151231257827
		{"1e-18", "0.000000000000000001"}, // exponent form becomes plain notation
		{"123456789012345678.123456789012345678", "123456789012345678.123456789012345678"}, // 36 digits
		{"800", "800"},      // an integer
		{"-12.50", "-12.5"}, // trailing zero dropped, same value
		{"0", "0"},          // zero
		{"-0", "0"},         // negative zero is zero
		{"1E+3", "1000"},    // positive exponent
		{"0.000000000000000000000000000001", "0.000000000000000000000000000001"}, // 30 fraction digits
		{"-999999999.999999999", "-999999999.999999999"},                         // 18 digits: the int64 path
		{"-9999999999.999999999", "-9999999999.999999999"},                       // 19 digits: the big.Int path
		{"9223372036854775807.1", "9223372036854775807.1"},                       // beyond int64
	}
	for _, tt := range tests {
		doc := `{"amountValue":` + tt.in + `,"amountCurrency":"BTC"}`
		var a Amount
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		out, _ := json.Marshal(a)
		want := `{"amountValue":` + tt.want + `,"amountCurrency":"BTC"}`
		if string(out) != want {
			t.Errorf("%s: got %s, want %s", tt.in, out, want)
		}
		if !a.Value.Equal(decimal.RequireFromString(tt.in)) {
			t.Errorf("%s: value %s", tt.in, a.Value)
		}
	}
}

// TestFractionDigits checks the count of significant fraction digits on which the
// currency scale rule rests, on both sides of the int64 fast path.
func TestFractionDigits(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"100", 0},                      // an integer
		{"1E+3", 0},                     // a positive exponent
		{"0.000", 0},                    // zero, however written
		{"2.0", 0},                      // a fraction of zeros only
		{"1.50", 1},                     // trailing zeros do not count
		{"-1.230", 2},                   // nor does the sign
		{"0.001", 3},                    // leading zeros do
		{"12345678.1234567890", 9},      // 18 digits: the int64 path
		{"1234567890.123456789", 9},     // 19 digits: the big.Int path
		{"1.000000000000000000000", 0},  // 22 digits, all fraction zeros
		{"1.000000000000000000001", 21}, // 22 digits, the last one counts
	}
	for _, tt := range tests {
		if got := fractionDigits(decimal.RequireFromString(tt.in)); got != tt.want {
			t.Errorf("fractionDigits(%s) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestDecimalGlobalsIgnored checks that decimal's package settings do not change the
// encoding. It does not run in parallel: it changes them and restores them.
func TestDecimalGlobalsIgnored(t *testing.T) {
	saved := decimal.MarshalJSONWithoutQuotes
	defer func() { decimal.MarshalJSONWithoutQuotes = saved }()
	decimal.MarshalJSONWithoutQuotes = !saved
	a := Amount{Value: decimal.RequireFromString("12.30"), Currency: "EUR"}
	out, _ := json.Marshal(a)
	if want := `{"amountValue":12.3,"amountCurrency":"EUR"}`; string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
}

// goTypes maps the object names of model.txt to the Go types that hold them.
var goTypes = map[string]reflect.Type{
	"UserWithRulesResult":                  reflect.TypeOf(ConsumerUser{}),
	"Business":                             reflect.TypeOf(BusinessUser{}),
	"ConsumerUserEvent":                    reflect.TypeOf(ConsumerUserEvent{}),
	"ConsumerUserEventWithRulesResult":     reflect.TypeOf(StoredEvent{}),
	"UserOptional":                         reflect.TypeOf(ConsumerUserAttributes{}),
	"ConsumerUserEventBatchRequest":        reflect.TypeOf(EventBatch{}),
	"CardDetails":                          reflect.TypeOf(CardDetails{}),
	"GenericBankAccountDetails":            reflect.TypeOf(GenericBankAccountDetails{}),
	"IbanDetails":                          reflect.TypeOf(IBANDetails{}),
	"AchDetails":                           reflect.TypeOf(ACHDetails{}),
	"SwiftDetails":                         reflect.TypeOf(SwiftDetails{}),
	"MpesaDetails":                         reflect.TypeOf(MpesaDetails{}),
	"UpiDetails":                           reflect.TypeOf(UPIDetails{}),
	"WalletDetails":                        reflect.TypeOf(WalletDetails{}),
	"CheckDetails":                         reflect.TypeOf(CheckDetails{}),
	"CashDetails":                          reflect.TypeOf(CashDetails{}),
	"NppDetails":                           reflect.TypeOf(NPPDetails{}),
	"ContactDetails":                       reflect.TypeOf(ContactDetails{}),
	"CorporateEntityDetails":               reflect.TypeOf(CorporateEntityDetails{}),
	"DeviceData":                           reflect.TypeOf(DeviceData{}),
	"EmploymentDetails":                    reflect.TypeOf(EmploymentDetails{}),
	"ExecutedRulesResult":                  reflect.TypeOf(ExecutedRulesResult{}),
	"ExpectedIncome":                       reflect.TypeOf(ExpectedIncome{}),
	"ExpectedTransactionCountries":         reflect.TypeOf(ExpectedTransactionCountries{}),
	"ExpectedTransactionCurrencies":        reflect.TypeOf(ExpectedTransactionCurrencies{}),
	"HitRulesDetails":                      reflect.TypeOf(HitRulesDetails{}),
	"KycStatusDetails":                     reflect.TypeOf(KYCStatusDetails{}),
	"LegalDocument":                        reflect.TypeOf(LegalDocument{}),
	"PepStatus":                            reflect.TypeOf(PEPStatus{}),
	"PersonAttachment":                     reflect.TypeOf(PersonAttachment{}),
	"ProductsEnabled":                      reflect.TypeOf(ProductsEnabled{}),
	"TransactionLimits":                    reflect.TypeOf(TransactionLimits{}),
	"UserDetails":                          reflect.TypeOf(UserDetails{}),
	"UserEntityLink":                       reflect.TypeOf(UserEntityLink{}),
	"UserRiskScoreDetails":                 reflect.TypeOf(UserRiskScoreDetails{}),
	"UserStateDetails":                     reflect.TypeOf(UserStateDetails{}),
	"UserTag":                              reflect.TypeOf(UserTag{}),
	"Address":                              reflect.TypeOf(Address{}),
	"Amount":                               reflect.TypeOf(Amount{}),
	"CardExpiry":                           reflect.TypeOf(CardExpiry{}),
	"CardMerchantDetails":                  reflect.TypeOf(CardMerchantDetails{}),
	"ConsumerName":                         reflect.TypeOf(ConsumerName{}),
	"PosDetails":                           reflect.TypeOf(POSDetails{}),
	"Tag":                                  reflect.TypeOf(Tag{}),
	"CorrespondentBankDetails":             reflect.TypeOf(CorrespondentBankDetails{}),
	"ExecutedLogicVars":                    reflect.TypeOf(ExecutedLogicVars{}),
	"RuleHitMeta":                          reflect.TypeOf(RuleHitMeta{}),
	"ExpectedTransactionCountry":           reflect.TypeOf(ExpectedTransactionCountry{}),
	"ExpectedTransactionCurrency":          reflect.TypeOf(ExpectedTransactionCurrency{}),
	"FileInfo":                             reflect.TypeOf(FileInfo{}),
	"TransactionLimitsPaymentMethodLimits": reflect.TypeOf(PaymentMethodLimits{}),
	"PlaceOfBirth":                         reflect.TypeOf(PlaceOfBirth{}),
	"ListContext":                          reflect.TypeOf(ListContext{}),
	"FalsePositiveDetails":                 reflect.TypeOf(FalsePositiveDetails{}),
	"SanctionsDetails":                     reflect.TypeOf(SanctionsDetails{}),
	"TransactionLimit":                     reflect.TypeOf(TransactionLimit{}),
	"ListMatchedEntity":                    reflect.TypeOf(ListMatchedEntity{}),
	"SanctionsHitContext":                  reflect.TypeOf(SanctionsHitContext{}),
	"TransactionAmountLimit":               reflect.TypeOf(TransactionAmountLimit{}),
	"TransactionCountLimit":                reflect.TypeOf(TransactionCountLimit{}),
	"ListMatchedEntityMatchedValuesItem":   reflect.TypeOf(ListMatchedValue{}),
}

// goEnums maps the enum names of model.txt to the values the library accepts.
var goEnums = map[string][]string{
	"AcquisitionChannel":         strs(AcquisitionChannelValues()),
	"ConsumerUserSegment":        strs(ConsumerUserSegmentValues()),
	"EmploymentStatus":           strs(EmploymentStatusValues()),
	"RiskLevel":                  {"VERY_HIGH", "HIGH", "MEDIUM", "LOW", "VERY_LOW"},
	"SourceOfFunds":              strs(SourceOfFundsValues()),
	"UserState":                  strs(UserStateValues()),
	"KycStatus":                  strs(KYCStatusValues()),
	"Gender":                     strs(GenderValues()),
	"MaritalStatus":              strs(MaritalStatusValues()),
	"PepRank":                    strs(PEPRankValues()),
	"RuleAction":                 strs(RuleActionValues()),
	"RuleLabels":                 strs(RuleLabelValues()),
	"RuleNature":                 strs(RuleNatureValues()),
	"RuleHitDirection":           strs(RuleHitDirectionValues()),
	"SanctionsDetailsEntityType": strs(SanctionsEntityTypeValues()),
	"SanctionsScreeningEntity":   strs(SanctionsScreeningEntityValues()),
	"CardBrand":                  strs(CardBrandValues()),
	"CardFunding":                strs(CardFundingValues()),
	"CardStatus":                 strs(CardStatusValues()),
	"CardType":                   strs(CardTypeValues()),
	"CounterpartyType":           strs(CounterpartyTypeValues()),
	"PosEntryMode":               strs(POSEntryModeValues()),
	"MpesaTransactionType":       strs(MpesaTransactionTypeValues()),
	"WalletNetwork":              strs(WalletNetworkValues()),
	"CheckDeliveryStatus":        strs(CheckDeliveryStatusValues()),
	"PaymentMethod":              strs(PaymentMethodValues()),
	"CountryCode":                strs(CountryCodes()),
	"CurrencyCode":               strs(CurrencyCodes()),
}

func strs[E ~string](v []E) []string {
	out := make([]string, len(v))
	for i, e := range v {
		out[i] = string(e)
	}
	return out
}

type modelField struct {
	Name     string
	Type     string
	Required bool
}

// parseModel reads the objects and enums of model.txt.
func parseModel(tb testing.TB) (map[string][]modelField, map[string][]string, map[string]string) {
	data := readShared(tb, "model.txt")
	objects := map[string][]modelField{}
	enums := map[string][]string{}
	unions := map[string]string{}
	fieldRE := regexp.MustCompile(`^  (\S+): (\S+(?: \S+)?) \((REQUIRED|optional)\)$`)
	enumRE := regexp.MustCompile(`^enum (\w+) \(string\): (\[.*\])$`)
	unionRE := regexp.MustCompile(`^union (\w+): (.*)$`)
	var cur string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "object "):
			cur = strings.TrimPrefix(line, "object ")
			objects[cur] = nil
		case enumRE.MatchString(line):
			m := enumRE.FindStringSubmatch(line)
			var vals []string
			if err := json.Unmarshal([]byte(m[2]), &vals); err != nil {
				tb.Fatal(err)
			}
			enums[m[1]] = vals
			cur = ""
		case unionRE.MatchString(line):
			m := unionRE.FindStringSubmatch(line)
			unions[m[1]] = m[2]
			cur = ""
		case cur != "" && fieldRE.MatchString(line):
			m := fieldRE.FindStringSubmatch(line)
			objects[cur] = append(objects[cur], modelField{m[1], m[2], m[3] == "REQUIRED"})
		}
	}
	return objects, enums, unions
}

// wireFields lists the JSON members of Go type t, through embedded structs.
func wireFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			for k, v := range wireFields(f.Type) {
				out[k] = v
			}
			continue
		}
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "-" || name == "" {
			continue
		}
		out[name] = f
	}
	return out
}

// modelExceptions are the deliberate differences from model.txt, each with its reason.
var modelExceptions = map[string]string{
	// Business-only structures are kept as the JSON they came in (see BusinessUser).
	"Business.legalEntity":       "kept as JSON",
	"Business.shareHolders":      "kept as JSON",
	"Business.directors":         "kept as JSON",
	"Business.associatedParties": "kept as JSON",
	"Business.businessPartners":  "kept as JSON",
	"Business.mccDetails":        "kept as JSON",
	// A stored business user carries its rules results (BusinessWithRulesResult).
	"Business.executedRules":    "rules results",
	"Business.hitRules":         "rules results",
	"Business.riskScoreDetails": "rules results",
	// In the User, UserOptional and Business schemas of openapi-2025-03.yml, and sent by
	// older SDKs, though the current model.txt lacks it (TestLastTransactionTimestamp).
	"UserWithRulesResult.lastTransactionTimestamp": "OpenAPI 2025-03",
	"UserOptional.lastTransactionTimestamp":        "OpenAPI 2025-03",
	"Business.lastTransactionTimestamp":            "OpenAPI 2025-03",
	// The seed document's sample response has these legacy members.
	"UserStateDetails.userId": "legacy",
	"KycStatusDetails.userId": "legacy",
}

// TestModelConformance checks every object of model.txt that the library holds: the
// same member names, the same required members, compatible JSON types; and every enum:
// the same values in the same order.
func TestModelConformance(t *testing.T) {
	objects, enums, unions := parseModel(t)
	for name, typ := range goTypes {
		fields, ok := objects[name]
		if !ok {
			t.Errorf("model.txt has no object %s", name)
			continue
		}
		got := wireFields(typ)
		for _, mf := range fields {
			if strings.HasPrefix(mf.Name, "(query") {
				continue
			}
			f, ok := got[mf.Name]
			if !ok {
				t.Errorf("%s: %s has no member %q", name, typ, mf.Name)
				continue
			}
			delete(got, mf.Name)
			required := strings.Contains(f.Tag.Get("check"), "required")
			if typ == reflect.TypeOf(ConsumerUserAttributes{}) {
				required = false
			}
			if required != mf.Required {
				t.Errorf("%s.%s: required = %v, want %v", name, mf.Name, required, mf.Required)
			}
			if want, got := jsonKind(mf.Type), goKind(f.Type); want != got && modelExceptions[name+"."+mf.Name] == "" {
				t.Errorf("%s.%s: JSON kind %s, want %s (model type %s)", name, mf.Name, got, want, mf.Type)
			}
		}
		for extra := range got {
			if modelExceptions[name+"."+extra] != "" {
				continue
			}
			t.Errorf("%s: %s has member %q that the model lacks", name, typ, extra)
		}
	}
	for name, want := range goEnums {
		if diff := cmp.Diff(enums[name], want); diff != "" {
			t.Errorf("enum %s (-model +library):\n%s", name, diff)
		}
	}
	// The payment method union: every member, under its method.
	u := unions["UserWithRulesResultSavedPaymentDetailsItem"]
	st := reflect.TypeOf(SavedPaymentDetails{})
	var members []string
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		model := ""
		for mname, gt := range goTypes {
			if gt == f.Type.Elem() {
				model = mname
			}
		}
		members = append(members, f.Tag.Get("method")+"->"+model)
	}
	sort.Strings(members)
	fromModel := strings.Fields(strings.SplitN(u, ": ", 2)[1])
	sort.Strings(fromModel)
	if diff := cmp.Diff(fromModel, members); diff != "" {
		t.Errorf("payment method union (-model +library):\n%s", diff)
	}
}

// jsonKind reduces a model type to the JSON kind the library must decode.
func jsonKind(model string) string {
	switch {
	case strings.HasPrefix(model, "[]"):
		return "array"
	case model == "string" || model == "EmailId":
		return "string"
	case model == "number" || model == "int":
		return "number"
	case model == "bool" || model == "SanctionsStatus" || model == "AdverseMediaStatus":
		return "bool"
	case model == "object(any)":
		return "any"
	}
	if _, ok := goEnums[model]; ok {
		return "string"
	}
	return "object"
}

func goKind(t reflect.Type) string {
	if strings.HasPrefix(t.Name(), "Optional[") {
		t = t.Field(0).Type
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == decimalType:
		return "number"
	case t == rawType:
		return "any"
	case t.Kind() == reflect.Slice:
		return "array"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Int:
		return "number"
	case t.Kind() == reflect.Bool:
		return "bool"
	}
	return "object"
}

// TestCloneArenaExact checks that the counting pass of a deep copy counts exactly what
// the copy puts in the arena: every slab is full, none grew.
func TestCloneArenaExact(t *testing.T) {
	u, b, e := *fullUser(), *fullBusiness(), *fullEvent()
	se := StoredEvent{ConsumerUserEvent: e, RiskScoreDetails: fullUser().RiskScoreDetails, ExecutedRules: fullUser().ExecutedRules}
	for _, v := range []interface {
		count(*cloneCounts)
		copyRefsIn(*cloneArena)
	}{&u, &b, &e, &se} {
		var n cloneCounts
		v.count(&n)
		var a cloneArena
		a.init(&n)
		v.copyRefsIn(&a)
		av := reflect.ValueOf(a)
		for i := 0; i < av.NumField(); i++ {
			if s := av.Field(i); s.Len() != s.Cap() {
				t.Errorf("%T: slab %s holds %d of %d", v, av.Type().Field(i).Name, s.Len(), s.Cap())
			}
		}
	}
}

// TestLastTransactionTimestamp checks lastTransactionTimestamp, which the OpenAPI
// document has on users and updates (and older SDKs send) though model.txt lacks it:
// consumer users, business users and updates carry it as an optional timestamp.
func TestLastTransactionTimestamp(t *testing.T) {
	ts := 1700000000000.5
	tests := []struct {
		name   string
		decode func([]byte) (any, error)
		doc    string
		want   any
	}{
		// A consumer user keeps it.
		{name: "consumer user", decode: func(b []byte) (any, error) { return DecodeConsumerUser(b) },
			doc:  `{"userId":"u1","createdTimestamp":1600000000000,"lastTransactionTimestamp":1700000000000.5}`,
			want: &ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000, LastTransactionTimestamp: &ts}},
		// A business user keeps it (the Business schema has it too).
		{name: "business user", decode: func(b []byte) (any, error) { return DecodeBusinessUser(b) },
			doc:  `{"userId":"b1","createdTimestamp":1600000000000,"legalEntity":{},"lastTransactionTimestamp":1700000000000.5}`,
			want: &BusinessUser{UserID: "b1", CreatedTimestamp: 1600000000000, LegalEntity: json.RawMessage(`{}`), LastTransactionTimestamp: &ts}},
		// An update carries it.
		{name: "update", decode: func(b []byte) (any, error) { return DecodeEvent(b) },
			doc:  attrs(`{"lastTransactionTimestamp":1700000000000.5}`),
			want: &ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", UpdatedConsumerUserAttributes: &ConsumerUserAttributes{LastTransactionTimestamp: Set(ts)}}},
	}
	for _, tt := range tests {
		got, err := tt.decode([]byte(tt.doc))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmpOpts); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		data, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, []byte(tt.doc), data)
	}

	// The OpenAPI document has it in the schemas the library follows: a property (eight
	// spaces in) of the schema (four spaces in).
	spec := string(readShared(t, "openapi-2025-03.yml"))
	has := map[string]bool{}
	schema := ""
	for _, line := range strings.Split(spec, "\n") {
		if len(line) > 4 && strings.HasPrefix(line, "    ") && line[4] != ' ' {
			schema = strings.TrimSuffix(line[4:], ":")
		}
		if line == "        lastTransactionTimestamp:" {
			has[schema] = true
		}
	}
	for _, name := range []string{"UserOptional", "User", "Business"} {
		if !has[name] {
			t.Errorf("openapi-2025-03.yml: schema %s has no lastTransactionTimestamp", name)
		}
	}
}
