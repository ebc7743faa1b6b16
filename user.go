package userevents

import (
	"encoding/json"
)

// This file holds the consumer user and the types it is built from, field for field as in
// Flagright's UserWithRulesResult. The struct tags are the one description from which
// the *_gen.go files are generated (go generate ./...): `json` gives the wire name, `check`
// the rules that Validate applies (see the package documentation for each keyword).
//
// Optional scalars are pointers (nil: absent); optional enums and country codes use the
// empty string for absent; optional objects are pointers; optional arrays are nil when
// absent and non-nil (possibly empty) when present.

// ConsumerUser is a consumer user as Flagright stores and returns it (UserWithRulesResult).
type ConsumerUser struct {
	UserID                        string                         `json:"userId" check:"required,id,noattr"`
	CreatedTimestamp              float64                        `json:"createdTimestamp" check:"required,ts,noattr"`
	ActivatedTimestamp            *float64                       `json:"activatedTimestamp,omitempty" check:"ts"`
	UserDetails                   *UserDetails                   `json:"userDetails,omitempty"`
	UserStateDetails              *UserStateDetails              `json:"userStateDetails,omitempty"`
	KYCStatusDetails              *KYCStatusDetails              `json:"kycStatusDetails,omitempty"`
	EODDDate                      *float64                       `json:"eoddDate,omitempty"`
	EmploymentStatus              EmploymentStatus               `json:"employmentStatus,omitempty"`
	Occupation                    *string                        `json:"occupation,omitempty"`
	LegalDocuments                []LegalDocument                `json:"legalDocuments,omitempty"`
	ContactDetails                *ContactDetails                `json:"contactDetails,omitempty"`
	EmploymentDetails             *EmploymentDetails             `json:"employmentDetails,omitempty"`
	TransactionLimits             *TransactionLimits             `json:"transactionLimits,omitempty"`
	ExpectedIncome                *ExpectedIncome                `json:"expectedIncome,omitempty"`
	ExpectedTransactionCountries  *ExpectedTransactionCountries  `json:"expectedTransactionCountries,omitempty"`
	ExpectedTransactionCurrencies *ExpectedTransactionCurrencies `json:"expectedTransactionCurrencies,omitempty"`
	RiskLevel                     RiskLevel                      `json:"riskLevel,omitempty"`
	KYCRiskLevel                  RiskLevel                      `json:"kycRiskLevel,omitempty"`
	AcquisitionChannel            AcquisitionChannel             `json:"acquisitionChannel,omitempty"`
	ReasonForAccountOpening       []string                       `json:"reasonForAccountOpening,omitempty"`
	SourceOfFunds                 []SourceOfFunds                `json:"sourceOfFunds,omitempty"`
	UserSegment                   ConsumerUserSegment            `json:"userSegment,omitempty"`
	PEPStatus                     []PEPStatus                    `json:"pepStatus,omitempty"`
	SanctionsStatus               *bool                          `json:"sanctionsStatus,omitempty"`
	AdverseMediaStatus            *bool                          `json:"adverseMediaStatus,omitempty"`
	CorporateEntities             []CorporateEntityDetails       `json:"corporateEntities,omitempty"`
	LastTransactionTimestamp      *float64                       `json:"lastTransactionTimestamp,omitempty"`
	LinkedEntities                *UserEntityLink                `json:"linkedEntities,omitempty"`
	SavedPaymentDetails           []SavedPaymentDetails          `json:"savedPaymentDetails,omitempty"`
	Tags                          []UserTag                      `json:"tags,omitempty" check:"bykey"`
	Attachments                   []PersonAttachment             `json:"attachments,omitempty"`
	MetaData                      *DeviceData                    `json:"metaData,omitempty"`
	Jurisdiction                  *string                        `json:"jurisdiction,omitempty"`
	ProductsEnabled               []ProductsEnabled              `json:"productsEnabled,omitempty"`
	ExternalLinks                 []string                       `json:"externalLinks,omitempty"`
	ExecutedRules                 []ExecutedRulesResult          `json:"executedRules,omitempty" check:"noattr"`
	HitRules                      []HitRulesDetails              `json:"hitRules,omitempty" check:"noattr"`
	RiskScoreDetails              *UserRiskScoreDetails          `json:"riskScoreDetails,omitempty" check:"noattr"`
}

