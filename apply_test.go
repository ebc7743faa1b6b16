package userevents

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// baseUser is the stored consumer user most rows start from.
const baseUser = `{"userId":"u1","createdTimestamp":1600000000000,
 "userDetails":{"name":{"firstName":"Ada","lastName":"Lovelace"},"dateOfBirth":"1985-12-10","countryOfResidence":"GB"},
 "userStateDetails":{"state":"CREATED","reason":"signup"},
 "kycStatusDetails":{"status":"IN_PROGRESS","reason":"documents requested"},
 "legalDocuments":[{"documentType":"passport","documentNumber":"P1","documentIssuedCountry":"GB"},{"documentType":"id","documentNumber":"I2"}],
 "contactDetails":{"emailIds":["ada@example.com"],"addresses":[{"addressLines":["1 Main St"],"city":"London","country":"United Kingdom"}]},
 "transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":1000,"amountCurrency":"GBP"},"paymentMethodLimits":{"CARD":{"transactionCountLimit":{"day":5,"week":20}}}},
 "tags":[{"key":"a","value":"1"},{"key":"b","value":"2"}],
 "riskLevel":"LOW","externalLinks":["https://a.example"]}`

// usrWithLastTx is a stored user with a lastTransactionTimestamp.
const usrWithLastTx = `{"userId":"u1","createdTimestamp":1600000000000,"lastTransactionTimestamp":1690000000000}`

// minimalUser has only the required members.
const minimalUser = `{"userId":"u1","createdTimestamp":1600000000000}`

// baseBusiness is a stored business user with the same id.
const baseBusiness = `{"userId":"u1","createdTimestamp":1600000000000,"legalEntity":{"companyGeneralDetails":{"legalName":"ACME Ltd"}},
 "userStateDetails":{"state":"ACTIVE"},"tags":[{"key":"tier","value":"gold"}],"directors":[{"generalDetails":{"name":{"firstName":"Wile"}}}]}`

// event builds an event for u1 at 1700000000000 (2023-11-14) with the extra members.
func event(extra string) string {
	if extra == "" {
		return `{"timestamp":1700000000000,"userId":"u1"}`
	}
	return `{"timestamp":1700000000000,"userId":"u1",` + extra + `}`
}

// attrs builds an event whose updatedConsumerUserAttributes is u.
func attrs(u string) string { return event(`"updatedConsumerUserAttributes":` + u) }

type applyRow struct {
	name     string
	stored   string // the stored consumer user; baseUser when empty
	business bool   // store a business user: stored, or baseBusiness when empty
	record   Record // locks and last timestamp of the stored record
	event    string
	opts     Options
	cfg      Config
	// want is an RFC 7386 merge patch that turns the stored user into the expected user
	// ("{}" for no change); wantUser, when set, is the whole expected user instead.
	want      string
	wantUser  string
	changes   []string
	state     *Transition
	kyc       *Transition
	converted bool
	// err is the expected sentinel; errs the expected validation problems.
	err  error
	errs []fe
	// check makes extra assertions on the result.
	check func(t *testing.T, r *Result)
}

func tr(from, to string) *Transition { return &Transition{From: from, To: to} }

var (
	yes, no     = true, false
	errRefused  = errors.New("refused by policy")
	lockedLevel = `{"riskScoreDetails":{"craRiskScore":10,"craRiskLevel":"VERY_LOW","kycRiskScore":10,"kycRiskLevel":"VERY_LOW"}}`
)

// scorer returns a Config whose Scorer gives every user the same scores.
func scorer(kyc, cra float64) Config {
	return Config{Scorer: func(u *ConsumerUser) (*UserRiskScoreDetails, error) {
		kl, _ := LevelForScore(kyc)
		cl, _ := LevelForScore(cra)
		return &UserRiskScoreDetails{KYCRiskScore: &kyc, CRARiskScore: &cra, KYCRiskLevel: kl, CRARiskLevel: cl}, nil
	}}
}

func strictLifecycle() Config { return Config{Transitions: StrictLifecycle} }

// eventRiskDetails checks the riskScoreDetails of the stored event ("" for none).
func eventRiskDetails(want string) func(t *testing.T, r *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if want == "" {
			if r.Event.RiskScoreDetails != nil {
				t.Errorf("the stored event has riskScoreDetails %s, want none", r.Event.RiskScoreDetails.appendJSON(nil))
			}
			return
		}
		if r.Event.RiskScoreDetails == nil {
			t.Fatal("the stored event has no riskScoreDetails")
		}
		sameJSON(t, []byte(want), r.Event.RiskScoreDetails.appendJSON(nil))
	}
}

// fixedClock returns a clock that always says the millisecond timestamp ms.
func fixedClock(ms int64) func() time.Time { return func() time.Time { return time.UnixMilli(ms) } }

// clockAt returns a Config whose clock says ms.
func clockAt(ms int64) Config { return Config{Clock: fixedClock(ms)} }

// withState returns baseUser in the given state and KYC status.
func withState(state, kyc string) string {
	return mustMergePatch(baseUser, fmt.Sprintf(`{"userStateDetails":{"state":%q,"reason":"old"},"kycStatusDetails":{"status":%q,"reason":"old"}}`, state, kyc))
}

