package userevents

// SavedPaymentDetails is one saved payment method of a user: Flagright's union of eleven
// payment detail objects, told apart by the "method" field that each carries in JSON.
// Exactly one field is set; the JSON "method" is derived from which.
type SavedPaymentDetails struct {
	Card               *CardDetails               `json:"-" method:"CARD"`
	GenericBankAccount *GenericBankAccountDetails `json:"-" method:"GENERIC_BANK_ACCOUNT"`
	IBAN               *IBANDetails               `json:"-" method:"IBAN"`
	ACH                *ACHDetails                `json:"-" method:"ACH"`
	Swift              *SwiftDetails              `json:"-" method:"SWIFT"`
	Mpesa              *MpesaDetails              `json:"-" method:"MPESA"`
	UPI                *UPIDetails                `json:"-" method:"UPI"`
	Wallet             *WalletDetails             `json:"-" method:"WALLET"`
	Check              *CheckDetails              `json:"-" method:"CHECK"`
	Cash               *CashDetails               `json:"-" method:"CASH"`
	NPP                *NPPDetails                `json:"-" method:"NPP"`
}

// CardDetails is a payment card.
type CardDetails struct {
	CounterpartyType          CounterpartyType     `json:"counterpartyType,omitempty"`
	CardFingerprint           *string              `json:"cardFingerprint,omitempty" check:"nonempty"`
	EmailID                   *string              `json:"emailId,omitempty" check:"email"`
	CardStatus                CardStatus           `json:"cardStatus,omitempty"`
	CardIssuedCountry         CountryCode          `json:"cardIssuedCountry,omitempty"`
	TransactionReferenceField *string              `json:"transactionReferenceField,omitempty" check:"nonempty"`
	ThreeDSDone               *bool                `json:"3dsDone,omitempty"`
	NameOnCard                *ConsumerName        `json:"nameOnCard,omitempty"`
	CardExpiry                *CardExpiry          `json:"cardExpiry,omitempty"`
	POSDetails                *POSDetails          `json:"posDetails,omitempty"`
	CardLast4Digits           *string              `json:"cardLast4Digits,omitempty" check:"min4"`
	CardFirst6Digits          *string              `json:"cardFirst6Digits,omitempty"`
	CardBrand                 CardBrand            `json:"cardBrand,omitempty"`
	CardFunding               CardFunding          `json:"cardFunding,omitempty"`
	CardAuthenticated         *bool                `json:"cardAuthenticated,omitempty"`
	CardTokenized             *bool                `json:"cardTokenized,omitempty"`
	CardPresent               *bool                `json:"cardPresent,omitempty"`
	PaymentChannel            *string              `json:"paymentChannel,omitempty"`
	CardType                  CardType             `json:"cardType,omitempty"`
	CardBalance               *Amount              `json:"cardBalance,omitempty"`
	MerchantDetails           *CardMerchantDetails `json:"merchantDetails,omitempty"`
	NetworkProviderRiskScore  *float64             `json:"networkProviderRiskScore,omitempty"`
	Address                   *Address             `json:"address,omitempty"`
	CountryOfNationality      CountryCode          `json:"countryOfNationality,omitempty"`
	CountryOfResidence        CountryCode          `json:"countryOfResidence,omitempty"`
	BankAddress               *Address             `json:"bankAddress,omitempty"`
	Tags                      []Tag                `json:"tags,omitempty"`
}

// CardExpiry is a card's expiry month and year.
type CardExpiry struct {
	Month *int     `json:"month,omitempty"`
	Year  *float64 `json:"year,omitempty"`
}

// POSDetails describes a point-of-sale entry.
type POSDetails struct {
	EntryMode POSEntryMode `json:"entryMode,omitempty"`
}

