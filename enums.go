package userevents

// This file lists the enums of Flagright's model with their exact values. enums_gen.go
// gives each a Valid method and a Values function, generated from these constants.

// AcquisitionChannel is Flagright's AcquisitionChannel enum.
type AcquisitionChannel string

// The AcquisitionChannel values.
const (
	AcquisitionChannelOrganic   AcquisitionChannel = "ORGANIC"
	AcquisitionChannelPaid      AcquisitionChannel = "PAID"
	AcquisitionChannelReferral  AcquisitionChannel = "REFERRAL"
	AcquisitionChannelOffline   AcquisitionChannel = "OFFLINE"
	AcquisitionChannelGathering AcquisitionChannel = "GATHERING"
	AcquisitionChannelUnknown   AcquisitionChannel = "UNKNOWN"
)

// ConsumerUserSegment is Flagright's ConsumerUserSegment enum.
type ConsumerUserSegment string

// The ConsumerUserSegment values.
const (
	ConsumerUserSegmentRetail       ConsumerUserSegment = "RETAIL"
	ConsumerUserSegmentProfessional ConsumerUserSegment = "PROFESSIONAL"
)

// EmploymentStatus is Flagright's EmploymentStatus enum.
type EmploymentStatus string

// The EmploymentStatus values.
const (
	EmploymentStatusUnemployed     EmploymentStatus = "UNEMPLOYED"
	EmploymentStatusEmployed       EmploymentStatus = "EMPLOYED"
	EmploymentStatusSelfEmployed   EmploymentStatus = "SELF_EMPLOYED"
	EmploymentStatusFreelancer     EmploymentStatus = "FREELANCER"
	EmploymentStatusStudent        EmploymentStatus = "STUDENT"
	EmploymentStatusFullTime       EmploymentStatus = "FULL_TIME"
	EmploymentStatusPartTime       EmploymentStatus = "PART_TIME"
	EmploymentStatusSoleProprietor EmploymentStatus = "SOLE_PROPRIETOR"
	EmploymentStatusPensioner      EmploymentStatus = "PENSIONER"
	EmploymentStatusCompanyOwner   EmploymentStatus = "COMPANY_OWNER"
	EmploymentStatusOther          EmploymentStatus = "OTHER"
	EmploymentStatusNa             EmploymentStatus = "NA"
)

// SourceOfFunds is Flagright's SourceOfFunds enum.
type SourceOfFunds string

// The SourceOfFunds values.
const (
	SourceOfFundsEarnings            SourceOfFunds = "Earnings"
	SourceOfFundsSavings             SourceOfFunds = "Savings"
	SourceOfFundsInvestmentsDeposits SourceOfFunds = "Investments/Deposits"
	SourceOfFundsWealth              SourceOfFunds = "Wealth"
	SourceOfFundsGift                SourceOfFunds = "Gift"
	SourceOfFundsPension             SourceOfFunds = "Pension"
	SourceOfFundsInheritance         SourceOfFunds = "Inheritance"
	SourceOfFundsGambling            SourceOfFunds = "Gambling"
	SourceOfFundsBenefits            SourceOfFunds = "Benefits"
	SourceOfFundsPassive             SourceOfFunds = "Passive"
	SourceOfFundsFamily              SourceOfFunds = "Family"
	SourceOfFundsInsurance           SourceOfFunds = "Insurance"
	SourceOfFundsLegal               SourceOfFunds = "Legal"
	SourceOfFundsSales               SourceOfFunds = "Sales"
	SourceOfFundsRollover            SourceOfFunds = "Rollover"
	SourceOfFundsEquity              SourceOfFunds = "Equity"
	SourceOfFundsCrypto              SourceOfFunds = "Crypto"
	SourceOfFundsBusiness            SourceOfFunds = "Business"
	SourceOfFundsEmployment          SourceOfFunds = "Employment"
	SourceOfFundsSalary              SourceOfFunds = "Salary"
	SourceOfFundsRealEstateSale      SourceOfFunds = "Real Estate Sale"
	SourceOfFundsRealEstateRental    SourceOfFunds = "Real Estate Rental"
	SourceOfFundsCompanyExit         SourceOfFunds = "Company Exit"
	SourceOfFundsLoan                SourceOfFunds = "Loan"
	SourceOfFundsOther               SourceOfFunds = "Other"
	SourceOfFundsDividends           SourceOfFunds = "Dividends"
)