var applyRows = []applyRow{
	// ---- Merge: absent, objects, arrays, null.
	{name: "absent members keep the stored values", event: attrs(`{"occupation":"engineer"}`),
		want: `{"occupation":"engineer"}`, changes: []string{"occupation"}},
	{name: "deep merge three levels down", event: attrs(`{"userDetails":{"name":{"firstName":"Ada","middleName":"King"}}}`),
		want: `{"userDetails":{"name":{"middleName":"King"}}}`, changes: []string{"userDetails.name.middleName"}},
	{name: "deep merge five levels down", event: attrs(`{"transactionLimits":{"paymentMethodLimits":{"CARD":{"transactionCountLimit":{"month":60}}}}}`),
		want:    `{"transactionLimits":{"paymentMethodLimits":{"CARD":{"transactionCountLimit":{"month":60}}}}}`,
		changes: []string{"transactionLimits.paymentMethodLimits.CARD.transactionCountLimit.month"}},
	{name: "an amount in an update has both members", event: attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":2000}}}`),
		errs: []fe{{"updatedConsumerUserAttributes.transactionLimits.maximumDailyTransactionLimit.amountCurrency", CodeRequired}}},
	{name: "an amount's changed member is the change", event: attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":2000,"amountCurrency":"GBP"}}}`),
		want: `{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":2000}}}`, changes: []string{"transactionLimits.maximumDailyTransactionLimit.amountValue"}},
	{name: "an object is created where there was none", event: attrs(`{"employmentDetails":{"employerName":"ACME"}}`),
		want: `{"employmentDetails":{"employerName":"ACME"}}`, changes: []string{"employmentDetails.employerName"}},
	{name: "an empty object is created where there was none", event: attrs(`{"employmentDetails":{}}`),
		want: `{"employmentDetails":{}}`, changes: []string{"employmentDetails"}},
	{name: "an array is replaced by a shorter one", event: attrs(`{"legalDocuments":[{"documentType":"passport","documentNumber":"P9"}]}`),
		want: `{"legalDocuments":[{"documentType":"passport","documentNumber":"P9"}]}`, changes: []string{"legalDocuments"}},
	{name: "an array is emptied with []", event: attrs(`{"legalDocuments":[]}`),
		want: `{"legalDocuments":[]}`, changes: []string{"legalDocuments"}},
	{name: "an array inside a merged object is replaced, its siblings kept", event: attrs(`{"contactDetails":{"emailIds":["ada@example.org","ada@example.net"]}}`),
		want: `{"contactDetails":{"emailIds":["ada@example.org","ada@example.net"]}}`, changes: []string{"contactDetails.emailIds"}},
	{name: "an equal array is no change", event: attrs(`{"legalDocuments":[{"documentType":"passport","documentNumber":"P1","documentIssuedCountry":"GB"},{"documentType":"id","documentNumber":"I2"}]}`),
		want: `{}`},
	{name: "a member is removed with null", event: attrs(`{"riskLevel":null}`),
		want: `{"riskLevel":null}`, changes: []string{"riskLevel"}},
	{name: "an object is removed with null", event: attrs(`{"contactDetails":null}`),
		want: `{"contactDetails":null}`, changes: []string{"contactDetails"}},
	{name: "a nested member is removed with null", event: attrs(`{"userDetails":{"dateOfBirth":null}}`),
		want: `{"userDetails":{"dateOfBirth":null}}`, changes: []string{"userDetails.dateOfBirth"}},
	{name: "an array is removed with null", event: attrs(`{"legalDocuments":null}`),
		want: `{"legalDocuments":null}`, changes: []string{"legalDocuments"}},
	{name: "an array equal but for how a decimal is written is no change (1.50 is 1.5)",
		stored: `{"userId":"u1","createdTimestamp":1600000000000,"savedPaymentDetails":[{"method":"CARD","cardBalance":{"amountValue":1.50,"amountCurrency":"EUR"}}]}`,
		event:  attrs(`{"savedPaymentDetails":[{"method":"CARD","cardBalance":{"amountValue":1.5,"amountCurrency":"EUR"}}]}`), want: `{}`},
	{name: "null on an absent member is no change", event: attrs(`{"occupation":null}`),
		want: `{}`},
	{name: "the same value is no change", event: attrs(`{"riskLevel":"LOW","userDetails":{"name":{"firstName":"Ada"}}}`),
		want: `{}`},
	{name: "null on userStateDetails.state is refused", event: attrs(`{"userStateDetails":{"state":null}}`),
		errs: []fe{{"updatedConsumerUserAttributes.userStateDetails.state", CodeRequired}}},
	{name: "null on name.firstName is refused", event: attrs(`{"userDetails":{"name":{"firstName":null}}}`),
		errs: []fe{{"updatedConsumerUserAttributes.userDetails.name.firstName", CodeRequired}}},
	{name: "a new userStateDetails needs a state", stored: minimalUser, event: attrs(`{"userStateDetails":{"reason":"why"}}`),
		errs: []fe{{"updatedConsumerUserAttributes.userStateDetails.state", CodeRequired}}},
	{name: "a new name needs a firstName", stored: minimalUser, event: attrs(`{"userDetails":{"name":{"lastName":"Byron"}}}`),
		errs: []fe{{"updatedConsumerUserAttributes.userDetails.name.firstName", CodeRequired}}},
	{name: "a new amount needs a currency", stored: minimalUser, event: attrs(`{"expectedIncome":{"dailyExpectedIncome":{"amountValue":5}}}`),
		errs: []fe{{"updatedConsumerUserAttributes.expectedIncome.dailyExpectedIncome.amountCurrency", CodeRequired}}},
	{name: "a new amount needs a value", stored: minimalUser, event: attrs(`{"expectedIncome":{"dailyExpectedIncome":{"amountCurrency":"EUR"}}}`),
		errs: []fe{{"updatedConsumerUserAttributes.expectedIncome.dailyExpectedIncome.amountValue", CodeRequired}}},
	{name: "an amount keeps to its currency's scale", event: attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":10.555,"amountCurrency":"GBP"}}}`),
		errs: []fe{{"updatedConsumerUserAttributes.transactionLimits.maximumDailyTransactionLimit.amountValue", CodeInvalidFormat}}},
	{name: "a limit is not negative", event: attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":-5,"amountCurrency":"GBP"}}}`),
		errs: []fe{{"updatedConsumerUserAttributes.transactionLimits.maximumDailyTransactionLimit.amountValue", CodeOutOfRange}}},
	{name: "a new currency for the same value", event: attrs(`{"transactionLimits":{"maximumDailyTransactionLimit":{"amountValue":1000,"amountCurrency":"JPY"}}}`),
		want: `{"transactionLimits":{"maximumDailyTransactionLimit":{"amountCurrency":"JPY"}}}`, changes: []string{"transactionLimits.maximumDailyTransactionLimit.amountCurrency"}},
	{name: "string arrays are replaced", event: attrs(`{"userDetails":{"alias":["Ada King"]},"reasonForAccountOpening":["savings"]}`),
		want: `{"userDetails":{"alias":["Ada King"]},"reasonForAccountOpening":["savings"]}`, changes: []string{"reasonForAccountOpening", "userDetails.alias"}},
	{name: "saved payment details are replaced", event: attrs(`{"savedPaymentDetails":[{"method":"IBAN","IBAN":"DE89370400440532013000","BIC":"COBADEFFXXX"}]}`),
		want: `{"savedPaymentDetails":[{"method":"IBAN","IBAN":"DE89370400440532013000","BIC":"COBADEFFXXX"}]}`, changes: []string{"savedPaymentDetails"}},
	{name: "device data is merged", stored: mustMergePatch(baseUser, `{"metaData":{"ipAddress":"10.0.0.1","vpnUsed":false}}`), event: attrs(`{"metaData":{"vpnUsed":true,"batteryLevel":0.5}}`),
		want: `{"metaData":{"vpnUsed":true,"batteryLevel":0.5}}`, changes: []string{"metaData.batteryLevel", "metaData.vpnUsed"}},
	{name: "several members, changes sorted", event: attrs(`{"riskLevel":"HIGH","occupation":"poet","userDetails":{"countryOfResidence":"IT","gender":"F"}}`),
		want:    `{"riskLevel":"HIGH","occupation":"poet","userDetails":{"countryOfResidence":"IT","gender":"F"}}`,
		changes: []string{"occupation", "riskLevel", "userDetails.countryOfResidence", "userDetails.gender"}},

	// ---- lastTransactionTimestamp (OpenAPI 2025-03, older SDKs) is an attribute.
	{name: "lastTransactionTimestamp is set", event: attrs(`{"lastTransactionTimestamp":1700000000000.5}`),
		want: `{"lastTransactionTimestamp":1700000000000.5}`, changes: []string{"lastTransactionTimestamp"}},
	{name: "lastTransactionTimestamp null removes it", stored: usrWithLastTx, event: attrs(`{"lastTransactionTimestamp":null}`),
		want: `{"lastTransactionTimestamp":null}`, changes: []string{"lastTransactionTimestamp"}},
	// ---- Tags merge by key.
	{name: "tags [a:1,b:2] with [b:3,c:4] give [a:1,b:3,c:4]", event: attrs(`{"tags":[{"key":"b","value":"3"},{"key":"c","value":"4"}]}`),
		want: `{"tags":[{"key":"a","value":"1"},{"key":"b","value":"3"},{"key":"c","value":"4"}]}`, changes: []string{"tags"}},
	{name: "a re-sent tag moves to the end", event: attrs(`{"tags":[{"key":"a","value":"1"}]}`),
		want: `{"tags":[{"key":"b","value":"2"},{"key":"a","value":"1"}]}`, changes: []string{"tags"}},
	// A key twice in one update leaves one tag, the last: the update's tags apply one
	// by one, each dropping the tag of its key and following the rest.
	{name: "tags [a:1,b:2] with [c:3,c:4] give [a:1,b:2,c:4]", event: attrs(`{"tags":[{"key":"c","value":"3"},{"key":"c","value":"4"}]}`),
		want: `{"tags":[{"key":"a","value":"1"},{"key":"b","value":"2"},{"key":"c","value":"4"}]}`, changes: []string{"tags"}},
	// The last occurrence's value, at the last occurrence's place among the update's tags.
	{name: "tags [a:1,b:2] with [a:9,b:3,a:8] give [b:3,a:8]", event: attrs(`{"tags":[{"key":"a","value":"9"},{"key":"b","value":"3"},{"key":"a","value":"8"}]}`),
		want: `{"tags":[{"key":"b","value":"3"},{"key":"a","value":"8"}]}`, changes: []string{"tags"}},
	// With no stored tags, duplicates within the update still collapse.
	{name: "tags [k:1,k:2] on a user without tags give [k:2]", stored: minimalUser, event: attrs(`{"tags":[{"key":"k","value":"1"},{"key":"k","value":"2","isEditable":true}]}`),
		want: `{"tags":[{"key":"k","value":"2","isEditable":true}]}`, changes: []string{"tags"}},
	{name: "tags [] changes nothing", event: attrs(`{"tags":[]}`),
		want: `{}`},
	{name: "tags null removes every tag", event: attrs(`{"tags":null}`),
		want: `{"tags":null}`, changes: []string{"tags"}},
	{name: "tags on a user without tags", stored: minimalUser, event: attrs(`{"tags":[{"key":"k","value":"v","isEditable":true}]}`),
		want: `{"tags":[{"key":"k","value":"v","isEditable":true}]}`, changes: []string{"tags"}},
	{name: "tags inside documents are replaced, not merged", event: attrs(`{"contactDetails":{"tags":[{"key":"z","value":"9"}]}}`),
		want: `{"contactDetails":{"tags":[{"key":"z","value":"9"}]}}`, changes: []string{"contactDetails.tags"}},

	// ---- Names under Strict are NFC.
	{name: "a decomposed name is stored as NFC", event: attrs(`{"userDetails":{"name":{"firstName":"Ame\u0301lie"}}}`),
		want: `{"userDetails":{"name":{"firstName":"Am\u00e9lie"}}}`, changes: []string{"userDetails.name.firstName"}},
	{name: "Compatible keeps a decomposed name", cfg: Config{Level: Compatible}, event: attrs(`{"userDetails":{"name":{"firstName":"Ame\u0301lie"}}}`),
		want: `{"userDetails":{"name":{"firstName":"Ame\u0301lie"}}}`, changes: []string{"userDetails.name.firstName"}},
	{name: "names inside arrays are NFC too", event: attrs(`{"legalDocuments":[{"documentType":"id","documentNumber":"N1","nameOnDocument":{"firstName":"Zoe\u0308"}}],"userDetails":{"alias":["Noe\u0308l"]}}`),
		want: `{"legalDocuments":[{"documentType":"id","documentNumber":"N1","nameOnDocument":{"firstName":"Zo\u00eb"}}],"userDetails":{"alias":["No\u00ebl"]}}`, changes: []string{"legalDocuments", "userDetails.alias"}},
	{name: "an NFC-equal name is no change", stored: mustMergePatch(baseUser, `{"userDetails":{"name":{"firstName":"Am\u00e9lie"}}}`), event: attrs(`{"userDetails":{"name":{"firstName":"Ame\u0301lie"}}}`),
		want: `{}`},

	// ---- State and KYC status.
	{name: "a state change with its own reason", event: event(`"reason":"event reason","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE","reason":"docs ok"}}`),
		want: `{"userStateDetails":{"state":"ACTIVE","reason":"docs ok"}}`, changes: []string{"userStateDetails.reason", "userStateDetails.state"}, state: tr("CREATED", "ACTIVE")},
	{name: "a state change takes the event's reason", event: event(`"reason":"analyst review","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}`),
		want: `{"userStateDetails":{"state":"ACTIVE","reason":"analyst review"}}`, changes: []string{"userStateDetails.reason", "userStateDetails.state"}, state: tr("CREATED", "ACTIVE")},
	{name: "a state change without any reason drops the stale one", event: attrs(`{"userStateDetails":{"state":"ACTIVE"}}`),
		want: `{"userStateDetails":{"state":"ACTIVE","reason":null}}`, changes: []string{"userStateDetails.reason", "userStateDetails.state"}, state: tr("CREATED", "ACTIVE")},
	{name: "a state change with reason null ignores the event's reason", event: event(`"reason":"analyst review","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE","reason":null}}`),
		want: `{"userStateDetails":{"state":"ACTIVE","reason":null}}`, changes: []string{"userStateDetails.reason", "userStateDetails.state"}, state: tr("CREATED", "ACTIVE")},
	{name: "a new reason without a state change", event: attrs(`{"userStateDetails":{"state":"CREATED","reason":"kept as created"}}`),
		want: `{"userStateDetails":{"reason":"kept as created"}}`, changes: []string{"userStateDetails.reason"}},
	{name: "the same state keeps its reason", event: event(`"reason":"ignored","updatedConsumerUserAttributes":{"userStateDetails":{"state":"CREATED"}}`),
		want: `{}`},
	{name: "a first state", stored: minimalUser, event: event(`"reason":"onboarded","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"}}`),
		want: `{"userStateDetails":{"state":"ACTIVE","reason":"onboarded"}}`, changes: []string{"userStateDetails.reason", "userStateDetails.state"}, state: tr("", "ACTIVE")},
	{name: "removing the state is a change to nothing", event: attrs(`{"userStateDetails":null}`),
		want: `{"userStateDetails":null}`, changes: []string{"userStateDetails"}, state: tr("CREATED", "")},
	{name: "a KYC change takes the event's reason", event: event(`"reason":"passport verified","updatedConsumerUserAttributes":{"kycStatusDetails":{"status":"SUCCESSFUL"}}`),
		want: `{"kycStatusDetails":{"status":"SUCCESSFUL","reason":"passport verified"}}`, changes: []string{"kycStatusDetails.reason", "kycStatusDetails.status"}, kyc: tr("IN_PROGRESS", "SUCCESSFUL")},
	{name: "a KYC change without any reason drops the stale one", event: attrs(`{"kycStatusDetails":{"status":"FAILED"}}`),
		want: `{"kycStatusDetails":{"status":"FAILED","reason":null}}`, changes: []string{"kycStatusDetails.reason", "kycStatusDetails.status"}, kyc: tr("IN_PROGRESS", "FAILED")},
	{name: "a first KYC status", stored: minimalUser, event: attrs(`{"kycStatusDetails":{"status":"NEW","reason":"opened"}}`),
		want: `{"kycStatusDetails":{"status":"NEW","reason":"opened"}}`, changes: []string{"kycStatusDetails.reason", "kycStatusDetails.status"}, kyc: tr("", "NEW")},
	{name: "state and KYC change together", event: event(`"reason":"review done","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"},"kycStatusDetails":{"status":"SUCCESSFUL","reason":"manual check"}}`),
		want:    `{"userStateDetails":{"state":"ACTIVE","reason":"review done"},"kycStatusDetails":{"status":"SUCCESSFUL","reason":"manual check"}}`,
		changes: []string{"kycStatusDetails.reason", "kycStatusDetails.status", "userStateDetails.reason", "userStateDetails.state"}, state: tr("CREATED", "ACTIVE"), kyc: tr("IN_PROGRESS", "SUCCESSFUL")},

	// ---- The strict lifecycle: each refusal, and what it allows.
	{name: "strict: TERMINATED is final", stored: withState("TERMINATED", "SUCCESSFUL"), cfg: strictLifecycle(), event: attrs(`{"userStateDetails":{"state":"ACTIVE"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: CREATED only at the start", stored: withState("ACTIVE", "SUCCESSFUL"), cfg: strictLifecycle(), event: attrs(`{"userStateDetails":{"state":"CREATED"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: UNACCEPTABLE only to TERMINATED", stored: withState("UNACCEPTABLE", "FAILED"), cfg: strictLifecycle(), event: attrs(`{"userStateDetails":{"state":"ACTIVE"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: CREATED cannot be DORMANT", cfg: strictLifecycle(), event: attrs(`{"userStateDetails":{"state":"DORMANT"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: BLOCKED cannot be DORMANT", stored: withState("BLOCKED", "SUCCESSFUL"), cfg: strictLifecycle(), event: attrs(`{"userStateDetails":{"state":"DORMANT"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: the state cannot be removed", cfg: strictLifecycle(), event: attrs(`{"userStateDetails":null}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: KYC SUCCESSFUL cannot go back to IN_PROGRESS", stored: withState("ACTIVE", "SUCCESSFUL"), cfg: strictLifecycle(), event: attrs(`{"kycStatusDetails":{"status":"IN_PROGRESS"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: KYC EXPIRED needs a new check", stored: withState("ACTIVE", "EXPIRED"), cfg: strictLifecycle(), event: attrs(`{"kycStatusDetails":{"status":"SUCCESSFUL"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: KYC NOT_STARTED cannot succeed", stored: withState("ACTIVE", "NOT_STARTED"), cfg: strictLifecycle(), event: attrs(`{"kycStatusDetails":{"status":"SUCCESSFUL"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: KYC NEW cannot fail", stored: withState("ACTIVE", "NEW"), cfg: strictLifecycle(), event: attrs(`{"kycStatusDetails":{"status":"FAILED"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: a refused KYC change keeps the state change out too", cfg: strictLifecycle(), event: attrs(`{"userStateDetails":{"state":"ACTIVE"},"kycStatusDetails":{"status":"NEW"}}`),
		err: ErrTransitionNotAllowed},
	{name: "strict: CREATED to ACTIVE", cfg: strictLifecycle(), event: attrs(`{"userStateDetails":{"state":"ACTIVE","reason":"ok"}}`),
		want: `{"userStateDetails":{"state":"ACTIVE","reason":"ok"}}`, changes: []string{"userStateDetails.reason", "userStateDetails.state"}, state: tr("CREATED", "ACTIVE")},
	{name: "strict: KYC SUCCESSFUL to EXPIRED", stored: withState("ACTIVE", "SUCCESSFUL"), cfg: strictLifecycle(), event: attrs(`{"kycStatusDetails":{"status":"EXPIRED","reason":"passport expired"}}`),
		want: `{"kycStatusDetails":{"status":"EXPIRED","reason":"passport expired"}}`, changes: []string{"kycStatusDetails.reason", "kycStatusDetails.status"}, kyc: tr("SUCCESSFUL", "EXPIRED")},
	{name: "strict: any first state, CREATED included", stored: minimalUser, cfg: strictLifecycle(), event: attrs(`{"userStateDetails":{"state":"CREATED"}}`),
		want: `{"userStateDetails":{"state":"CREATED"}}`, changes: []string{"userStateDetails.state"}, state: tr("", "CREATED")},
	{name: "default: every change is allowed, TERMINATED to ACTIVE included", stored: withState("TERMINATED", "SUCCESSFUL"), event: attrs(`{"userStateDetails":{"state":"ACTIVE"}}`),
		want: `{"userStateDetails":{"state":"ACTIVE","reason":null}}`, changes: []string{"userStateDetails.reason", "userStateDetails.state"}, state: tr("TERMINATED", "ACTIVE")},
	{name: "a custom rule's error is wrapped", cfg: Config{Transitions: func(string, Transition) error { return errRefused }}, event: attrs(`{"userStateDetails":{"state":"ACTIVE"}}`),
		err: errRefused},

	// ---- Type conversion.
	{name: "a business user without the flag is refused", business: true, event: attrs(`{"occupation":"x"}`),
		err: ErrUserTypeMismatch},
	// The business user was ACTIVE and stays so: no transition, so no reason; the
	// changes are judged against the business record.
	{name: "a business user with the flag is converted", business: true, opts: Options{AllowUserTypeConversion: true},
		event:    event(`"reason":"now a person","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"},"userDetails":{"name":{"firstName":"Wile"}}}`),
		wantUser: `{"userId":"u1","createdTimestamp":1600000000000,"userStateDetails":{"state":"ACTIVE"},"userDetails":{"name":{"firstName":"Wile"}}}`,
		changes:  []string{"directors", "legalEntity", "tags", "userDetails.name.firstName"}, converted: true,
		check: func(t *testing.T, r *Result) {
			if r.Previous.Business == nil {
				t.Fatal("the previous business record is lost")
			}
			sameJSON(t, []byte(baseBusiness), r.Previous.Business.appendJSON(nil))
		}},
	// The conversion drops the business user's state: a transition from ACTIVE, and
	// every dropped member is a change.
	{name: "a conversion without attributes keeps id and creation time", business: true, opts: Options{AllowUserTypeConversion: true}, event: event(""),
		wantUser: minimalUser, converted: true, state: tr("ACTIVE", ""), changes: []string{"directors", "legalEntity", "tags", "userStateDetails"}},
	// The business user's state and KYC status are the From of the transitions.
	{name: "a conversion changes state and KYC status from the business record's", business: true, opts: Options{AllowUserTypeConversion: true},
		stored:   `{"userId":"u1","createdTimestamp":1600000000000,"legalEntity":{},"userStateDetails":{"state":"BLOCKED","reason":"fraud"},"kycStatusDetails":{"status":"FAILED"},"riskLevel":"HIGH"}`,
		event:    event(`"reason":"cleared","updatedConsumerUserAttributes":{"userStateDetails":{"state":"ACTIVE"},"kycStatusDetails":{"status":"IN_PROGRESS"}}`),
		wantUser: `{"userId":"u1","createdTimestamp":1600000000000,"userStateDetails":{"state":"ACTIVE","reason":"cleared"},"kycStatusDetails":{"status":"IN_PROGRESS","reason":"cleared"}}`,
		changes:  []string{"kycStatusDetails.reason", "kycStatusDetails.status", "legalEntity", "riskLevel", "userStateDetails.reason", "userStateDetails.state"},
		state:    tr("BLOCKED", "ACTIVE"), kyc: tr("FAILED", "IN_PROGRESS"), converted: true},
	// A conversion keeps the record's locks, and a locked level keeps the business
	// record's value and score under the Scorer (it was wiped with the rest of the
	// business user, under a lock that then kept it empty).
	{name: "a conversion keeps a locked level under the Scorer", business: true, opts: Options{AllowUserTypeConversion: true},
		record: Record{CRARiskLevelLocked: true}, cfg: scorer(85, 30),
		stored:    `{"userId":"u1","createdTimestamp":1600000000000,"legalEntity":{},"riskScoreDetails":{"craRiskLevel":"VERY_HIGH","craRiskScore":90}}`,
		event:     event(""),
		wantUser:  `{"userId":"u1","createdTimestamp":1600000000000,"riskScoreDetails":{"kycRiskScore":85,"craRiskScore":90,"kycRiskLevel":"VERY_HIGH","craRiskLevel":"VERY_HIGH"}}`,
		changes:   []string{"legalEntity", "riskScoreDetails.kycRiskLevel", "riskScoreDetails.kycRiskScore"},
		converted: true, check: func(t *testing.T, r *Result) {
			if !r.Record.CRARiskLevelLocked {
				t.Error("the lock was dropped")
			}
		}},
	// StrictLifecycle is asked about a converted user too: nothing leaves TERMINATED.
	{name: "strict: a conversion does not reopen a TERMINATED business user", business: true, opts: Options{AllowUserTypeConversion: true}, cfg: strictLifecycle(),
		stored: `{"userId":"u1","createdTimestamp":1600000000000,"legalEntity":{},"userStateDetails":{"state":"TERMINATED"}}`,
		event:  attrs(`{"userStateDetails":{"state":"ACTIVE"}}`), err: ErrTransitionNotAllowed},
	// StrictLifecycle: a conversion that drops the state removes it, which is refused.
	{name: "strict: a conversion may not drop the business user's state", business: true, opts: Options{AllowUserTypeConversion: true}, cfg: strictLifecycle(),
		event: event(""), err: ErrTransitionNotAllowed},
	{name: "the flag on a consumer user changes nothing", opts: Options{AllowUserTypeConversion: true}, event: event(""),
		want: `{}`},

	// ---- Existence.
	{name: "no stored user", stored: "-", event: attrs(`{"occupation":"x"}`),
		err: ErrUserNotFound},
	{name: "the record of another user", stored: `{"userId":"u2","createdTimestamp":1600000000000}`, event: event(""),
		errs: []fe{{"userId", CodeInconsistent}}},

	// ---- Risk levels, locks and the scorer.
	{name: "a lock flag alone is a valid event", opts: Options{LockKYCRiskLevel: &yes}, event: event(""),
		want: `{}`, check: locks(true, false)},
	{name: "a lock is kept across a later event", record: Record{KYCRiskLevelLocked: true, CRARiskLevelLocked: true}, event: attrs(`{"occupation":"x"}`),
		want: `{"occupation":"x"}`, changes: []string{"occupation"}, check: locks(true, true)},
	{name: "a lock is cleared with false", record: Record{KYCRiskLevelLocked: true, CRARiskLevelLocked: true}, opts: Options{LockCRARiskLevel: &no}, event: event(""),
		want: `{}`, check: locks(true, false)},
	{name: "the manual risk level applies under a lock", record: Record{CRARiskLevelLocked: true}, event: attrs(`{"riskLevel":"VERY_HIGH","kycRiskLevel":"HIGH"}`),
		want: `{"riskLevel":"VERY_HIGH","kycRiskLevel":"HIGH"}`, changes: []string{"kycRiskLevel", "riskLevel"}, check: locks(false, true)},
	// The stored event carries the user's riskScoreDetails, as Flagright's
	// ConsumerUserEventWithRulesResult does.
	{name: "the scorer sets riskScoreDetails", cfg: scorer(85, 30), event: event(""),
		want:    `{"riskScoreDetails":{"kycRiskScore":85,"craRiskScore":30,"kycRiskLevel":"VERY_HIGH","craRiskLevel":"LOW"}}`,
		changes: []string{"riskScoreDetails.craRiskLevel", "riskScoreDetails.craRiskScore", "riskScoreDetails.kycRiskLevel", "riskScoreDetails.kycRiskScore"}, check: eventRiskDetails(`{"kycRiskScore":85,"craRiskScore":30,"kycRiskLevel":"VERY_HIGH","craRiskLevel":"LOW"}`)},
	// A locked level keeps its score with it: score and level never contradict.
	{name: "the scorer cannot change a locked CRA level", stored: mustMergePatch(baseUser, lockedLevel), record: Record{CRARiskLevelLocked: true}, cfg: scorer(85, 90), event: event(""),
		want:    `{"riskScoreDetails":{"kycRiskScore":85,"craRiskScore":10,"kycRiskLevel":"VERY_HIGH","craRiskLevel":"VERY_LOW"}}`,
		changes: []string{"riskScoreDetails.kycRiskLevel", "riskScoreDetails.kycRiskScore"}, check: eventRiskDetails(`{"kycRiskScore":85,"craRiskScore":10,"kycRiskLevel":"VERY_HIGH","craRiskLevel":"VERY_LOW"}`)},
	{name: "the scorer cannot change a level locked by the same event", stored: mustMergePatch(baseUser, lockedLevel), opts: Options{LockKYCRiskLevel: &yes}, cfg: scorer(85, 90), event: event(""),
		want:    `{"riskScoreDetails":{"kycRiskScore":10,"craRiskScore":90,"kycRiskLevel":"VERY_LOW","craRiskLevel":"VERY_HIGH"}}`,
		changes: []string{"riskScoreDetails.craRiskLevel", "riskScoreDetails.craRiskScore"}, check: func(t *testing.T, r *Result) {
			locks(true, false)(t, r)
			eventRiskDetails(`{"kycRiskScore":10,"craRiskScore":90,"kycRiskLevel":"VERY_LOW","craRiskLevel":"VERY_HIGH"}`)(t, r)
		}},
	// A locked level with no stored score keeps having none.
	{name: "a lock on a user without scores keeps the level scoreless", record: Record{KYCRiskLevelLocked: true}, cfg: scorer(85, 90), event: event(""),
		want:    `{"riskScoreDetails":{"craRiskScore":90,"craRiskLevel":"VERY_HIGH"}}`,
		changes: []string{"riskScoreDetails.craRiskLevel", "riskScoreDetails.craRiskScore"}},
	// A scorer giving empty scores to a user that had none: the object is the change.
	{name: "empty scores where there were none", cfg: Config{Scorer: func(*ConsumerUser) (*UserRiskScoreDetails, error) { return &UserRiskScoreDetails{}, nil }},
		event: event(""), want: `{"riskScoreDetails":{}}`, changes: []string{"riskScoreDetails"}},
	// Without a scorer, the stored event has no riskScoreDetails.
	{name: "no scorer, no riskScoreDetails on the event", event: event(""), want: `{}`, check: eventRiskDetails("")},
	{name: "a scorer giving the same scores is no change", stored: mustMergePatch(baseUser, lockedLevel), cfg: scorer(10, 10), event: event(""),
		want: `{}`},
	{name: "a scorer error fails the event", cfg: Config{Scorer: func(*ConsumerUser) (*UserRiskScoreDetails, error) { return nil, errRefused }}, event: event(""),
		err: errRefused},
	{name: "a scorer score out of range fails the event", cfg: scorer(150, 10), event: event(""),
		errs: []fe{{"riskScoreDetails.kycRiskScore", CodeOutOfRange}}},

	// ---- Re-keying.
	{name: "a re-key", stored: mustMergePatch(baseUser, `{"userStateDetails":{"userId":"u1"}}`), opts: Options{ChangeUserID: true}, event: event(`"newUserId":"u9"`),
		want: `{"userId":"u9","userStateDetails":{"userId":"u9"}}`, changes: []string{"userId"}},
	{name: "a re-key refused by CanChangeUserID", opts: Options{ChangeUserID: true}, event: event(`"newUserId":"u9"`),
		cfg:  Config{CanChangeUserID: func(*ConsumerUser, string) error { return errRefused }},
		errs: []fe{{"newUserId", CodeNotAllowed}}, err: errRefused},
	{name: "Compatible ignores newUserId without the flag", cfg: Config{Level: Compatible}, event: event(`"newUserId":"u9"`),
		want: `{}`},
	{name: "Strict refuses newUserId without the flag", event: event(`"newUserId":"u9"`),
		errs: []fe{{"newUserId", CodeNotAllowed}}},

	// ---- External links.
	{name: "links are appended without duplicates, in order", event: event(`"externalLinks":["https://b.example","https://a.example","https://b.example","https://c.example"]`),
		want: `{"externalLinks":["https://a.example","https://b.example","https://c.example"]}`, changes: []string{"externalLinks"}},
	{name: "many links (a set of them): duplicates and stored ones once, in order", event: event(`"externalLinks":["https://1","https://2","https://a.example","https://3","https://1","https://4","https://5","https://6","https://7","https://2"]`),
		want:    `{"externalLinks":["https://a.example","https://1","https://2","https://3","https://4","https://5","https://6","https://7"]}`,
		changes: []string{"externalLinks"}},
	{name: "links on a user without links", stored: minimalUser, event: event(`"externalLinks":["https://a.example"]`),
		want: `{"externalLinks":["https://a.example"]}`, changes: []string{"externalLinks"}},
	{name: "links already there are no change", event: event(`"externalLinks":["https://a.example"]`),
		want: `{}`},
	{name: "links follow the attributes' links", event: event(`"externalLinks":["https://c.example"],"updatedConsumerUserAttributes":{"externalLinks":["https://b.example"]}`),
		want: `{"externalLinks":["https://b.example","https://c.example"]}`, changes: []string{"externalLinks"}},

	// ---- Order of events.
	{name: "an older event applies in arrival order", record: Record{LastEventTimestamp: 1800000000000}, event: attrs(`{"occupation":"x"}`),
		want: `{"occupation":"x"}`, changes: []string{"occupation"}, check: lastEvent(1800000000000)},
	{name: "RejectStale refuses an older event", record: Record{LastEventTimestamp: 1800000000000}, cfg: Config{StaleEvents: RejectStale}, event: attrs(`{"occupation":"x"}`),
		err: ErrStaleEvent},
	{name: "RejectStale accepts an equal timestamp", record: Record{LastEventTimestamp: 1700000000000}, cfg: Config{StaleEvents: RejectStale}, event: event(""),
		want: `{}`, check: lastEvent(1700000000000)},
	{name: "a newer event moves the newest timestamp", record: Record{LastEventTimestamp: 1600000000000}, event: event(""),
		want: `{}`, check: lastEvent(1700000000000)},

	// ---- Timestamps ahead of the clock (events are at 1700000000000).
	// 25 hours ahead of the clock, beyond the default skew of 24 hours: refused.
	{name: "strict: an event more than a day ahead of the clock", cfg: clockAt(1700000000000 - 25*3600000), event: attrs(`{"occupation":"x"}`),
		errs: []fe{{"timestamp", CodeOutOfRange}}},
	// The clock problem joins the event's other problems.
	{name: "strict: a future event with another problem", cfg: clockAt(1700000000000 - 25*3600000), event: attrs(`{"riskLevel":"EXTREME"}`),
		errs: []fe{{"timestamp", CodeOutOfRange}, {"updatedConsumerUserAttributes.riskLevel", CodeInvalidEnum}}},
	// 23 hours ahead: within the skew.
	{name: "strict: an event less than a day ahead of the clock", cfg: clockAt(1700000000000 - 23*3600000), event: event(""),
		want: `{}`},
	// A configured skew of one hour.
	{name: "strict: FutureSkew bounds the skew", cfg: Config{Clock: fixedClock(1700000000000 - 2*3600000), FutureSkew: time.Hour}, event: event(""),
		errs: []fe{{"timestamp", CodeOutOfRange}}},
	// A negative skew turns the check off.
	{name: "strict: a negative FutureSkew accepts any future", cfg: Config{Clock: fixedClock(1000000000000), FutureSkew: -1}, event: event(""),
		want: `{}`},
	// Compatible accepts what Flagright does.
	{name: "compatible: a future event is accepted", cfg: Config{Level: Compatible, Clock: fixedClock(1000000000000)}, event: event(""),
		want: `{}`},

	// ---- Invalid events change nothing.
	{name: "an invalid enum", event: attrs(`{"riskLevel":"EXTREME"}`),
		errs: []fe{{"updatedConsumerUserAttributes.riskLevel", CodeInvalidEnum}}},
	{name: "a date of birth after the event", event: attrs(`{"userDetails":{"dateOfBirth":"2024-01-01"}}`),
		errs: []fe{{"updatedConsumerUserAttributes.userDetails.dateOfBirth", CodeOutOfRange}}},
	{name: "a legacy userId of another user", event: attrs(`{"kycStatusDetails":{"userId":"u2"}}`),
		errs: []fe{{"updatedConsumerUserAttributes.kycStatusDetails.userId", CodeInconsistent}}},
}

func locks(kyc, cra bool) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if r.Record.KYCRiskLevelLocked != kyc || r.Record.CRARiskLevelLocked != cra {
			t.Errorf("locks KYC %v CRA %v, want %v %v", r.Record.KYCRiskLevelLocked, r.Record.CRARiskLevelLocked, kyc, cra)
		}
	}
}

func lastEvent(ts float64) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if r.Record.LastEventTimestamp != ts {
			t.Errorf("LastEventTimestamp %.0f, want %.0f", r.Record.LastEventTimestamp, ts)
		}
	}
}

// storedRecord builds the stored record of a row.
func (tt applyRow) storedRecord(t *testing.T) Record {
	t.Helper()
	rec := tt.record
	rec.Version = 7
	switch {
	case tt.business:
		doc := baseBusiness
		if tt.stored != "" {
			doc = tt.stored
		}
		b, err := DecodeBusinessUser([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		rec.Business = b
	case tt.stored == "-":
		rec.Version = 0
	default:
		doc := tt.stored
		if doc == "" {
			doc = baseUser
		}
		u, err := DecodeConsumerUser([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Validate(Strict); err != nil {
			t.Fatalf("stored user invalid: %v", err)
		}
		rec.Consumer = u
	}
	return rec
}

// encodeRecord gives the bytes of a record, to check that Apply leaves it alone.
func encodeRecord(r Record) []byte {
	b := []byte(fmt.Sprintf("%d %v %v %v|", r.Version, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp))
	if r.Consumer != nil {
		b = r.Consumer.appendJSON(b)
	}
	if r.Business != nil {
		b = r.Business.appendJSON(b)
	}
	return b
}

func TestApply(t *testing.T) {
	if len(applyRows) < 80 {
		t.Fatalf("only %d rows", len(applyRows))
	}
	for _, tt := range applyRows {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.storedRecord(t)
			// Decoding checks the presence of required members; its problems count as
			// Apply's (the Processor sees them first).
			e, err := DecodeEvent([]byte(tt.event))
			var r *Result
			if err == nil {
				recBefore, evBefore := encodeRecord(rec), e.appendJSON(nil)
				r, err = Apply(rec, e, tt.opts, tt.cfg)
				if !bytes.Equal(recBefore, encodeRecord(rec)) || !bytes.Equal(evBefore, e.appendJSON(nil)) {
					t.Fatal("Apply changed its inputs")
				}
			}
			if tt.err != nil || tt.errs != nil {
				if r != nil {
					t.Errorf("got a result with error %v", err)
				}
				if tt.err != nil && !errors.Is(err, tt.err) {
					t.Errorf("got %v, want %v", err, tt.err)
				}
				if tt.errs != nil {
					if diff := cmp.Diff(tt.errs, problemsOf(t, err)); diff != "" {
						t.Errorf("problems (-want +got):\n%s", diff)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := tt.wantUser
			if want == "" {
				want = mustMergePatch(string(rec.Consumer.appendJSON(nil)), tt.want)
			}
			sameJSON(t, []byte(want), r.User.appendJSON(nil))
			if err := r.User.Validate(tt.cfg.Level); err != nil {
				t.Errorf("the result is invalid: %v", err)
			}
			if diff := cmp.Diff(tt.changes, r.Changes); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.state, r.StateTransition); diff != "" {
				t.Errorf("state transition (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.kyc, r.KYCTransition); diff != "" {
				t.Errorf("KYC transition (-want +got):\n%s", diff)
			}
			if r.Converted != tt.converted || r.Duplicate {
				t.Errorf("converted %v duplicate %v, want %v false", r.Converted, r.Duplicate, tt.converted)
			}
			if r.Record.Version != rec.Version+1 || r.Record.Consumer != r.User || r.Event.Version != r.Record.Version {
				t.Errorf("record version %d (event %d), want %d", r.Record.Version, r.Event.Version, rec.Version+1)
			}
			if !sameEvent(r.Event, e, tt.opts) || r.Event.Version != r.Record.Version || r.Event.HistoryID != r.Record.HistoryID {
				t.Error("the stored event is not the event applied")
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// mustMergePatch applies the RFC 7386 merge patch to the JSON document doc: the test's
// oracle for what a merge gives (except for tags, which rows spell out).
func mustMergePatch(doc, patch string) string {
	var d, p any
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		panic(err)
	}
	if err := json.Unmarshal([]byte(patch), &p); err != nil {
		panic(err)
	}
	out, err := json.Marshal(mergePatch(d, p))
	if err != nil {
		panic(err)
	}
	return string(out)
}

func mergePatch(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
			continue
		}
		d[k] = mergePatch(d[k], v)
	}
	return d
}

// TestApplyCostIndependentOfUser checks that Apply allocates nothing proportional to the
// stored user: each event costs the same allocations and bytes against a minimal user as
// against one with every field set, a hundred legal documents and 5,000 external links.
// It counts allocations (deterministic), it does not time anything.
func TestApplyCostIndependentOfUser(t *testing.T) {
	const link = "https://example.com/case/1"
	fat := fullUser()
	fat.UserID = "u1"
	fat.UserStateDetails.UserID, fat.KYCStatusDetails.UserID = nil, nil
	for i := 0; i < 100; i++ {
		fat.LegalDocuments = append(fat.LegalDocuments, fat.LegalDocuments[0])
	}
	for i := len(fat.ExternalLinks); i < 5000; i++ {
		fat.ExternalLinks = append(fat.ExternalLinks, "https://example.com/link/"+strconv.Itoa(i))
	}
	fat.ExternalLinks = append(fat.ExternalLinks, link)
	minimal := &ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000, ExternalLinks: []string{link}}
	if size := len(fat.appendJSON(nil)); size < 200000 {
		t.Fatalf("the fat user is only %d bytes", size)
	}
	cost := func(u *ConsumerUser, ev *ConsumerUserEvent) (allocs, bytes float64) {
		// A record as the Processor creates it, its next snapshot far off: the cost
		// of a snapshot (a copy of the record's size, once per that many bytes of
		// events) is measured by the history's memory test.
		rec := Record{Consumer: u, Version: 1, SnapshotDue: 1 << 40}
		return costPerRun(100, func() {
			if _, err := Apply(rec, ev, Options{}, Config{}); err != nil {
				t.Fatal(err)
			}
		})
	}
	tests := []struct {
		name  string
		event string
	}{
		// One field: the minimal user gets a new userStateDetails, the fat one has one
		// to copy.
		{"state change", attrs(`{"userStateDetails":{"state":"BLOCKED"}}`)},
		// An event's externalLinks, already stored: looked for in the stored list,
		// which is not copied or indexed.
		{"external link already stored", event(`"externalLinks":["` + link + `"]`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := DecodeEvent([]byte(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			minAllocs, minBytes := cost(minimal, ev)
			fatAllocs, fatBytes := cost(fat, ev)
			// Allow the difference of one object of any model type.
			if fatAllocs > minAllocs+2 || fatBytes > minBytes+1024 {
				t.Errorf("on a %d-byte user: %.0f allocations, %.0f bytes; on a minimal user: %.0f, %.0f",
					len(fat.appendJSON(nil)), fatAllocs, fatBytes, minAllocs, minBytes)
			}
		})
	}
}

// TestStrictBoundsGrowingLists: under Strict an event may not take the user's tags or
// externalLinks (the lists that grow event by event) past the decoder's array limit;
// Compatible lets them grow, and what is already past the limit may stay.
func TestStrictBoundsGrowingLists(t *testing.T) {
	limit := DefaultLimits().MaxArrayLength
	tags := func(prefix string, n int) []UserTag {
		t := make([]UserTag, n)
		for i := range t {
			t[i] = UserTag{Key: prefix + strconv.Itoa(i), Value: "v"}
		}
		return t
	}
	links := func(prefix string, n int) []string {
		l := make([]string, n)
		for i := range l {
			l[i] = prefix + strconv.Itoa(i)
		}
		return l
	}
	tests := []struct {
		name   string
		level  Level
		stored *ConsumerUser
		ev     *ConsumerUserEvent
		fields []FieldError // nil: applied
	}{
		// Two events of 6,000 tags: the second would make 12,000.
		{"tags past the limit", Strict, &ConsumerUser{Tags: tags("a", 6000)},
			&ConsumerUserEvent{UpdatedConsumerUserAttributes: &ConsumerUserAttributes{Tags: Set(tags("b", 6000))}},
			[]FieldError{{Path: "updatedConsumerUserAttributes.tags", Code: CodeTooLarge}}},
		// Compatible is Flagright's schema, which has no such bound.
		{"tags past the limit at Compatible", Compatible, &ConsumerUser{Tags: tags("a", 6000)},
			&ConsumerUserEvent{UpdatedConsumerUserAttributes: &ConsumerUserAttributes{Tags: Set(tags("b", 6000))}}, nil},
		// Exactly the limit is allowed.
		{"tags up to the limit", Strict, &ConsumerUser{Tags: tags("a", limit-1)},
			&ConsumerUserEvent{UpdatedConsumerUserAttributes: &ConsumerUserAttributes{Tags: Set(tags("b", 1))}}, nil},
		// A user already past the limit may change a tag (by key) without growing.
		{"a user already past the limit, not growing", Strict, &ConsumerUser{Tags: tags("a", limit+500)},
			&ConsumerUserEvent{UpdatedConsumerUserAttributes: &ConsumerUserAttributes{Tags: Set(tags("a", 1))}}, nil},
		// ... but not grow.
		{"a user already past the limit, growing", Strict, &ConsumerUser{Tags: tags("a", limit+500)},
			&ConsumerUserEvent{UpdatedConsumerUserAttributes: &ConsumerUserAttributes{Tags: Set(tags("b", 1))}},
			[]FieldError{{Path: "updatedConsumerUserAttributes.tags", Code: CodeTooLarge}}},
		// The event's links are appended to the user's.
		{"links past the limit", Strict, &ConsumerUser{ExternalLinks: links("a", limit-1)},
			&ConsumerUserEvent{ExternalLinks: links("b", 2)},
			[]FieldError{{Path: "externalLinks", Code: CodeTooLarge}}},
		// Links given in the update replace the user's whole (the decoder bounds them;
		// values built in Go may be longer).
		{"links of the update past the limit", Strict, &ConsumerUser{},
			&ConsumerUserEvent{UpdatedConsumerUserAttributes: &ConsumerUserAttributes{ExternalLinks: Set(links("a", limit+1))}},
			[]FieldError{{Path: "updatedConsumerUserAttributes.externalLinks", Code: CodeTooLarge}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.stored.UserID, tt.stored.CreatedTimestamp = "u1", 1600000000000
			tt.ev.UserID, tt.ev.Timestamp, tt.ev.EventID = "u1", 1700000000000, "e1"
			r, err := Apply(Record{Consumer: tt.stored, Version: 1}, tt.ev, Options{}, Config{Level: tt.level})
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("got %v, want it applied", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || r != nil {
				t.Fatalf("got %v, %v, want a *ValidationError and no result", r, err)
			}
			if diff := cmp.Diff(tt.fields, ve.Fields, cmpopts.IgnoreFields(FieldError{}, "Message")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnchangedMembersAllocateNothing: an event that sends again what the user holds
// (pointer members: device data, names, a jurisdiction) costs no more allocations than
// one that sends the same objects empty: the merge allocates a member only when it
// writes one (and the check of a name in ASCII allocates nothing).
func TestUnchangedMembersAllocateNothing(t *testing.T) {
	attrs := `{"metaData":{"batteryLevel":0.5,"deviceLatitude":52.5,"deviceLongitude":13.4,"ipAddress":"10.0.0.1"},` +
		`"userDetails":{"name":{"firstName":"Ada","middleName":"B","lastName":"Lovelace"}},"jurisdiction":"DE"}`
	user, err := DecodeConsumerUser([]byte(`{"userId":"u1","createdTimestamp":1700000000000,` + attrs[1:]))
	if err != nil {
		t.Fatal(err)
	}
	current := Record{Consumer: user, Version: 1}
	event := func(attrs string) *ConsumerUserEvent {
		ev, err := DecodeEvent([]byte(`{"timestamp":1700000001000,"userId":"u1","eventId":"e1","updatedConsumerUserAttributes":` + attrs + `}`))
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	same, empty := event(attrs), event(`{"metaData":{},"userDetails":{"name":{"firstName":"Ada"}}}`)
	if res, err := Apply(current, same, Options{}, Config{}); err != nil || len(res.Changes) != 0 || res.User != user {
		t.Fatalf("the event changes the user: %v, changes %q", err, res.Changes)
	}
	cost := func(ev *ConsumerUserEvent) float64 {
		allocs, _ := costPerRun(100, func() { _, _ = Apply(current, ev, Options{}, Config{}) })
		return allocs
	}
	if got, want := cost(same), cost(empty); got > want {
		t.Errorf("Apply of an event sending what the user holds: %v allocations, an empty event %v", got, want)
	}
}

// TestScorerAllocations: the Scorer's scores cost the event a few allocations (the
// scores, the user's copy, their validation, the changed paths), not a walk that builds
// and parses paths: at most 10 more than the same event without a Scorer, the Scorer's
// own two included (20 more before).
func TestScorerAllocations(t *testing.T) {
	u := fullUser()
	rec := Record{Consumer: u, Version: 1}
	ev := &ConsumerUserEvent{Timestamp: 1700000000000, UserID: u.UserID}
	n := 0
	scored := Config{Scorer: func(*ConsumerUser) (*UserRiskScoreDetails, error) {
		n++
		k := float64(n % 100) // a new score each time: a change
		return &UserRiskScoreDetails{KYCRiskScore: &k, KYCRiskLevel: RiskLevelLow}, nil
	}}
	cost := func(cfg Config) float64 {
		return testing.AllocsPerRun(100, func() {
			if _, err := Apply(rec, ev, Options{}, cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
	if plain, withScorer := cost(Config{}), cost(scored); withScorer > plain+10 {
		t.Errorf("Apply with a Scorer: %.0f allocations, without: %.0f; want at most 10 more", withScorer, plain)
	}
}