// CardMerchantDetails describes a card merchant.
type CardMerchantDetails struct {
	ID       *string     `json:"id,omitempty"`
	Name     *string     `json:"name,omitempty"`
	Category *string     `json:"category,omitempty"`
	MCC      *string     `json:"MCC,omitempty"`
	City     *string     `json:"city,omitempty"`
	Country  CountryCode `json:"country,omitempty"`
	State    *string     `json:"state,omitempty"`
	PostCode *string     `json:"postCode,omitempty"`
}

// GenericBankAccountDetails is a bank account of no specific scheme.
type GenericBankAccountDetails struct {
	CounterpartyType     CounterpartyType `json:"counterpartyType,omitempty"`
	AccountNumber        *string          `json:"accountNumber,omitempty" check:"nonempty"`
	AccountType          *string          `json:"accountType,omitempty"`
	AccountBalance       *Amount          `json:"accountBalance,omitempty"`
	BankName             *string          `json:"bankName,omitempty" check:"nonempty"`
	BankCode             *string          `json:"bankCode,omitempty"`
	Country              CountryCode      `json:"country,omitempty"`
	Name                 *string          `json:"name,omitempty"`
	CountryOfNationality CountryCode      `json:"countryOfNationality,omitempty"`
	CountryOfResidence   CountryCode      `json:"countryOfResidence,omitempty"`
	DateOfBirth          *string          `json:"dateOfBirth,omitempty"`
	BankAddress          *Address         `json:"bankAddress,omitempty"`
	EmailID              *string          `json:"emailId,omitempty" check:"email"`
	SpecialInstructions  *string          `json:"specialInstructions,omitempty" check:"text"`
	PaymentChannel       *string          `json:"paymentChannel,omitempty"`
	BeneficiaryName      *string          `json:"beneficiaryName,omitempty"`
	Tags                 []Tag            `json:"tags,omitempty"`
	TransitNumber        *string          `json:"transitNumber,omitempty"`
	Address              *Address         `json:"address,omitempty"`
	RoutingNumber        *string          `json:"routingNumber,omitempty"`
}

// IBANDetails is a bank account identified by IBAN.
type IBANDetails struct {
	CounterpartyType     CounterpartyType `json:"counterpartyType,omitempty"`
	BIC                  *string          `json:"BIC,omitempty" check:"nonempty"`
	BankName             *string          `json:"bankName,omitempty" check:"nonempty"`
	BankAddress          *Address         `json:"bankAddress,omitempty"`
	Address              *Address         `json:"address,omitempty"`
	Country              CountryCode      `json:"country,omitempty"`
	IBAN                 *string          `json:"IBAN,omitempty"`
	AccountBalance       *Amount          `json:"accountBalance,omitempty"`
	Name                 *string          `json:"name,omitempty"`
	EmailID              *string          `json:"emailId,omitempty" check:"email"`
	BankBranchCode       *string          `json:"bankBranchCode,omitempty"`
	BeneficiaryName      *string          `json:"beneficiaryName,omitempty"`
	PaymentChannel       *string          `json:"paymentChannel,omitempty"`
	CountryOfNationality CountryCode      `json:"countryOfNationality,omitempty"`
	CountryOfResidence   CountryCode      `json:"countryOfResidence,omitempty"`
	Tags                 []Tag            `json:"tags,omitempty"`
}

// ACHDetails is a US bank account reached through ACH.
type ACHDetails struct {
	CounterpartyType     CounterpartyType `json:"counterpartyType,omitempty"`
	RoutingNumber        *string          `json:"routingNumber,omitempty" check:"nonempty"`
	AccountNumber        *string          `json:"accountNumber,omitempty" check:"nonempty"`
	AccountBalance       *Amount          `json:"accountBalance,omitempty"`
	BankName             *string          `json:"bankName,omitempty" check:"nonempty"`
	Name                 *string          `json:"name,omitempty"`
	BankAddress          *Address         `json:"bankAddress,omitempty"`
	Address              *Address         `json:"address,omitempty"`
	CountryOfNationality CountryCode      `json:"countryOfNationality,omitempty"`
	CountryOfResidence   CountryCode      `json:"countryOfResidence,omitempty"`
	BeneficiaryName      *string          `json:"beneficiaryName,omitempty"`
	EmailID              *string          `json:"emailId,omitempty" check:"email"`
	Tags                 []Tag            `json:"tags,omitempty"`
}

