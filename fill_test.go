package userevents

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/shopspring/decimal"
)

// This file builds model values with every field set, valid under Strict, so that tests
// exercise the generated code of every type: fullUser, fullEvent, fullBusiness.

// enumSample is a valid value of each enum type.
var enumSample = map[reflect.Type]string{
	reflect.TypeOf(AcquisitionChannel("")):       string(AcquisitionChannelOrganic),
	reflect.TypeOf(ConsumerUserSegment("")):      string(ConsumerUserSegmentRetail),
	reflect.TypeOf(EmploymentStatus("")):         string(EmploymentStatusEmployed),
	reflect.TypeOf(SourceOfFunds("")):            string(SourceOfFundsSalary),
	reflect.TypeOf(UserState("")):                string(UserStateActive),
	reflect.TypeOf(KYCStatus("")):                string(KYCStatusSuccessful),
	reflect.TypeOf(Gender("")):                   string(GenderF),
	reflect.TypeOf(MaritalStatus("")):            string(MaritalStatusMarried),
	reflect.TypeOf(PEPRank("")):                  string(PEPRankLevel1),
	reflect.TypeOf(RuleAction("")):               string(RuleActionFlag),
	reflect.TypeOf(RuleLabel("")):                string(RuleLabelScam),
	reflect.TypeOf(RuleNature("")):               string(RuleNatureAml),
	reflect.TypeOf(RuleHitDirection("")):         string(RuleHitDirectionOrigin),
	reflect.TypeOf(SanctionsEntityType("")):      string(SanctionsEntityTypeConsumerName),
	reflect.TypeOf(SanctionsScreeningEntity("")): string(SanctionsScreeningEntityUser),
	reflect.TypeOf(CardBrand("")):                string(CardBrandVisa),
	reflect.TypeOf(CardFunding("")):              string(CardFundingDebit),
	reflect.TypeOf(CardStatus("")):               string(CardStatusActive),
	reflect.TypeOf(CardType("")):                 string(CardTypePhysical),
	reflect.TypeOf(CounterpartyType("")):         string(CounterpartyTypeIndividual),
	reflect.TypeOf(POSEntryMode("")):             string(POSEntryMode5),
	reflect.TypeOf(MpesaTransactionType("")):     string(MpesaTransactionTypeSalaryPayment),
	reflect.TypeOf(WalletNetwork("")):            string(WalletNetworkEthereum),
	reflect.TypeOf(CheckDeliveryStatus("")):      string(CheckDeliveryStatusPending),
	reflect.TypeOf(PaymentMethod("")):            string(PaymentMethodIban),
	reflect.TypeOf(RiskLevel("")):                string(RiskLevelLow),
	reflect.TypeOf(CountryCode("")):              "DE",
	reflect.TypeOf(CurrencyCode("")):             "EUR",
}

var (
	decimalType  = reflect.TypeOf(decimal.Decimal{})
	rawType      = reflect.TypeOf(json.RawMessage(nil))
	unionType    = reflect.TypeOf(SavedPaymentDetails{})
	optionalName = "Optional["
)

// filler sets every field of a value, choosing values that the field's check tag
// accepts; n varies the strings so that different fields differ.
type filler struct {
	n      int
	canary bool // fill every string but ids with a canary: "CANARY" and a number
}

func (f *filler) str(tag string) string {
	f.n++
	switch {
	case f.canary && !strings.Contains(tag, "id"):
		return "CANARY" + itoa(f.n)
	case strings.Contains(tag, "email"):
		return "person" + itoa(f.n) + "@example.com"
	case strings.Contains(tag, "dob"):
		return "1990-04-1" + itoa(f.n%10)
	case strings.Contains(tag, "min4"):
		return "4242"
	}
	return "value-" + itoa(f.n)
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }

func (f *filler) num(tag string) float64 {
	f.n++
	switch {
	case strings.Contains(tag, "ts"):
		return 1600000000000 + float64(f.n)*1000
	case strings.Contains(tag, "score"):
		return 42.5
	}
	return float64(f.n) + 0.25
}

// fill sets every field of the struct v points to.
func (f *filler) fill(v reflect.Value) {
	t := v.Type()
	if t == unionType {
		panic("fill a union through fillSlice")
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Tag.Get("json") == "-" {
			continue
		}
		f.fillValue(v.Field(i), sf.Tag.Get("check"))
	}
}

