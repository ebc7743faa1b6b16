// Package pgstore is a userevents.Store on PostgreSQL, through pgx (pgxpool). It passes
// the storetest conformance suite; see README.md for its design.
//
//	pool, err := pgxpool.New(ctx, dsn)
//	if err := pgstore.Migrate(ctx, pool); err != nil { ... }
//	p := userevents.NewProcessor(pgstore.New(pool), userevents.Config{})
package pgstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/compliancekit/userevents"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Schema is the SQL that Migrate runs: idempotent, in the current search_path.
//
//go:embed schema.sql
var Schema string

// Migrate creates the tables and index of the store if they do not exist, and turns the
// jsonb documents of tables made by an earlier schema into json (see README.md).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, Schema)
	return err
}

// Store is a userevents.Store on PostgreSQL. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a Store on pool, whose tables Migrate has created.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

var _ userevents.Store = (*Store)(nil)

// Reads decode without limits (userevents.Unlimited): the limits protect against
// hostile input, and the store reads back only what it was given, which may exceed them
// (a user grows event by event; values built in Go never met the decoder). A read must
// never fail on a limit that the write did not enforce.

const (
	typeConsumer = "CONSUMER"
	typeBusiness = "BUSINESS"
)

// LoadUser returns the record of userID, or userevents.ErrUserNotFound.
func (s *Store) LoadUser(ctx context.Context, userID string) (userevents.Record, error) {
	var (
		rec      userevents.Record
		userType string
		doc      []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT version, user_type, kyc_risk_level_locked, cra_risk_level_locked, last_event_timestamp, doc
		FROM userevents_users WHERE user_id = $1`, userID).
		Scan(&rec.Version, &userType, &rec.KYCRiskLevelLocked, &rec.CRARiskLevelLocked, &rec.LastEventTimestamp, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return userevents.Record{}, userevents.ErrUserNotFound
	}
	if err != nil {
		return userevents.Record{}, fmt.Errorf("pgstore: load user: %w", err)
	}
	rec.Consumer, rec.Business, err = decodeUser(userType, doc)
	if err != nil {
		return userevents.Record{}, fmt.Errorf("%w: pgstore: user %q: %w", userevents.ErrStoredData, userID, err)
	}
	return rec, nil
}

// LoadEvent returns the event stored under eventID, or userevents.ErrEventNotFound.
func (s *Store) LoadEvent(ctx context.Context, eventID string) (*userevents.StoredEvent, error) {
	var event, outcome []byte
	err := s.pool.QueryRow(ctx, `SELECT event, outcome FROM userevents_events WHERE event_id = $1`, eventID).Scan(&event, &outcome)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, userevents.ErrEventNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: load event: %w", err)
	}
	e, err := userevents.DecodeStoredEvent(event, userevents.Unlimited())
	if err != nil {
		return nil, fmt.Errorf("%w: pgstore: event %q: %w", userevents.ErrStoredData, eventID, err)
	}
	if err := decodeOutcome(outcome, e); err != nil {
		return nil, fmt.Errorf("%w: pgstore: outcome of event %q: %w", userevents.ErrStoredData, eventID, err)
	}
	return e, nil
}

// Commit stores c in one transaction: a conditional update on the version (an insert for
// version 0; a delete and an insert for a re-key), then the event insert, guarded by the
// primary keys. Unique violations become ErrUserExists and ErrEventIDConflict, and an
// update of no row ErrVersionConflict.
func (s *Store) Commit(ctx context.Context, c userevents.Commit) (err error) {
	newID := c.Record.UserID()
	if newID == "" {
		return errors.New("pgstore: the record holds no user")
	}
	userType, doc, err := encodeUser(c.Record)
	if err != nil {
		return err
	}
	var event, outcome []byte
	if c.Event != nil {
		if event, err = json.Marshal(c.Event); err != nil {
			return fmt.Errorf("pgstore: encode event: %w", err)
		}
		if outcome, err = json.Marshal(outcomeOf(c.Event)); err != nil {
			return fmt.Errorf("pgstore: encode outcome: %w", err)
		}
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("pgstore: begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	r := c.Record
	var tag pgconn.CommandTag
	switch {
	case c.ExpectedVersion == 0:
		tag, err = tx.Exec(ctx, `INSERT INTO userevents_users
			(user_id, version, user_type, kyc_risk_level_locked, cra_risk_level_locked, last_event_timestamp, doc)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id) DO NOTHING`,
			newID, r.Version, userType, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp, doc)
		if err == nil && tag.RowsAffected() == 0 {
			err = fmt.Errorf("%w: %q", userevents.ErrUserExists, newID)
		}
	case newID == c.UserID:
		tag, err = tx.Exec(ctx, `UPDATE userevents_users SET version = $3, user_type = $4, kyc_risk_level_locked = $5,
			cra_risk_level_locked = $6, last_event_timestamp = $7, doc = $8
			WHERE user_id = $1 AND version = $2`,
			c.UserID, c.ExpectedVersion, r.Version, userType, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp, doc)
		if err == nil && tag.RowsAffected() == 0 {
			err = fmt.Errorf("%w: %q is not at version %d", userevents.ErrVersionConflict, c.UserID, c.ExpectedVersion)
		}
	default: // a re-key: delete the old row at the expected version, insert the new one
		tag, err = tx.Exec(ctx, `DELETE FROM userevents_users WHERE user_id = $1 AND version = $2`, c.UserID, c.ExpectedVersion)
		if err == nil && tag.RowsAffected() == 0 {
			err = fmt.Errorf("%w: %q is not at version %d", userevents.ErrVersionConflict, c.UserID, c.ExpectedVersion)
			break
		}
		if err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO userevents_users
				(user_id, version, user_type, kyc_risk_level_locked, cra_risk_level_locked, last_event_timestamp, doc)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				newID, r.Version, userType, r.KYCRiskLevelLocked, r.CRARiskLevelLocked, r.LastEventTimestamp, doc)
		}
	}
	if err == nil && c.Event != nil {
		_, err = tx.Exec(ctx, `INSERT INTO userevents_events (event_id, user_id, timestamp, version, event, outcome)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			c.Event.EventID, c.Event.UserID, c.Event.Timestamp, c.Event.Version, event, outcome)
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	return mapError(err)
}