// BusinessUser is a business user (Flagright's Business with its rules results), held so
// that a consumer user event can convert it (see Options.AllowUserTypeConversion). The
// fields it shares with consumer users are typed; the business-only structures (legal
// entity, shareholders, directors, associated parties, business partners, allowed payment
// methods, MCC details) are kept as the JSON they came in, checked for syntax and limits
// only, so that a stored business user round-trips without loss.
type BusinessUser struct {
	UserID                        string                         `json:"userId" check:"required,id"`
	CreatedTimestamp              float64                        `json:"createdTimestamp" check:"required,ts"`
	LegalEntity                   json.RawMessage                `json:"legalEntity" check:"required"`
	ActivatedTimestamp            *float64                       `json:"activatedTimestamp,omitempty" check:"ts"`
	UserStateDetails              *UserStateDetails              `json:"userStateDetails,omitempty"`
	KYCStatusDetails              *KYCStatusDetails              `json:"kycStatusDetails,omitempty"`
	EODDDate                      *float64                       `json:"eoddDate,omitempty"`
	CorporateEntities             []CorporateEntityDetails       `json:"corporateEntities,omitempty"`
	ShareHolders                  json.RawMessage                `json:"shareHolders,omitempty"`
	Directors                     json.RawMessage                `json:"directors,omitempty"`
	AssociatedParties             json.RawMessage                `json:"associatedParties,omitempty"`
	BusinessPartners              json.RawMessage                `json:"businessPartners,omitempty"`
	TransactionLimits             *TransactionLimits             `json:"transactionLimits,omitempty"`
	ExpectedTransactionCountries  *ExpectedTransactionCountries  `json:"expectedTransactionCountries,omitempty"`
	ExpectedTransactionCurrencies *ExpectedTransactionCurrencies `json:"expectedTransactionCurrencies,omitempty"`
	RiskLevel                     RiskLevel                      `json:"riskLevel,omitempty"`
	KYCRiskLevel                  RiskLevel                      `json:"kycRiskLevel,omitempty"`
	AllowedPaymentMethods         []PaymentMethod                `json:"allowedPaymentMethods,omitempty"`
	LastTransactionTimestamp      *float64                       `json:"lastTransactionTimestamp,omitempty"`
	LinkedEntities                *UserEntityLink                `json:"linkedEntities,omitempty"`
	AcquisitionChannel            AcquisitionChannel             `json:"acquisitionChannel,omitempty"`
	SavedPaymentDetails           []SavedPaymentDetails          `json:"savedPaymentDetails,omitempty"`
	MCCDetails                    json.RawMessage                `json:"mccDetails,omitempty"`
	Tags                          []UserTag                      `json:"tags,omitempty"`
	Attachments                   []PersonAttachment             `json:"attachments,omitempty"`
	MetaData                      *DeviceData                    `json:"metaData,omitempty"`
	Jurisdiction                  *string                        `json:"jurisdiction,omitempty"`
	ProductsEnabled               []ProductsEnabled              `json:"productsEnabled,omitempty"`
	PEPStatus                     []PEPStatus                    `json:"pepStatus,omitempty"`
	SanctionsStatus               *bool                          `json:"sanctionsStatus,omitempty"`
	AdverseMediaStatus            *bool                          `json:"adverseMediaStatus,omitempty"`
	ExternalLinks                 []string                       `json:"externalLinks,omitempty"`
	ExecutedRules                 []ExecutedRulesResult          `json:"executedRules,omitempty"`
	HitRules                      []HitRulesDetails              `json:"hitRules,omitempty"`
	RiskScoreDetails              *UserRiskScoreDetails          `json:"riskScoreDetails,omitempty"`
}

// UserDetails holds a consumer's personal details.
type UserDetails struct {
	Name                          *ConsumerName `json:"name,omitempty"`
	DateOfBirth                   *string       `json:"dateOfBirth,omitempty" check:"dob"`
	UserCategory                  *string       `json:"userCategory,omitempty"`
	CountryOfResidence            CountryCode   `json:"countryOfResidence,omitempty"`
	CountryOfTaxResidence         CountryCode   `json:"countryOfTaxResidence,omitempty"`
	CountryOfNationality          CountryCode   `json:"countryOfNationality,omitempty"`
	SecondaryCountryOfNationality []CountryCode `json:"secondaryCountryOfNationality,omitempty"`
	Gender                        Gender        `json:"gender,omitempty"`
	MaritalStatus                 MaritalStatus `json:"maritalStatus,omitempty"`
	PlaceOfBirth                  *PlaceOfBirth `json:"placeOfBirth,omitempty"`
	Alias                         []string      `json:"alias,omitempty" check:"name"`
}

