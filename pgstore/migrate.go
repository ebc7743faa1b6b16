package pgstore

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/compliancekit/userevents"
	"github.com/jackc/pgx/v5"
)

// migrateJSONB turns the jsonb documents of tables made by the first schema into json (a
// jsonb value is valid json text, so nothing is lost).
func migrateJSONB(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND data_type = 'jsonb'
          AND (table_name, column_name) IN (('userevents_users', 'doc'), ('userevents_events', 'event'), ('userevents_events', 'outcome'))
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE json', col.table_name, col.column_name);
    END LOOP;
END
$$`)
	return err
}

// The earlier schema kept one row per event in userevents_events, with an outcome that
// held the whole user after the event and the whole record before it. migrateEvents
// moves those rows into the users' histories: it follows each user back from its current
// row, event by event (the record before event v is the record after event v-1), gives
// the chain a history id, and writes every entry with a snapshot of the record after it
// (which the old rows hold whole), so that every past version reads back exactly. Events
// that no current user leads to (none, unless rows were deleted by hand) get histories of
// their own. Users without events get a history of their creation. Then the old table
// goes.

// v1Record is a record in the earlier outcome column.
type v1Record = recordJSON[json.RawMessage, json.RawMessage]

// v1Outcome is the earlier outcome column.
type v1Outcome struct {
	optionsJSON
	Version         int64                  `json:"version"`
	User            json.RawMessage        `json:"user,omitempty"`
	Previous        v1Record               `json:"previous"`
	Changes         []string               `json:"changes,omitempty"`
	StateTransition *userevents.Transition `json:"stateTransition,omitempty"`
	KYCTransition   *userevents.Transition `json:"kycTransition,omitempty"`
	Converted       bool                   `json:"converted,omitempty"`
}

type v1Event struct {
	id, userID string
	timestamp  float64
	version    int64
	event      []byte
	o          v1Outcome
	after      v1Record // the record after the event
	claimed    bool
}

// v1Key finds the event that produced a record: its user id after and its version.
type v1Key struct {
	userID  string
	version int64
}

func migrateEvents(ctx context.Context, tx pgx.Tx) error {
	var hasOld bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass('userevents_events') IS NOT NULL`).Scan(&hasOld); err != nil {
		return err
	}
	var all []*v1Event
	if hasOld {
		var err error
		if all, err = readV1Events(ctx, tx); err != nil {
			return err
		}
	}
	byAfter := map[v1Key][]*v1Event{}
	for _, e := range all {
		id, err := userIDOf(e.o.User)
		if err != nil {
			return fmt.Errorf("user after event %q: %w", e.id, err)
		}
		k := v1Key{id, e.version}
		byAfter[k] = append(byAfter[k], e)
	}
	// Each user without a history, back from its current row, in the order of the ids.
	heads, err := readHeads(ctx, tx)
	if err != nil {
		return err
	}
	for _, h := range heads {
		historyID, err := writeChain(ctx, tx, h.rec, byAfter)
		if err != nil {
			return fmt.Errorf("user %q: %w", h.userID, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE userevents_users SET history_id = $2, doc = NULL WHERE user_id = $1`, h.userID, historyID); err != nil {
			return err
		}
	}
	// Events no user leads to, newest first: each unclaimed one heads a chain.
	sort.SliceStable(all, func(i, j int) bool { return all[i].version > all[j].version })
	for _, e := range all {
		if !e.claimed {
			if _, err := writeChain(ctx, tx, e.after, byAfter); err != nil {
				return fmt.Errorf("event %q: %w", e.id, err)
			}
		}
	}
	if hasOld {
		_, err = tx.Exec(ctx, `DROP TABLE userevents_events`)
	}
	return err
}

// readV1Events reads the rows of the earlier events table, each with the record after
// it: its user, the previous record's locks as the flags left them, the newest timestamp.
func readV1Events(ctx context.Context, tx pgx.Tx) ([]*v1Event, error) {
	rows, err := tx.Query(ctx, `SELECT event_id, user_id, timestamp, version, event, outcome FROM userevents_events ORDER BY event_id COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []*v1Event
	for rows.Next() {
		e := new(v1Event)
		var outcome []byte
		if err := rows.Scan(&e.id, &e.userID, &e.timestamp, &e.version, &e.event, &outcome); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(outcome, &e.o); err != nil {
			return nil, fmt.Errorf("outcome of event %q: %w", e.id, err)
		}
		p := e.o.Previous
		e.after = v1Record{Consumer: e.o.User, Version: e.version, KYCRiskLevelLocked: p.KYCRiskLevelLocked,
			CRARiskLevelLocked: p.CRARiskLevelLocked, LastEventTimestamp: max(p.LastEventTimestamp, e.timestamp)}
		if e.o.LockKYCRiskLevel != nil {
			e.after.KYCRiskLevelLocked = *e.o.LockKYCRiskLevel
		}
		if e.o.LockCRARiskLevel != nil {
			e.after.CRARiskLevelLocked = *e.o.LockCRARiskLevel
		}
		all = append(all, e)
	}
	return all, rows.Err()
}

// setUser sets the user of r, the doc of a users row of type userType.
func setUser(r *v1Record, userType string, doc []byte) {
	if userType == typeBusiness {
		r.Business = doc
	} else {
		r.Consumer = doc
	}
}

// head is a user row without a history: where its chain ends.
type head struct {
	userID string
	rec    v1Record
}

// readHeads reads the users without a history, in the order of their ids.
func readHeads(ctx context.Context, tx pgx.Tx) ([]head, error) {
	rows, err := tx.Query(ctx, `SELECT user_id, version, user_type, kyc_risk_level_locked, cra_risk_level_locked,
		last_event_timestamp, doc FROM userevents_users WHERE history_id IS NULL ORDER BY user_id COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var heads []head
	for rows.Next() {
		var h head
		var userType string
		var doc []byte
		if err := rows.Scan(&h.userID, &h.rec.Version, &userType, &h.rec.KYCRiskLevelLocked, &h.rec.CRARiskLevelLocked,
			&h.rec.LastEventTimestamp, &doc); err != nil {
			return nil, err
		}
		setUser(&h.rec, userType, doc)
		heads = append(heads, h)
	}
	return heads, rows.Err()
}

// writeChain writes the history that ends with the record rec: the events that led to
// it, found in byAfter (and claimed), each with a snapshot of the record after it, from
// an entry with no event (a creation, or where the chain cannot be followed further)
// holding the first record. It returns the new history's id.
func writeChain(ctx context.Context, tx pgx.Tx, rec v1Record, byAfter map[v1Key][]*v1Event) (string, error) {
	var chain []*v1Event // newest first
	cur := rec
	for cur.Version > 1 && cur.Consumer != nil {
		id, err := userIDOf(cur.Consumer)
		if err != nil {
			return "", err
		}
		e := pick(byAfter[v1Key{id, cur.Version}], cur)
		if e == nil {
			break
		}
		e.claimed = true
		chain = append(chain, e)
		cur = e.o.Previous
	}
	var b [16]byte
	rand.Read(b[:])
	historyID := "migrated-" + hex.EncodeToString(b[:])
	// The first entry: the record the chain starts from, with no event.
	first := appendRawRecord(nil, cur)
	firstUser, err := userIDOf(cur.Consumer)
	if cur.Consumer == nil {
		firstUser, err = userIDOf(cur.Business)
	}
	if err != nil {
		return "", err
	}
	outcome, err := appendOutcome(nil, &userevents.StoredEvent{})
	if err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO userevents_history (history_id, version, event_id, user_id, timestamp, event, outcome, snapshot)
		VALUES ($1, $2, NULL, $3, 0, NULL, $4, $5)`, historyID, cur.Version, firstUser, outcome, first); err != nil {
		return "", err
	}
	for i := len(chain) - 1; i >= 0; i-- {
		e := chain[i]
		after := rec // the record after the newest event is the current one
		if i > 0 {
			after = chain[i-1].o.Previous
		}
		snapshot := appendRawRecord(nil, after)
		outcome, err := appendOutcome(nil, &userevents.StoredEvent{
			Options: e.o.options(),
			Changes: e.o.Changes, StateTransition: e.o.StateTransition, KYCTransition: e.o.KYCTransition, Converted: e.o.Converted,
		})
		if err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO userevents_history (history_id, version, event_id, user_id, timestamp, event, outcome, snapshot)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, historyID, e.version, e.id, e.userID, e.timestamp, e.event, outcome, snapshot); err != nil {
			return "", err
		}
	}
	return historyID, nil
}

// pick returns the event among candidates that produced the record rec: unclaimed, with
// rec's user, locks and newest timestamp; nil when there is none. Ids reused after a
// re-key can give several events the same user id and version: the record tells them
// apart (its newest timestamp is the event's own or older), and of events that still
// agree (the same record in every respect) the oldest is taken, so that the chains do
// not depend on the order in which users are visited.
func pick(candidates []*v1Event, rec v1Record) *v1Event {
	var found []*v1Event
	for _, e := range candidates {
		if !e.claimed {
			found = append(found, e)
		}
	}
	if len(found) > 1 {
		want := canonical(rec.Consumer)
		found = slices.DeleteFunc(found, func(e *v1Event) bool {
			a := e.after
			return a.KYCRiskLevelLocked != rec.KYCRiskLevelLocked || a.CRARiskLevelLocked != rec.CRARiskLevelLocked ||
				a.LastEventTimestamp != rec.LastEventTimestamp || !bytes.Equal(canonical(e.o.User), want)
		})
	}
	if len(found) == 0 {
		return nil
	}
	return slices.MinFunc(found, func(a, b *v1Event) int {
		if c := cmp.Compare(a.timestamp, b.timestamp); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
}

// canonical returns a consumer user's JSON as the library writes it.
func canonical(doc json.RawMessage) []byte {
	u, err := userevents.DecodeConsumerUser(doc, userevents.Unlimited())
	if err != nil {
		return doc
	}
	b, _ := u.AppendJSON(nil)
	return b
}

// userIDOf returns the userId member of a user document.
func userIDOf(doc json.RawMessage) (string, error) {
	var u struct {
		UserID string `json:"userId"`
	}
	if err := json.Unmarshal(doc, &u); err != nil {
		return "", err
	}
	return u.UserID, nil
}

// migrateDocs moves the users that rows of an earlier release hold (doc) into their
// histories: the record of such a row (its user and its columns, as a v1Record, which
// decodeRecord reads) becomes the snapshot of the history's entry at the row's version,
// and doc NULL. So the row's user, whatever wrote it, is what LoadUser rebuilds, now and
// after the next commits. A doc that is no object (which LoadUser reports as
// ErrStoredData), or a row whose history has no entry at its version, is left as it is:
// the next commit to the row keeps a snapshot (Commit).
func migrateDocs(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT u.user_id, u.version, u.user_type, u.kyc_risk_level_locked, u.cra_risk_level_locked,
		u.last_event_timestamp, u.snapshot_due, u.history_id, u.doc FROM userevents_users u
		WHERE u.doc IS NOT NULL AND json_typeof(u.doc) = 'object' AND EXISTS (SELECT 1 FROM userevents_history h
			WHERE h.history_id = u.history_id AND h.version = u.version)`)
	if err != nil {
		return err
	}
	type moved struct {
		userID, historyID string
		rec               v1Record
	}
	var all []moved
	for rows.Next() {
		var m moved
		var userType string
		var doc []byte // raw: json.RawMessage would have pgx check it, to 10,000 levels
		if err := rows.Scan(&m.userID, &m.rec.Version, &userType, &m.rec.KYCRiskLevelLocked, &m.rec.CRARiskLevelLocked,
			&m.rec.LastEventTimestamp, &m.rec.SnapshotDue, &m.historyID, &doc); err != nil {
			rows.Close()
			return err
		}
		setUser(&m.rec, userType, doc)
		all = append(all, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var batch pgx.Batch
	for _, m := range all {
		batch.Queue(`WITH h AS (UPDATE userevents_history SET snapshot = $3 WHERE history_id = $1 AND version = $2)
			UPDATE userevents_users SET doc = NULL WHERE user_id = $4`, m.historyID, m.rec.Version, appendRawRecord(nil, m.rec), m.userID)
	}
	return tx.SendBatch(ctx, &batch).Close()
}