// UserState is Flagright's UserState enum.
type UserState string

// The UserState values.
const (
	UserStateUnacceptable UserState = "UNACCEPTABLE"
	UserStateTerminated   UserState = "TERMINATED"
	UserStateActive       UserState = "ACTIVE"
	UserStateDormant      UserState = "DORMANT"
	UserStateCreated      UserState = "CREATED"
	UserStateSuspended    UserState = "SUSPENDED"
	UserStateBlocked      UserState = "BLOCKED"
)

// KYCStatus is Flagright's KycStatus enum.
type KYCStatus string

// The KYCStatus values.
const (
	KYCStatusSuccessful    KYCStatus = "SUCCESSFUL"
	KYCStatusFailed        KYCStatus = "FAILED"
	KYCStatusNotStarted    KYCStatus = "NOT_STARTED"
	KYCStatusInProgress    KYCStatus = "IN_PROGRESS"
	KYCStatusExpired       KYCStatus = "EXPIRED"
	KYCStatusNew           KYCStatus = "NEW"
	KYCStatusCancelled     KYCStatus = "CANCELLED"
	KYCStatusManualReview  KYCStatus = "MANUAL_REVIEW"
	KYCStatusEddInProgress KYCStatus = "EDD_IN_PROGRESS"
)

// Gender is Flagright's Gender enum.
type Gender string

// The Gender values.
const (
	GenderM  Gender = "M"
	GenderF  Gender = "F"
	GenderNb Gender = "NB"
)

// MaritalStatus is Flagright's MaritalStatus enum.
type MaritalStatus string

// The MaritalStatus values.
const (
	MaritalStatusDivorced MaritalStatus = "DIVORCED"
	MaritalStatusMarried  MaritalStatus = "MARRIED"
	MaritalStatusSingle   MaritalStatus = "SINGLE"
	MaritalStatusWidowed  MaritalStatus = "WIDOWED"
	MaritalStatusNa       MaritalStatus = "NA"
)

// PEPRank is Flagright's PepRank enum.
type PEPRank string

// The PEPRank values.
const (
	PEPRankLevel1 PEPRank = "LEVEL_1"
	PEPRankLevel2 PEPRank = "LEVEL_2"
	PEPRankLevel3 PEPRank = "LEVEL_3"
)

// RuleAction is Flagright's RuleAction enum.
type RuleAction string

// The RuleAction values.
const (
	RuleActionAllow   RuleAction = "ALLOW"
	RuleActionFlag    RuleAction = "FLAG"
	RuleActionBlock   RuleAction = "BLOCK"
	RuleActionSuspend RuleAction = "SUSPEND"
)

// RuleLabel is Flagright's RuleLabels enum.
type RuleLabel string

// The RuleLabel values.
const (
	RuleLabelUnexpectedBehavior       RuleLabel = "UNEXPECTED_BEHAVIOR"
	RuleLabelIllicitGainsCheck        RuleLabel = "ILLICIT_GAINS_CHECK"
	RuleLabelRfiTrigger               RuleLabel = "RFI_TRIGGER"
	RuleLabelEddTrigger               RuleLabel = "EDD_TRIGGER"
	RuleLabelKycTrigger               RuleLabel = "KYC_TRIGGER"
	RuleLabelScam                     RuleLabel = "SCAM"
	RuleLabelAbuse                    RuleLabel = "ABUSE"
	RuleLabelAccountTakeover          RuleLabel = "ACCOUNT_TAKEOVER"
	RuleLabelDispute                  RuleLabel = "DISPUTE"
	RuleLabelSanctions                RuleLabel = "SANCTIONS"
	RuleLabelSanctionsPep             RuleLabel = "SANCTIONS_PEP"
	RuleLabelSanctionsPepAdverseMedia RuleLabel = "SANCTIONS_PEP_ADVERSE_MEDIA"
	RuleLabelSanctionsManualReview    RuleLabel = "SANCTIONS_MANUAL_REVIEW"
)

