package userevents_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/compliancekit/userevents"
	"github.com/compliancekit/userevents/memstore"
)

// Decoding and validating an event: every problem comes with its path and code.
func ExampleDecodeEvent() {
	ev, err := userevents.DecodeEvent([]byte(`{
		"timestamp": 1700000000000,
		"userId": "u1",
		"updatedConsumerUserAttributes": {
			"userDetails": {"dateOfBirth": "1991-02-30", "countryOfResidence": "XX"},
			"legalDocuments": [{"documentType": "passport", "documentNumber": "X1", "documentIssuedCountry": "Atlantis"}]
		}
	}`))
	if err != nil {
		panic(err)
	}
	err = ev.Validate(userevents.Strict)
	var ve *userevents.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f.Path, f.Code)
		}
	}
	// Output:
	// updatedConsumerUserAttributes.userDetails.dateOfBirth invalid_format
	// updatedConsumerUserAttributes.userDetails.countryOfResidence invalid_enum
	// updatedConsumerUserAttributes.legalDocuments[0].documentIssuedCountry invalid_enum
}

// Strict decoding refuses what encoding/json would accept silently.
func ExampleDecodeEvent_strict() {
	_, err := userevents.DecodeEvent([]byte(`{"timestamp": 1700000000000, "userId": "u1", "UserID": "u2", "userId": "u3"}`))
	var ve *userevents.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f.Path, f.Code)
		}
	}
	// Output:
	// UserID unknown_field
	// userId duplicate_field
}

// Apply is pure: it takes the stored record and returns the outcome, changing nothing.
func ExampleApply() {
	user, _ := userevents.DecodeConsumerUser([]byte(`{"userId": "u1", "createdTimestamp": 1600000000000,
		"userStateDetails": {"state": "CREATED", "reason": "signup"},
		"tags": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]}`))
	ev, _ := userevents.DecodeEvent([]byte(`{"timestamp": 1700000000000, "userId": "u1", "reason": "KYC passed",
		"updatedConsumerUserAttributes": {"userStateDetails": {"state": "ACTIVE"}, "tags": [{"key": "b", "value": "3"}]}}`))
	r, err := userevents.Apply(userevents.Record{Consumer: user, Version: 1}, ev, userevents.Options{}, userevents.Config{})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Changes)
	fmt.Println(r.StateTransition.From, "->", r.StateTransition.To, "because", *r.User.UserStateDetails.Reason)
	for _, t := range r.User.Tags {
		fmt.Printf("%s=%s;", t.Key, t.Value)
	}
	fmt.Println()
	fmt.Println(r.User) // fmt prints users redacted: no string but the id
	// Output:
	// [tags userStateDetails.reason userStateDetails.state]
	// CREATED -> ACTIVE because KYC passed
	// a=1;b=3;
	// ConsumerUser{userId: "u1", createdTimestamp: 1600000000000, userStateDetails: UserStateDetails{reason: [redacted], state: ACTIVE}, tags: [UserTag{key: [redacted], value: [redacted]} UserTag{key: [redacted], value: [redacted]}]}
}

// A Processor over a Store: apply, replay, and read the stored event back.
func ExampleProcessor_Apply() {
	ctx := context.Background()
	p := userevents.NewProcessor(memstore.New(), userevents.Config{})
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		panic(err)
	}
	ev := &userevents.ConsumerUserEvent{
		Timestamp: 1700000000000, UserID: "u1", EventID: "ev-1",
		UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
			KYCStatusDetails: userevents.Set(&userevents.KYCStatusDetailsUpdate{Status: userevents.Set(userevents.KYCStatusSuccessful)}),
		},
	}
	r, _ := p.Apply(ctx, ev, userevents.Options{})
	fmt.Println(r.Changes, r.Record.Version, r.Duplicate)
	again, _ := p.Apply(ctx, ev, userevents.Options{})
	fmt.Println(again.Changes, again.Record.Version, again.Duplicate)
	_, err := p.Apply(ctx, &userevents.ConsumerUserEvent{Timestamp: 1700000000000, UserID: "u1", EventID: "ev-1"}, userevents.Options{})
	fmt.Println(errors.Is(err, userevents.ErrEventIDConflict), userevents.HTTPStatus(err))
	// Output:
	// [kycStatusDetails.status] 2 false
	// [kycStatusDetails.status] 2 true
	// true 409
}

// The query flags of POST /events/consumer/user.
func ExampleParseOptions() {
	q, _ := url.ParseQuery("allowUserTypeConversion=true&lockCraRiskLevel=false")
	o, err := userevents.ParseOptions(q)
	fmt.Println(o.AllowUserTypeConversion, *o.LockCRARiskLevel, o.LockKYCRiskLevel == nil, err)
	_, err = userevents.ParseOptions(url.Values{"allowUserTypeConversion": {"yes"}})
	fmt.Println(userevents.HTTPStatus(err), err)
	// Output:
	// true false true <nil>
	// 400 userevents: invalid input: allowUserTypeConversion: must be "true" or "false" (invalid_enum)
}

func ExampleLevelForScore() {
	for _, s := range []float64{0, 19.99, 20, 59.5, 80, 100} {
		l, _ := userevents.LevelForScore(s)
		fmt.Println(s, l)
	}
	// Output:
	// 0 VERY_LOW
	// 19.99 VERY_LOW
	// 20 LOW
	// 59.5 MEDIUM
	// 80 VERY_HIGH
	// 100 VERY_HIGH
}