func (f *filler) fillValue(fv reflect.Value, tag string) {
	ft := fv.Type()
	switch {
	case ft == decimalType:
		fv.Set(reflect.ValueOf(decimal.RequireFromString("1234.5")))
		return
	case ft == rawType:
		fv.Set(reflect.ValueOf(json.RawMessage(`{"list":[1,"two",{"three":null}],"ok":true}`)))
		return
	case strings.HasPrefix(ft.Name(), optionalName):
		f.fillOptional(fv, tag)
		return
	}
	if s, ok := enumSample[ft]; ok {
		fv.SetString(s)
		return
	}
	switch ft.Kind() {
	case reflect.String:
		fv.SetString(f.str(tag))
	case reflect.Float64:
		fv.SetFloat(f.num(tag))
	case reflect.Int:
		f.n++
		fv.SetInt(int64(1 + f.n%12))
	case reflect.Bool:
		fv.SetBool(true)
	case reflect.Pointer:
		p := reflect.New(ft.Elem())
		f.fillValue(p.Elem(), tag)
		fv.Set(p)
	case reflect.Struct:
		f.fill(fv)
	case reflect.Slice:
		f.fillSlice(fv, tag)
	default:
		panic("cannot fill " + ft.String())
	}
}

func (f *filler) fillSlice(fv reflect.Value, tag string) {
	et := fv.Type().Elem()
	if et == unionType {
		// One element per payment method.
		n := et.NumField()
		s := reflect.MakeSlice(fv.Type(), n, n)
		for i := 0; i < n; i++ {
			p := reflect.New(et.Field(i).Type.Elem())
			f.fill(p.Elem())
			s.Index(i).Field(i).Set(p)
		}
		fv.Set(s)
		return
	}
	s := reflect.MakeSlice(fv.Type(), 2, 2)
	for i := 0; i < 2; i++ {
		f.fillValue(s.Index(i), tag)
	}
	fv.Set(s)
}

// fillOptional sets an Optional field of an update type to a filled value.
func (f *filler) fillOptional(fv reflect.Value, tag string) {
	set := fv.Addr().Interface()
	inner := reflect.New(fv.Field(0).Type()).Elem()
	if inner.Kind() == reflect.Pointer {
		p := reflect.New(inner.Type().Elem())
		if strings.HasPrefix(p.Elem().Type().Name(), optionalName) || p.Elem().Kind() == reflect.Struct {
			f.fill(p.Elem())
		}
		inner.Set(p)
	} else {
		f.fillValue(inner, tag)
	}
	setOptional(set, inner)
}

// setOptional sets the Optional that o points to to the value v, through reflection on
// its unexported fields (the test is in the package).
func setOptional(o any, v reflect.Value) {
	ov := reflect.ValueOf(o).Elem()
	reflect.NewAt(ov.Field(0).Type(), ov.Field(0).Addr().UnsafePointer()).Elem().Set(v)
	state := ov.Field(1)
	reflect.NewAt(state.Type(), state.Addr().UnsafePointer()).Elem().SetUint(uint64(optionalSet))
}

// fullUser returns a consumer user with every field set, valid under Strict.
func fullUser() *ConsumerUser { return filledUser[ConsumerUser]("user-full") }

// fullBusiness returns a business user with every field set.
func fullBusiness() *BusinessUser { return filledUser[BusinessUser]("business-full") }

// filledUser returns a user of either type with every field set, and id as its id and
// the legacy id of its state and KYC status details (fields both types have, reached by
// name).
func filledUser[T ConsumerUser | BusinessUser](id string) *T {
	u := new(T)
	v := reflect.ValueOf(u).Elem()
	(&filler{}).fill(v)
	v.FieldByName("UserID").SetString(id)
	v.FieldByName("CreatedTimestamp").SetFloat(1600000000000)
	for _, details := range []string{"UserStateDetails", "KYCStatusDetails"} {
		v.FieldByName(details).Elem().FieldByName("UserID").Set(reflect.ValueOf(Ptr(id)))
	}
	return u
}

// fullEvent returns an event for user-full with every field and every attribute set,
// valid under Strict with ChangeUserID.
func fullEvent() *ConsumerUserEvent {
	e := new(ConsumerUserEvent)
	(&filler{n: 1000}).fill(reflect.ValueOf(e).Elem())
	e.UserID = "user-full"
	e.NewUserID = "user-full-2"
	e.Timestamp = 1700000000000
	a := e.UpdatedConsumerUserAttributes
	s, _ := a.UserStateDetails.Get()
	s.UserID = Set(e.UserID)
	k, _ := a.KYCStatusDetails.Get()
	k.UserID = Set(e.UserID)
	return e
}