// RuleNature is Flagright's RuleNature enum.
type RuleNature string

// The RuleNature values.
const (
	RuleNatureAml       RuleNature = "AML"
	RuleNatureFraud     RuleNature = "FRAUD"
	RuleNatureCtf       RuleNature = "CTF"
	RuleNatureScreening RuleNature = "SCREENING"
)

// RuleHitDirection is Flagright's RuleHitDirection enum.
type RuleHitDirection string

// The RuleHitDirection values.
const (
	RuleHitDirectionOrigin      RuleHitDirection = "ORIGIN"
	RuleHitDirectionDestination RuleHitDirection = "DESTINATION"
)

// SanctionsEntityType is Flagright's SanctionsDetailsEntityType enum.
type SanctionsEntityType string

// The SanctionsEntityType values.
const (
	SanctionsEntityTypeConsumerName           SanctionsEntityType = "CONSUMER_NAME"
	SanctionsEntityTypeLegalName              SanctionsEntityType = "LEGAL_NAME"
	SanctionsEntityTypeShareholder            SanctionsEntityType = "SHAREHOLDER"
	SanctionsEntityTypeDirector               SanctionsEntityType = "DIRECTOR"
	SanctionsEntityTypeNameOnCard             SanctionsEntityType = "NAME_ON_CARD"
	SanctionsEntityTypePaymentName            SanctionsEntityType = "PAYMENT_NAME"
	SanctionsEntityTypePaymentBeneficiaryName SanctionsEntityType = "PAYMENT_BENEFICIARY_NAME"
	SanctionsEntityTypeBankName               SanctionsEntityType = "BANK_NAME"
	SanctionsEntityTypeBankAccountHolderName  SanctionsEntityType = "BANK_ACCOUNT_HOLDER_NAME"
	SanctionsEntityTypeBusinessPartner        SanctionsEntityType = "BUSINESS_PARTNER"
	SanctionsEntityTypeAssociatedParty        SanctionsEntityType = "ASSOCIATED_PARTY"
	SanctionsEntityTypeConsumerAlias          SanctionsEntityType = "CONSUMER_ALIAS"
	SanctionsEntityTypeLegalEntityAlias       SanctionsEntityType = "LEGAL_ENTITY_ALIAS"
	SanctionsEntityTypeTransactionReference   SanctionsEntityType = "TRANSACTION_REFERENCE"
	SanctionsEntityTypeTransactionTag         SanctionsEntityType = "TRANSACTION_TAG"
)

// SanctionsScreeningEntity is Flagright's SanctionsScreeningEntity enum.
type SanctionsScreeningEntity string

// The SanctionsScreeningEntity values.
const (
	SanctionsScreeningEntityUser         SanctionsScreeningEntity = "USER"
	SanctionsScreeningEntityBank         SanctionsScreeningEntity = "BANK"
	SanctionsScreeningEntityIban         SanctionsScreeningEntity = "IBAN"
	SanctionsScreeningEntityExternalUser SanctionsScreeningEntity = "EXTERNAL_USER"
)

// CardBrand is Flagright's CardBrand enum.
type CardBrand string

// The CardBrand values.
const (
	CardBrandVisa            CardBrand = "VISA"
	CardBrandMastercard      CardBrand = "MASTERCARD"
	CardBrandAmericanExpress CardBrand = "AMERICAN_EXPRESS"
	CardBrandDiscover        CardBrand = "DISCOVER"
	CardBrandUnionpay        CardBrand = "UNIONPAY"
	CardBrandRupay           CardBrand = "RUPAY"
	CardBrandJcb             CardBrand = "JCB"
	CardBrandDinersClub      CardBrand = "DINERS_CLUB"
)