// SwiftDetails is a bank account reached through SWIFT.
type SwiftDetails struct {
	CounterpartyType         CounterpartyType           `json:"counterpartyType,omitempty"`
	SwiftCode                *string                    `json:"swiftCode,omitempty" check:"nonempty"`
	AccountNumber            *string                    `json:"accountNumber,omitempty" check:"nonempty"`
	RoutingNumber            *string                    `json:"routingNumber,omitempty"`
	AccountBalance           *Amount                    `json:"accountBalance,omitempty"`
	AccountType              *string                    `json:"accountType,omitempty"`
	BankName                 *string                    `json:"bankName,omitempty" check:"nonempty"`
	Name                     *string                    `json:"name,omitempty"`
	BankAddress              *Address                   `json:"bankAddress,omitempty"`
	CountryOfNationality     CountryCode                `json:"countryOfNationality,omitempty"`
	CountryOfResidence       CountryCode                `json:"countryOfResidence,omitempty"`
	EmailID                  *string                    `json:"emailId,omitempty" check:"email"`
	BeneficiaryName          *string                    `json:"beneficiaryName,omitempty"`
	SpecialInstructions      *string                    `json:"specialInstructions,omitempty" check:"text"`
	Address                  *Address                   `json:"address,omitempty"`
	CorrespondentBankDetails []CorrespondentBankDetails `json:"correspondentBankDetails,omitempty"`
	Tags                     []Tag                      `json:"tags,omitempty"`
}

// CorrespondentBankDetails names a correspondent bank of a SWIFT transfer.
type CorrespondentBankDetails struct {
	BankName    *string  `json:"bankName,omitempty"`
	BankAddress *Address `json:"bankAddress,omitempty"`
	SwiftCode   *string  `json:"swiftCode,omitempty"`
	Tags        []Tag    `json:"tags,omitempty"`
}

// MpesaDetails is an M-Pesa account.
type MpesaDetails struct {
	CounterpartyType  CounterpartyType     `json:"counterpartyType,omitempty"`
	BusinessShortCode string               `json:"businessShortCode" check:"required,nonempty"`
	TransactionType   MpesaTransactionType `json:"transactionType" check:"required"`
	PhoneNumber       string               `json:"phoneNumber" check:"required"`
	EmailID           *string              `json:"emailId,omitempty" check:"email"`
	Name              *string              `json:"name,omitempty"`
	Address           *Address             `json:"address,omitempty"`
	Tags              []Tag                `json:"tags,omitempty"`
}

// UPIDetails is an Indian UPI account.
type UPIDetails struct {
	CounterpartyType  CounterpartyType `json:"counterpartyType,omitempty"`
	UPIID             string           `json:"upiID" check:"required,nonempty"`
	BankProvider      *string          `json:"bankProvider,omitempty" check:"nonempty"`
	InterfaceProvider *string          `json:"interfaceProvider,omitempty" check:"nonempty"`
	Name              *string          `json:"name,omitempty"`
	Address           *Address         `json:"address,omitempty"`
	EmailID           *string          `json:"emailId,omitempty" check:"email"`
	Tags              []Tag            `json:"tags,omitempty"`
}