// mapError turns unique violations into the library's sentinels.
func mapError(err error) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || pg.Code != "23505" { // unique_violation
		return err
	}
	switch pg.TableName {
	case "userevents_events":
		return fmt.Errorf("%w: %s", userevents.ErrEventIDConflict, pg.Detail)
	case "userevents_users":
		return fmt.Errorf("%w: %s", userevents.ErrUserExists, pg.Detail)
	}
	return err
}

// decodeUser decodes a user of the given type, without limits.
func decodeUser(userType string, doc []byte) (c *userevents.ConsumerUser, b *userevents.BusinessUser, err error) {
	switch userType {
	case typeConsumer:
		c, err = userevents.DecodeConsumerUser(doc, userevents.Unlimited())
	case typeBusiness:
		b, err = userevents.DecodeBusinessUser(doc, userevents.Unlimited())
	default:
		err = fmt.Errorf("unknown user type %q", userType)
	}
	return c, b, err
}

func encodeUser(r userevents.Record) (string, []byte, error) {
	var (
		doc []byte
		err error
	)
	userType := typeConsumer
	if r.Consumer != nil {
		doc, err = json.Marshal(r.Consumer)
	} else {
		userType = typeBusiness
		doc, err = json.Marshal(r.Business)
	}
	if err != nil {
		return "", nil, fmt.Errorf("pgstore: encode user: %w", err)
	}
	return userType, doc, nil
}

// recordJSON is a Record in the outcome column. C and B are the consumer and the
// business user: *userevents.ConsumerUser and *userevents.BusinessUser when written,
// json.RawMessage when read (the users are then decoded without limits).
type recordJSON[C, B any] struct {
	Consumer           C       `json:"consumer,omitempty"`
	Business           B       `json:"business,omitempty"`
	Version            int64   `json:"version"`
	KYCRiskLevelLocked bool    `json:"kycRiskLevelLocked,omitempty"`
	CRARiskLevelLocked bool    `json:"craRiskLevelLocked,omitempty"`
	LastEventTimestamp float64 `json:"lastEventTimestamp,omitempty"`
}