// CardFunding is Flagright's CardFunding enum.
type CardFunding string

// The CardFunding values.
const (
	CardFundingCredit  CardFunding = "CREDIT"
	CardFundingDebit   CardFunding = "DEBIT"
	CardFundingPrepaid CardFunding = "PREPAID"
)

// CardStatus is Flagright's CardStatus enum.
type CardStatus string

// The CardStatus values.
const (
	CardStatusActive         CardStatus = "ACTIVE"
	CardStatusFrozen         CardStatus = "FROZEN"
	CardStatusBlocked        CardStatus = "BLOCKED"
	CardStatusSuspectedFraud CardStatus = "SUSPECTED_FRAUD"
	CardStatusStolen         CardStatus = "STOLEN"
	CardStatusLost           CardStatus = "LOST"
	CardStatusClosed         CardStatus = "CLOSED"
	CardStatusOther          CardStatus = "OTHER"
)

// CardType is Flagright's CardType enum.
type CardType string

// The CardType values.
const (
	CardTypeVirtual  CardType = "VIRTUAL"
	CardTypePhysical CardType = "PHYSICAL"
)

// CounterpartyType is Flagright's CounterpartyType enum.
type CounterpartyType string

// The CounterpartyType values.
const (
	CounterpartyTypeIndividual  CounterpartyType = "INDIVIDUAL"
	CounterpartyTypeLegalEntity CounterpartyType = "LEGAL_ENTITY"
)

// POSEntryMode is Flagright's PosEntryMode enum.
type POSEntryMode string

// The POSEntryMode values.
const (
	POSEntryMode0  POSEntryMode = "0"
	POSEntryMode1  POSEntryMode = "1"
	POSEntryMode2  POSEntryMode = "2"
	POSEntryMode3  POSEntryMode = "3"
	POSEntryMode4  POSEntryMode = "4"
	POSEntryMode5  POSEntryMode = "5"
	POSEntryMode6  POSEntryMode = "6"
	POSEntryMode7  POSEntryMode = "7"
	POSEntryMode8  POSEntryMode = "8"
	POSEntryMode9  POSEntryMode = "9"
	POSEntryMode10 POSEntryMode = "10"
	POSEntryMode79 POSEntryMode = "79"
	POSEntryMode80 POSEntryMode = "80"
	POSEntryMode81 POSEntryMode = "81"
	POSEntryMode82 POSEntryMode = "82"
	POSEntryMode85 POSEntryMode = "85"
	POSEntryMode90 POSEntryMode = "90"
	POSEntryMode91 POSEntryMode = "91"
	POSEntryMode95 POSEntryMode = "95"
	POSEntryMode97 POSEntryMode = "97"
)

// MpesaTransactionType is Flagright's MpesaTransactionType enum.
type MpesaTransactionType string

// The MpesaTransactionType values.
const (
	MpesaTransactionTypeCustomerPayBillOnline  MpesaTransactionType = "CustomerPayBillOnline"
	MpesaTransactionTypeCustomerBuyGoodsOnline MpesaTransactionType = "CustomerBuyGoodsOnline"
	MpesaTransactionTypeSalaryPayment          MpesaTransactionType = "SalaryPayment"
	MpesaTransactionTypeBusinessPayment        MpesaTransactionType = "BusinessPayment"
	MpesaTransactionTypePromotionPayment       MpesaTransactionType = "PromotionPayment"
)

// WalletNetwork is Flagright's WalletNetwork enum.
type WalletNetwork string

