package main

// Example runs the quickstart and pins its output: the program is documentation, and
// this keeps it true.
func Example() {
	main()
	// Output:
	// created users ada (consumer) and acme (business)
	//
	// == KYC in progress
	// applied ev-1: version 2, changed kycStatusDetails.reason, kycStatusDetails.status
	//   KYC NOT_STARTED -> IN_PROGRESS
	//
	// == KYC successful, with the passport checked
	// applied ev-2: version 3, changed kycStatusDetails.reason, kycStatusDetails.status, legalDocuments
	//   KYC IN_PROGRESS -> SUCCESSFUL
	//
	// == state to ACTIVE
	// applied ev-3: version 4, changed userStateDetails.reason, userStateDetails.state
	//   state CREATED -> ACTIVE
	//
	// == an address change
	// applied ev-4: version 5, changed contactDetails.addresses
	//
	// == the same event again
	// duplicate of ev-4: nothing changed, the stored outcome is returned (version 5)
	//
	// == a bad event
	// refused (HTTP 400), 4 problems:
	//   timestamp: must be a timestamp in milliseconds since the Unix epoch, from 315529200000 (1979-12-31) to 4133890801000 (2100-12-30) (out_of_range)
	//   updatedConsumerUserAttributes.userDetails.dateOfBirth: must be a real calendar date (invalid_format)
	//   updatedConsumerUserAttributes.userDetails.countryOfResidence: must be one of the CountryCode values (invalid_enum)
	//   updatedConsumerUserAttributes.contactDetails.emailIds[0]: must be a bare email address such as name@example.com (invalid_format)
	//
	// == a state change the lifecycle refuses
	// refused (HTTP 400): userevents: transition not allowed: userStateDetails.state from "ACTIVE" to "CREATED": userStateDetails.state cannot change from ACTIVE to CREATED
	//
	// == an event for the business user, without the flag
	// refused (HTTP 400): userevents: converting a BUSINESS user to a CONSUMER user is not allowed (user "acme")
	//
	// == the same, allowing the conversion and keeping the user ACTIVE
	// converted business user "acme" to a consumer user
	// applied ev-8: version 2, changed legalEntity, userDetails.name.firstName, userDetails.name.lastName
	//
	// event ev-2 as stored: version 3, changes kycStatusDetails.reason, kycStatusDetails.status, legalDocuments
}