// ConsumerName is a person's name.
type ConsumerName struct {
	FirstName  string  `json:"firstName" check:"required,nonempty,name"`
	MiddleName *string `json:"middleName,omitempty" check:"nonempty,name"`
	LastName   *string `json:"lastName,omitempty" check:"nonempty,name"`
}

// PlaceOfBirth is where a person was born.
type PlaceOfBirth struct {
	City    *string     `json:"city,omitempty"`
	State   *string     `json:"state,omitempty"`
	Country CountryCode `json:"country" check:"required"`
}

// UserStateDetails is the state of a user's account and why it is in that state. UserID
// is a legacy field of the seed document's sample response; when present it must equal
// the user's id.
type UserStateDetails struct {
	UserID *string   `json:"userId,omitempty" check:"id"`
	Reason *string   `json:"reason,omitempty" check:"text"`
	State  UserState `json:"state" check:"required"`
}

// KYCStatusDetails is the status of a user's KYC checks and why. UserID is a legacy field
// of the seed document's sample response; when present it must equal the user's id.
type KYCStatusDetails struct {
	UserID *string   `json:"userId,omitempty" check:"id"`
	Reason *string   `json:"reason,omitempty" check:"text"`
	Status KYCStatus `json:"status,omitempty"`
}

// LegalDocument is an identity document.
type LegalDocument struct {
	DocumentType           string        `json:"documentType" check:"required,nonempty"`
	DocumentNumber         string        `json:"documentNumber" check:"required,nonempty"`
	DocumentIssuedDate     *float64      `json:"documentIssuedDate,omitempty" check:"tsmax"`
	DocumentExpirationDate *float64      `json:"documentExpirationDate,omitempty" check:"tsmax"`
	DocumentIssuedCountry  CountryCode   `json:"documentIssuedCountry,omitempty"`
	Tags                   []Tag         `json:"tags,omitempty"`
	NameOnDocument         *ConsumerName `json:"nameOnDocument,omitempty"`
}

// ContactDetails holds the ways to reach a person.
type ContactDetails struct {
	EmailIDs       []string      `json:"emailIds,omitempty" check:"email"`
	ContactNumbers []string      `json:"contactNumbers,omitempty"`
	FaxNumbers     []string      `json:"faxNumbers,omitempty"`
	Websites       []string      `json:"websites,omitempty"`
	Addresses      []Address     `json:"addresses,omitempty"`
	Name           *ConsumerName `json:"name,omitempty"`
	Tags           []Tag         `json:"tags,omitempty"`
}

// Address is a postal address. Country is free text ("Germany"), not a country code.
type Address struct {
	AddressLines []string `json:"addressLines" check:"required,text"`
	Postcode     *string  `json:"postcode,omitempty" check:"nonempty"`
	City         *string  `json:"city,omitempty" check:"nonempty"`
	State        *string  `json:"state,omitempty" check:"nonempty"`
	Country      *string  `json:"country,omitempty" check:"nonempty"`
	AddressType  *string  `json:"addressType,omitempty"`
	Tags         []Tag    `json:"tags,omitempty"`
}

// Tag is a key-value pair attached to an object.
type Tag struct {
	Key         string `json:"key" check:"required,nonempty"`
	Value       string `json:"value" check:"required,nonempty"`
	IsTimestamp *bool  `json:"isTimestamp,omitempty"`
}

// UserTag is a key-value pair attached to a user. A consumer user event merges the
// user's tags by key (see the package documentation).
type UserTag struct {
	Key         string `json:"key" check:"required,nonempty"`
	Value       string `json:"value" check:"required,nonempty"`
	IsTimestamp *bool  `json:"isTimestamp,omitempty"`
	IsEditable  *bool  `json:"isEditable,omitempty"`
}

