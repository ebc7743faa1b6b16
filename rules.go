package userevents

import "encoding/json"

// ExecutedRulesResult is the result of one rule that Flagright ran on a user or event.
type ExecutedRulesResult struct {
	RuleID            *string             `json:"ruleId,omitempty" check:"nonempty"`
	RuleInstanceID    string              `json:"ruleInstanceId" check:"required"`
	RuleName          string              `json:"ruleName" check:"required,nonempty"`
	RuleDescription   string              `json:"ruleDescription" check:"required,nonempty,text"`
	RuleAction        RuleAction          `json:"ruleAction" check:"required"`
	RuleHit           bool                `json:"ruleHit" check:"required"`
	VersionID         *string             `json:"versionId,omitempty"`
	ExecutedAt        *float64            `json:"executedAt,omitempty" check:"ts"`
	ExecutedRiskLevel RiskLevel           `json:"executedRiskLevel,omitempty"`
	RuleHitMeta       *RuleHitMeta        `json:"ruleHitMeta,omitempty"`
	Vars              []ExecutedLogicVars `json:"vars,omitempty"`
	Labels            []RuleLabel         `json:"labels,omitempty"`
	Nature            RuleNature          `json:"nature,omitempty"`
	IsShadow          *bool               `json:"isShadow,omitempty"`
}

// HitRulesDetails describes one rule that a user or event hit.
type HitRulesDetails struct {
	RuleID            *string      `json:"ruleId,omitempty" check:"nonempty"`
	RuleInstanceID    string       `json:"ruleInstanceId" check:"required"`
	RuleName          string       `json:"ruleName" check:"required,nonempty"`
	RuleDescription   string       `json:"ruleDescription" check:"required,nonempty,text"`
	VersionID         *string      `json:"versionId,omitempty"`
	ExecutedAt        *float64     `json:"executedAt,omitempty" check:"ts"`
	ExecutedRiskLevel RiskLevel    `json:"executedRiskLevel,omitempty"`
	RuleAction        RuleAction   `json:"ruleAction" check:"required"`
	RuleHitMeta       *RuleHitMeta `json:"ruleHitMeta,omitempty"`
	Labels            []RuleLabel  `json:"labels,omitempty"`
	Nature            RuleNature   `json:"nature,omitempty"`
	IsShadow          *bool        `json:"isShadow,omitempty"`
}

// ExecutedLogicVars is one variable of a rule's logic. Value is arbitrary JSON, kept as
// it came (checked for syntax and limits only).
type ExecutedLogicVars struct {
	Direction   RuleHitDirection `json:"direction,omitempty"`
	Value       json.RawMessage  `json:"value" check:"required"`
	ListContext *ListContext     `json:"listContext,omitempty"`
}

// ListContext says which list entries a rule matched.
type ListContext struct {
	Direction       RuleHitDirection    `json:"direction" check:"required"`
	MatchedEntities []ListMatchedEntity `json:"matchedEntities" check:"required"`
}

// ListMatchedEntity is one list entry a rule matched. Settings is arbitrary JSON.
type ListMatchedEntity struct {
	Value         string             `json:"value" check:"required"`
	ListID        string             `json:"listId" check:"required"`
	MatchedValues []ListMatchedValue `json:"matchedValues" check:"required"`
	Settings      json.RawMessage    `json:"settings,omitempty"`
}

// ListMatchedValue is one matched key (Flagright's ListMatchedEntityMatchedValuesItem).
type ListMatchedValue struct {
	MatchedKey string `json:"matchedKey" check:"required"`
}

// RuleHitMeta holds details of a rule hit.
type RuleHitMeta struct {
	HitDirections         []RuleHitDirection    `json:"hitDirections,omitempty"`
	FalsePositiveDetails  *FalsePositiveDetails `json:"falsePositiveDetails,omitempty"`
	SanctionsDetails      []SanctionsDetails    `json:"sanctionsDetails,omitempty"`
	IsOngoingScreeningHit *bool                 `json:"isOngoingScreeningHit,omitempty"`
}

// FalsePositiveDetails says whether a hit was judged a false positive.
type FalsePositiveDetails struct {
	IsFalsePositive bool    `json:"isFalsePositive" check:"required"`
	ConfidenceScore float64 `json:"confidenceScore" check:"required"`
}

// SanctionsDetails describes one sanctions screening hit.
type SanctionsDetails struct {
	Name           string               `json:"name" check:"required"`
	SearchID       string               `json:"searchId" check:"required"`
	RequestHash    *string              `json:"requestHash,omitempty"`
	IBAN           *string              `json:"iban,omitempty"`
	EntityType     SanctionsEntityType  `json:"entityType,omitempty"`
	SanctionHitIDs []string             `json:"sanctionHitIds,omitempty"`
	HitContext     *SanctionsHitContext `json:"hitContext,omitempty"`
	HitDirection   RuleHitDirection     `json:"hitDirection,omitempty"`
	IsRuleHit      *bool                `json:"isRuleHit,omitempty"`
}

// SanctionsHitContext says what a sanctions screening looked at.
type SanctionsHitContext struct {
	Entity          SanctionsScreeningEntity `json:"entity" check:"required"`
	EntityType      SanctionsEntityType      `json:"entityType,omitempty"`
	UserID          *string                  `json:"userId,omitempty"`
	TransactionID   *string                  `json:"transactionId,omitempty"`
	RuleInstanceID  *string                  `json:"ruleInstanceId,omitempty"`
	RuleID          *string                  `json:"ruleId,omitempty"`
	IBAN            *string                  `json:"iban,omitempty"`
	YearOfBirth     *int                     `json:"yearOfBirth,omitempty"`
	SearchTerm      *string                  `json:"searchTerm,omitempty"`
	PaymentMethodID *string                  `json:"paymentMethodId,omitempty"`
}