// outcomeJSON is the outcome of an event: everything of a StoredEvent that its wire
// format lacks. C and B are as in recordJSON.
type outcomeJSON[C, B any] struct {
	AllowUserTypeConversion bool                   `json:"allowUserTypeConversion,omitempty"`
	LockKYCRiskLevel        *bool                  `json:"lockKycRiskLevel,omitempty"`
	LockCRARiskLevel        *bool                  `json:"lockCraRiskLevel,omitempty"`
	ChangeUserID            bool                   `json:"changeUserId,omitempty"`
	Version                 int64                  `json:"version"`
	User                    C                      `json:"user,omitempty"`
	Previous                recordJSON[C, B]       `json:"previous"`
	Changes                 []string               `json:"changes,omitempty"`
	StateTransition         *userevents.Transition `json:"stateTransition,omitempty"`
	KYCTransition           *userevents.Transition `json:"kycTransition,omitempty"`
	Converted               bool                   `json:"converted,omitempty"`
}

// outcomeOf returns the outcome of e, to be written.
func outcomeOf(e *userevents.StoredEvent) outcomeJSON[*userevents.ConsumerUser, *userevents.BusinessUser] {
	p := e.Previous
	return outcomeJSON[*userevents.ConsumerUser, *userevents.BusinessUser]{
		AllowUserTypeConversion: e.Options.AllowUserTypeConversion,
		LockKYCRiskLevel:        e.Options.LockKYCRiskLevel,
		LockCRARiskLevel:        e.Options.LockCRARiskLevel,
		ChangeUserID:            e.Options.ChangeUserID,
		Version:                 e.Version,
		User:                    e.User,
		Previous: recordJSON[*userevents.ConsumerUser, *userevents.BusinessUser]{Consumer: p.Consumer, Business: p.Business, Version: p.Version,
			KYCRiskLevelLocked: p.KYCRiskLevelLocked, CRARiskLevelLocked: p.CRARiskLevelLocked, LastEventTimestamp: p.LastEventTimestamp},
		Changes:         e.Changes,
		StateTransition: e.StateTransition,
		KYCTransition:   e.KYCTransition,
		Converted:       e.Converted,
	}
}

// decodeOutcome reads the outcome column into e; its users are decoded without limits.
func decodeOutcome(data []byte, e *userevents.StoredEvent) error {
	var o outcomeJSON[json.RawMessage, json.RawMessage]
	if err := json.Unmarshal(data, &o); err != nil {
		return err
	}
	e.Options = userevents.Options{AllowUserTypeConversion: o.AllowUserTypeConversion, LockKYCRiskLevel: o.LockKYCRiskLevel,
		LockCRARiskLevel: o.LockCRARiskLevel, ChangeUserID: o.ChangeUserID}
	e.Version = o.Version
	var err error
	if o.User != nil {
		if e.User, err = userevents.DecodeConsumerUser(o.User, userevents.Unlimited()); err != nil {
			return fmt.Errorf("user: %w", err)
		}
	}
	p := o.Previous
	e.Previous = userevents.Record{Version: p.Version,
		KYCRiskLevelLocked: p.KYCRiskLevelLocked, CRARiskLevelLocked: p.CRARiskLevelLocked, LastEventTimestamp: p.LastEventTimestamp}
	if p.Consumer != nil {
		if e.Previous.Consumer, err = userevents.DecodeConsumerUser(p.Consumer, userevents.Unlimited()); err != nil {
			return fmt.Errorf("previous consumer user: %w", err)
		}
	}
	if p.Business != nil {
		if e.Previous.Business, err = userevents.DecodeBusinessUser(p.Business, userevents.Unlimited()); err != nil {
			return fmt.Errorf("previous business user: %w", err)
		}
	}
	e.Changes = o.Changes
	e.StateTransition = o.StateTransition
	e.KYCTransition = o.KYCTransition
	e.Converted = o.Converted
	return nil
}