// EmploymentDetails describes a consumer's employment.
type EmploymentDetails struct {
	EmploymentSector *string  `json:"employmentSector,omitempty"`
	EmployerName     *string  `json:"employerName,omitempty" check:"nonempty"`
	BusinessIndustry []string `json:"businessIndustry,omitempty"`
}

// TransactionLimits are the limits on a user's transactions. Strict validation refuses
// negative amounts.
type TransactionLimits struct {
	MaximumDailyTransactionLimit     *Amount              `json:"maximumDailyTransactionLimit,omitempty" check:"nonneg"`
	MaximumWeeklyTransactionLimit    *Amount              `json:"maximumWeeklyTransactionLimit,omitempty" check:"nonneg"`
	MaximumMonthlyTransactionLimit   *Amount              `json:"maximumMonthlyTransactionLimit,omitempty" check:"nonneg"`
	MaximumQuarterlyTransactionLimit *Amount              `json:"maximumQuarterlyTransactionLimit,omitempty" check:"nonneg"`
	MaximumTransactionLimit          *Amount              `json:"maximumTransactionLimit,omitempty" check:"nonneg"`
	MaximumYearlyTransactionLimit    *Amount              `json:"maximumYearlyTransactionLimit,omitempty" check:"nonneg"`
	PaymentMethodLimits              *PaymentMethodLimits `json:"paymentMethodLimits,omitempty"`
}

// PaymentMethodLimits are transaction limits per payment method
// (Flagright's TransactionLimitsPaymentMethodLimits).
type PaymentMethodLimits struct {
	ACH                *TransactionLimit `json:"ACH,omitempty"`
	Card               *TransactionLimit `json:"CARD,omitempty"`
	IBAN               *TransactionLimit `json:"IBAN,omitempty"`
	UPI                *TransactionLimit `json:"UPI,omitempty"`
	GenericBankAccount *TransactionLimit `json:"GENERIC_BANK_ACCOUNT,omitempty"`
	Mpesa              *TransactionLimit `json:"MPESA,omitempty"`
	Swift              *TransactionLimit `json:"SWIFT,omitempty"`
	Wallet             *TransactionLimit `json:"WALLET,omitempty"`
	Check              *TransactionLimit `json:"CHECK,omitempty"`
	Cash               *TransactionLimit `json:"CASH,omitempty"`
	NPP                *TransactionLimit `json:"NPP,omitempty"`
}

// TransactionLimit is the limit for one payment method.
type TransactionLimit struct {
	TransactionCountLimit         *TransactionCountLimit  `json:"transactionCountLimit,omitempty"`
	TransactionAmountLimit        *TransactionAmountLimit `json:"transactionAmountLimit,omitempty"`
	AverageTransactionAmountLimit *TransactionAmountLimit `json:"averageTransactionAmountLimit,omitempty"`
}

// TransactionCountLimit limits the number of transactions per period.
type TransactionCountLimit struct {
	Day   *float64 `json:"day,omitempty"`
	Week  *float64 `json:"week,omitempty"`
	Month *float64 `json:"month,omitempty"`
	Year  *float64 `json:"year,omitempty"`
}

// TransactionAmountLimit limits the amount transacted per period. Strict validation
// refuses negative amounts.
type TransactionAmountLimit struct {
	Day   *Amount `json:"day,omitempty" check:"nonneg"`
	Week  *Amount `json:"week,omitempty" check:"nonneg"`
	Month *Amount `json:"month,omitempty" check:"nonneg"`
	Year  *Amount `json:"year,omitempty" check:"nonneg"`
}

// ExpectedIncome is a consumer's expected income per period. Strict validation refuses
// negative amounts.
type ExpectedIncome struct {
	DailyExpectedIncome     *Amount `json:"dailyExpectedIncome,omitempty" check:"nonneg"`
	WeeklyExpectedIncome    *Amount `json:"weeklyExpectedIncome,omitempty" check:"nonneg"`
	MonthlyExpectedIncome   *Amount `json:"monthlyExpectedIncome,omitempty" check:"nonneg"`
	QuarterlyExpectedIncome *Amount `json:"quarterlyExpectedIncome,omitempty" check:"nonneg"`
	YearlyExpectedIncome    *Amount `json:"yearlyExpectedIncome,omitempty" check:"nonneg"`
}