// A user's history: what the record was at a version, or as of a time, and the events
// that changed it.
func ExampleProcessor_UserAt() {
	ctx := context.Background()
	p := userevents.NewProcessor(memstore.New(), userevents.Config{})
	// Created on 1 March 2024, then KYC in progress on 2 March and successful on 5 March.
	march := func(day int) float64 { return 1709251200000 + float64(day-1)*86400000 }
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "ada", CreatedTimestamp: march(1)}); err != nil {
		panic(err)
	}
	for i, status := range []userevents.KYCStatus{userevents.KYCStatusInProgress, userevents.KYCStatusSuccessful} {
		ev := &userevents.ConsumerUserEvent{Timestamp: march(2 + 3*i), UserID: "ada", EventID: fmt.Sprintf("kyc-%d", i+1),
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
				KYCStatusDetails: userevents.Set(&userevents.KYCStatusDetailsUpdate{Status: userevents.Set(status)})}}
		if _, err := p.Apply(ctx, ev, userevents.Options{}); err != nil {
			panic(err)
		}
	}

	v2, _ := p.UserAt(ctx, "ada", 2)
	fmt.Println("version 2:", v2.Consumer.KYCStatusDetails.Status)
	asOf, _ := p.UserAsOf(ctx, "ada", march(3))
	fmt.Println("as of 3 March: version", asOf.Version, asOf.Consumer.KYCStatusDetails.Status)
	_, err := p.UserAsOf(ctx, "ada", march(1)-1)
	fmt.Println("before its creation:", errors.Is(err, userevents.ErrUserNotFound))
	for e, err := range p.History(ctx, "ada") {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: version %d, %v, KYC %q -> %q\n", e.EventID, e.Version, e.Changes, e.KYCTransition.From, e.KYCTransition.To)
	}
	// Output:
	// version 2: IN_PROGRESS
	// as of 3 March: version 2 IN_PROGRESS
	// before its creation: true
	// kyc-1: version 2, [kycStatusDetails.status], KYC "" -> "IN_PROGRESS"
	// kyc-2: version 3, [kycStatusDetails.status], KYC "IN_PROGRESS" -> "SUCCESSFUL"
}

// A batch as POST /batch/events/consumer/user receives it: a record that fails to decode
// fails alone, in its place; the others apply, in input order.
func ExampleProcessor_ApplyEventBatch() {
	ctx := context.Background()
	p := userevents.NewProcessor(memstore.New(), userevents.Config{})
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		panic(err)
	}
	batch, err := userevents.DecodeEventBatch([]byte(`{"batchId": "b1", "data": [
		{"timestamp": 1700000000000, "userId": "u1", "eventId": "e1", "updatedConsumerUserAttributes": {"userStateDetails": {"state": "ACTIVE"}}},
		{"timestamp": 1700000001000, "userId": "u1", "eventId": "e2", "colour": "blue"},
		{"timestamp": 1700000002000, "userId": "nobody", "eventId": "e3"}
	]}`))
	if err != nil {
		panic(err) // only a batch that is not JSON, or breaks a limit of its own
	}
	r, err := p.ApplyEventBatch(ctx, batch, userevents.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.BatchID, r.Status, r.Successful, r.Failed)
	for _, f := range r.FailedRecords {
		fmt.Println(f.ID, f.ReasonCode)
	}
	// Output:
	// b1 PARTIAL_FAILURE 1 2
	// e2 INVALID_EVENT
	// e3 ID_NOT_FOUND
}

// Under TimestampOrder a late event takes effect at its place in time: the KYC
// IN_PROGRESS of 10:00 that arrives after the SUCCESSFUL of 10:05 is in the history, and
// the user stays SUCCESSFUL.
func ExampleConfig_timestampOrder() {
	ctx := context.Background()
	p := userevents.NewProcessor(memstore.New(), userevents.Config{Order: userevents.TimestampOrder})
	if err := p.CreateConsumerUser(ctx, &userevents.ConsumerUser{UserID: "u1", CreatedTimestamp: 1600000000000}); err != nil {
		panic(err)
	}
	kyc := func(id string, ts float64, status userevents.KYCStatus) *userevents.ConsumerUserEvent {
		return &userevents.ConsumerUserEvent{Timestamp: ts, UserID: "u1", EventID: id,
			UpdatedConsumerUserAttributes: &userevents.ConsumerUserAttributes{
				KYCStatusDetails: userevents.Set(&userevents.KYCStatusDetailsUpdate{Status: userevents.Set(status)})}}
	}
	const ten = 1700042400000 // 2023-11-15 10:00 UTC
	for _, ev := range []*userevents.ConsumerUserEvent{
		kyc("done", ten+5*60000, userevents.KYCStatusSuccessful),
		kyc("started", ten, userevents.KYCStatusInProgress), // arrives late
	} {
		r, err := p.Apply(ctx, ev, userevents.Options{})
		if err != nil {
			panic(err)
		}
		fmt.Println(ev.EventID, "version", r.Record.Version, "changes", r.Changes, "went before", r.Replayed)
	}
	now, _ := p.User(ctx, "u1")
	fmt.Println("now:", now.Consumer.KYCStatusDetails.Status)
	at1002, _ := p.UserAsOf(ctx, "u1", ten+2*60000)
	fmt.Println("as of 10:02:", at1002.Consumer.KYCStatusDetails.Status)
	// Output:
	// done version 2 changes [kycStatusDetails.status] went before []
	// started version 3 changes [] went before [done]
	// now: SUCCESSFUL
	// as of 10:02: IN_PROGRESS
}