// The WalletNetwork values.
const (
	WalletNetworkBitcoin         WalletNetwork = "BITCOIN"
	WalletNetworkEthereum        WalletNetwork = "ETHEREUM"
	WalletNetworkPolygon         WalletNetwork = "POLYGON"
	WalletNetworkBnbSmartChain   WalletNetwork = "BNB_SMART_CHAIN"
	WalletNetworkBnbBeaconChain  WalletNetwork = "BNB_BEACON_CHAIN"
	WalletNetworkArbitrumL2      WalletNetwork = "ARBITRUM_L2"
	WalletNetworkSolana          WalletNetwork = "SOLANA"
	WalletNetworkAvalancheCChain WalletNetwork = "AVALANCHE_C_CHAIN"
	WalletNetworkTezos           WalletNetwork = "TEZOS"
	WalletNetworkViction         WalletNetwork = "VICTION"
	WalletNetworkLitecoin        WalletNetwork = "LITECOIN"
	WalletNetworkBitcoinCash     WalletNetwork = "BITCOIN_CASH"
	WalletNetworkRipple          WalletNetwork = "RIPPLE"
	WalletNetworkHyperliquid     WalletNetwork = "HYPERLIQUID"
	WalletNetworkStellar         WalletNetwork = "STELLAR"
	WalletNetworkEosPublic       WalletNetwork = "EOS_PUBLIC"
	WalletNetworkTron            WalletNetwork = "TRON"
	WalletNetworkCardano         WalletNetwork = "CARDANO"
	WalletNetworkPolkadot        WalletNetwork = "POLKADOT"
	WalletNetworkNearProtocol    WalletNetwork = "NEAR_PROTOCOL"
	WalletNetworkCosmos          WalletNetwork = "COSMOS"
	WalletNetworkDogecoin        WalletNetwork = "DOGECOIN"
	WalletNetworkOptimismMainnet WalletNetwork = "OPTIMISM_MAINNET"
	WalletNetworkFantom          WalletNetwork = "FANTOM"
	WalletNetworkHedera          WalletNetwork = "HEDERA"
	WalletNetworkAlgorand        WalletNetwork = "ALGORAND"
	WalletNetworkCelestia        WalletNetwork = "CELESTIA"
	WalletNetworkBase            WalletNetwork = "BASE"
	WalletNetworkSui             WalletNetwork = "SUI"
	WalletNetworkTempo           WalletNetwork = "TEMPO"
	WalletNetworkTempoTestnet    WalletNetwork = "TEMPO_TESTNET"
)

// CheckDeliveryStatus is Flagright's CheckDeliveryStatus enum.
type CheckDeliveryStatus string

// The CheckDeliveryStatus values.
const (
	CheckDeliveryStatusCompleted CheckDeliveryStatus = "COMPLETED"
	CheckDeliveryStatusPending   CheckDeliveryStatus = "PENDING"
	CheckDeliveryStatusSettled   CheckDeliveryStatus = "SETTLED"
	CheckDeliveryStatusCanceled  CheckDeliveryStatus = "CANCELED"
	CheckDeliveryStatusRefund    CheckDeliveryStatus = "REFUND"
	CheckDeliveryStatusDeclined  CheckDeliveryStatus = "DECLINED"
)

// PaymentMethod is Flagright's PaymentMethod enum.
type PaymentMethod string

// The PaymentMethod values.
const (
	PaymentMethodAch                PaymentMethod = "ACH"
	PaymentMethodCard               PaymentMethod = "CARD"
	PaymentMethodIban               PaymentMethod = "IBAN"
	PaymentMethodUpi                PaymentMethod = "UPI"
	PaymentMethodGenericBankAccount PaymentMethod = "GENERIC_BANK_ACCOUNT"
	PaymentMethodMpesa              PaymentMethod = "MPESA"
	PaymentMethodSwift              PaymentMethod = "SWIFT"
	PaymentMethodWallet             PaymentMethod = "WALLET"
	PaymentMethodCheck              PaymentMethod = "CHECK"
	PaymentMethodCash               PaymentMethod = "CASH"
	PaymentMethodNpp                PaymentMethod = "NPP"
)