// ExpectedTransactionCountries are the countries a user is expected to send money to and
// receive money from.
type ExpectedTransactionCountries struct {
	Incoming []ExpectedTransactionCountry `json:"incoming,omitempty"`
	Outgoing []ExpectedTransactionCountry `json:"outgoing,omitempty"`
}

// ExpectedTransactionCountry is one expected country.
type ExpectedTransactionCountry struct {
	CountryCode CountryCode `json:"countryCode" check:"required"`
}

// ExpectedTransactionCurrencies are the currencies a user is expected to transact in.
type ExpectedTransactionCurrencies struct {
	Incoming []ExpectedTransactionCurrency `json:"incoming,omitempty"`
	Outgoing []ExpectedTransactionCurrency `json:"outgoing,omitempty"`
}

// ExpectedTransactionCurrency is one expected currency.
type ExpectedTransactionCurrency struct {
	CurrencyCode CurrencyCode `json:"currencyCode" check:"required"`
}

// PEPStatus is the result of a politically-exposed-person check.
type PEPStatus struct {
	IsPEPHit   bool        `json:"isPepHit" check:"required"`
	PEPCountry CountryCode `json:"pepCountry,omitempty"`
	PEPRank    PEPRank     `json:"pepRank,omitempty"`
	Category   *string     `json:"category,omitempty"`
}

// CorporateEntityDetails names a corporate entity the user is linked to.
type CorporateEntityDetails struct {
	LegalName string `json:"legalName" check:"required"`
}

// UserEntityLink links a user to its parent user.
type UserEntityLink struct {
	ParentUserID *string `json:"parentUserId,omitempty" check:"id"`
}

// PersonAttachment is a set of files attached to a person.
type PersonAttachment struct {
	ID        *string    `json:"id,omitempty"`
	Comment   *string    `json:"comment,omitempty" check:"text"`
	Files     []FileInfo `json:"files" check:"required"`
	UserID    string     `json:"userId" check:"required,id"`
	CreatedAt *float64   `json:"createdAt,omitempty"`
	DeletedAt *float64   `json:"deletedAt,omitempty"`
	Tags      []string   `json:"tags,omitempty"`
}

// FileInfo describes one attached file.
type FileInfo struct {
	S3Key        string  `json:"s3Key" check:"required"`
	Bucket       *string `json:"bucket,omitempty"`
	Filename     string  `json:"filename" check:"required"`
	Size         float64 `json:"size" check:"required"`
	DownloadLink *string `json:"downloadLink,omitempty"`
	AISummary    *string `json:"aiSummary,omitempty" check:"text"`
}

// DeviceData describes the device a user acted from.
type DeviceData struct {
	BatteryLevel     *float64    `json:"batteryLevel,omitempty"`
	DeviceLatitude   *float64    `json:"deviceLatitude,omitempty"`
	DeviceLongitude  *float64    `json:"deviceLongitude,omitempty"`
	IPAddress        *string     `json:"ipAddress,omitempty" check:"nonempty"`
	IPCountry        CountryCode `json:"ipCountry,omitempty"`
	DeviceIdentifier *string     `json:"deviceIdentifier,omitempty" check:"nonempty"`
	VPNUsed          *bool       `json:"vpnUsed,omitempty"`
	OperatingSystem  *string     `json:"operatingSystem,omitempty" check:"nonempty"`
	DeviceMaker      *string     `json:"deviceMaker,omitempty" check:"nonempty"`
	DeviceModel      *string     `json:"deviceModel,omitempty" check:"nonempty"`
	DeviceYear       *string     `json:"deviceYear,omitempty" check:"nonempty"`
	AppVersion       *string     `json:"appVersion,omitempty" check:"nonempty"`
}

// ProductsEnabled names a product enabled for the user.
type ProductsEnabled struct {
	ProductName *string `json:"productName,omitempty"`
}

// UserRiskScoreDetails holds the user's computed risk scores and levels.
type UserRiskScoreDetails struct {
	KYCRiskScore *float64  `json:"kycRiskScore,omitempty" check:"score"`
	CRARiskScore *float64  `json:"craRiskScore,omitempty" check:"score"`
	KYCRiskLevel RiskLevel `json:"kycRiskLevel,omitempty"`
	CRARiskLevel RiskLevel `json:"craRiskLevel,omitempty"`
}