// WalletDetails is a wallet, crypto or otherwise.
type WalletDetails struct {
	CounterpartyType         CounterpartyType `json:"counterpartyType,omitempty"`
	WalletType               *string          `json:"walletType,omitempty"`
	WalletID                 *string          `json:"walletId,omitempty" check:"nonempty"`
	PaymentChannel           *string          `json:"paymentChannel,omitempty"`
	Name                     *string          `json:"name,omitempty"`
	EmailID                  *string          `json:"emailId,omitempty" check:"email"`
	Tags                     []Tag            `json:"tags,omitempty"`
	WalletPhoneNumber        *string          `json:"walletPhoneNumber,omitempty"`
	WalletBalance            *Amount          `json:"walletBalance,omitempty"`
	Network                  WalletNetwork    `json:"network,omitempty"`
	Address                  *Address         `json:"address,omitempty"`
	CountryOfNationality     CountryCode      `json:"countryOfNationality,omitempty"`
	CountryOfResidence       CountryCode      `json:"countryOfResidence,omitempty"`
	BeneficiaryName          *string          `json:"beneficiaryName,omitempty"`
	BankAddress              *Address         `json:"bankAddress,omitempty"`
	AuthorizedRepresentative []UserDetails    `json:"authorizedRepresentative,omitempty"`
	DateOfBirth              *string          `json:"dateOfBirth,omitempty"`
	TransactionHash          *string          `json:"transactionHash,omitempty"`
}

// CheckDetails is a paper check.
type CheckDetails struct {
	CounterpartyType     CounterpartyType    `json:"counterpartyType,omitempty"`
	CheckNumber          *string             `json:"checkNumber,omitempty"`
	CheckIdentifier      *string             `json:"checkIdentifier,omitempty"`
	RoutingNumber        *string             `json:"routingNumber,omitempty"`
	Name                 *string             `json:"name,omitempty"`
	DeliveryStatus       CheckDeliveryStatus `json:"deliveryStatus,omitempty"`
	ETATimestamp         *float64            `json:"etaTimestamp,omitempty" check:"ts"`
	ShippingAddress      *Address            `json:"shippingAddress,omitempty"`
	Address              *Address            `json:"address,omitempty"`
	AccountNumber        *string             `json:"accountNumber,omitempty"`
	EmailID              *string             `json:"emailId,omitempty"`
	CountryOfNationality CountryCode         `json:"countryOfNationality,omitempty"`
	CountryOfResidence   CountryCode         `json:"countryOfResidence,omitempty"`
	BankAddress          *Address            `json:"bankAddress,omitempty"`
	Tags                 []Tag               `json:"tags,omitempty"`
}

// CashDetails is cash.
type CashDetails struct {
	CounterpartyType CounterpartyType `json:"counterpartyType,omitempty"`
	Identifier       *string          `json:"identifier,omitempty"`
	Address          *Address         `json:"address,omitempty"`
	Name             *string          `json:"name,omitempty"`
	EmailID          *string          `json:"emailId,omitempty" check:"email"`
}

// NPPDetails is an Australian New Payments Platform account.
type NPPDetails struct {
	CounterpartyType      CounterpartyType `json:"counterpartyType,omitempty"`
	AccountNumber         *string          `json:"accountNumber,omitempty"`
	Name                  *ConsumerName    `json:"name,omitempty"`
	EmailID               *string          `json:"emailId,omitempty" check:"email"`
	ContactNumber         *string          `json:"contactNumber,omitempty"`
	BSB                   *string          `json:"bsb,omitempty"`
	PayID                 *string          `json:"payId,omitempty"`
	EndToEndID            *string          `json:"endToEndId,omitempty"`
	OskoReference         *string          `json:"oskoReference,omitempty"`
	PayIDReference        *string          `json:"payIdReference,omitempty"`
	IsInstant             *bool            `json:"isInstant,omitempty"`
	RemittanceInformation *string          `json:"remittanceInformation,omitempty" check:"text"`
	RemittanceAdvice      *string          `json:"remittanceAdvice,omitempty" check:"text"`
	Tags                  []Tag            `json:"tags,omitempty"`
	ProcessingDate        *float64         `json:"processingDate,omitempty"`
	SettlementDate        *float64         `json:"settlementDate,omitempty"`
	ReferenceNumber       *string          `json:"referenceNumber,omitempty"`
	TraceNumber           *string          `json:"traceNumber,omitempty"`
	MessageFormat         *string          `json:"messageFormat,omitempty"`
	BankName              *string          `json:"bankName,omitempty"`
	Address               *Address         `json:"address,omitempty"`
}
