// The official Flagright Node.js SDK (flagright 1.8.53) against the example server built
// on userevents: every call parses its response with the SDK's own schemas, and every
// failure must raise the SDK's own typed error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { FlagrightClient, Flagright } from "flagright";
import { start } from "./server.mjs";

const apiKey = "interop-test-key";
let server;
let client;

before(async () => {
  server = await start({ apiKey });
  client = new FlagrightClient({ apiKey, baseUrl: server.baseUrl });
});
after(async () => server && (await server.stop()));

const noRetry = { maxRetries: 0 };

const consumer = {
  userId: "sdk-user-1",
  createdTimestamp: 1700000000000,
  userDetails: {
    name: { firstName: "Ada", lastName: "Lovelace" },
    dateOfBirth: "1985-12-10",
    countryOfResidence: "GB",
  },
  userStateDetails: { state: "CREATED", reason: "signup" },
  kycStatusDetails: { status: "IN_PROGRESS" },
  legalDocuments: [{ documentType: "passport", documentNumber: "P1", documentIssuedCountry: "GB" }],
  transactionLimits: { maximumDailyTransactionLimit: { amountValue: 1000.5, amountCurrency: "GBP" } },
  tags: [{ key: "tier", value: "gold" }],
};

test("creates consumer and business users", async () => {
  const c = await client.consumerUsers.create({ body: consumer }, noRetry);
  assert.equal(c.userId, "sdk-user-1");
  const b = await client.businessUsers.create(
    {
      body: {
        userId: "sdk-business-1",
        createdTimestamp: 1700000000000,
        legalEntity: { companyGeneralDetails: { legalName: "ACME Ltd" } },
        userStateDetails: { state: "ACTIVE" },
      },
    },
    noRetry,
  );
  assert.equal(b.userId, "sdk-business-1");
});

test("posts events with every query flag and reads them back", async () => {
  const event = {
    timestamp: 1700000100000,
    userId: "sdk-user-1",
    eventId: "sdk-event-1",
    reason: "KYC passed",
    eventDescription: "automated review",
    updatedConsumerUserAttributes: {
      userStateDetails: { state: "ACTIVE" },
      kycStatusDetails: { status: "SUCCESSFUL", reason: "passport verified" },
      userDetails: { name: { firstName: "Ada", middleName: "King" } },
      riskLevel: "HIGH",
      tags: [{ key: "segment", value: "retail" }],
    },
    externalLinks: ["https://crm.example.com/sdk-user-1"],
  };
  const user = await client.consumerUserEvents.create(
    { allowUserTypeConversion: "true", lockKycRiskLevel: "true", lockCraRiskLevel: "false", body: event },
    noRetry,
  );
  // The SDK parsed the user after the event.
  assert.equal(user.userId, "sdk-user-1");
  assert.equal(user.userStateDetails.state, "ACTIVE");
  assert.equal(user.userStateDetails.reason, "KYC passed");
  assert.deepEqual(user.kycStatusDetails, { status: "SUCCESSFUL", reason: "passport verified" });
  assert.deepEqual(user.userDetails.name, { firstName: "Ada", middleName: "King", lastName: "Lovelace" });
  assert.equal(user.riskLevel, "HIGH");
  assert.deepEqual(user.tags, [
    { key: "tier", value: "gold" },
    { key: "segment", value: "retail" },
  ]);
  assert.deepEqual(user.transactionLimits, consumer.transactionLimits);
  assert.deepEqual(user.externalLinks, event.externalLinks);

  // The event as stored is the event as sent.
  const stored = await client.consumerUserEvents.get("sdk-event-1", noRetry);
  assert.deepEqual(stored, event);

  // Sending it again is idempotent: the same user comes back.
  const again = await client.consumerUserEvents.create(
    { allowUserTypeConversion: "true", lockKycRiskLevel: "true", lockCraRiskLevel: "false", body: event },
    noRetry,
  );
  assert.deepEqual(again, user);
});

test("converts a business user with allowUserTypeConversion", async () => {
  const user = await client.consumerUserEvents.create(
    {
      allowUserTypeConversion: "true",
      body: {
        timestamp: 1700000200000,
        userId: "sdk-business-1",
        eventId: "sdk-event-convert",
        updatedConsumerUserAttributes: { userDetails: { name: { firstName: "Wile" } } },
      },
    },
    noRetry,
  );
  assert.deepEqual(user, { userId: "sdk-business-1", createdTimestamp: 1700000000000, userDetails: { name: { firstName: "Wile" } } });
});

test("posts a batch and reads it back", async () => {
  const data = [
    { timestamp: 1700000300000, userId: "sdk-user-1", eventId: "sdk-batch-1", updatedConsumerUserAttributes: { occupation: "poet" } },
    { timestamp: 1700000300000, userId: "nobody", eventId: "sdk-batch-2" },
  ];
  const res = await client.batch.createConsumerUserEvents({ lockCraRiskLevel: "true", batchId: "sdk-batch", data }, noRetry);
  assert.deepEqual(res, {
    status: "PARTIAL_FAILURE",
    batchId: "sdk-batch",
    successful: 1,
    failed: 1,
    failedRecords: [{ id: "sdk-batch-2", reasonCode: "ID_NOT_FOUND" }],
  });
  const list = await client.batch.getConsumerUserEvents("sdk-batch", {}, noRetry);
  assert.equal(list.totalCount, 1);
  assert.deepEqual(list.consumerUserEvents[0], data[0]);
});

test("raises BadRequestError for an invalid event", async () => {
  // The SDK's schema accepts any number; the API refuses a timestamp in seconds.
  await assert.rejects(
    client.consumerUserEvents.create({ body: { timestamp: 1700000000, userId: "sdk-user-1" } }, noRetry),
    (err) => {
      assert.ok(err instanceof Flagright.BadRequestError, `got ${err?.constructor?.name}`);
      assert.equal(err.statusCode, 400);
      assert.match(err.body.validationErrors, /^timestamp: .*\(out_of_range\)$/);
      return true;
    },
  );
});

test("raises UnauthorizedError for a wrong API key", async () => {
  const intruder = new FlagrightClient({ apiKey: "wrong", baseUrl: server.baseUrl });
  await assert.rejects(intruder.consumerUserEvents.get("sdk-event-1", noRetry), (err) => {
    assert.ok(err instanceof Flagright.UnauthorizedError, `got ${err?.constructor?.name}`);
    assert.equal(err.statusCode, 401);
    return true;
  });
});

test("raises NotFoundError for an unknown batch", async () => {
  await assert.rejects(client.batch.getConsumerUserEvents("no-such-batch", {}, noRetry), (err) => {
    assert.ok(err instanceof Flagright.NotFoundError, `got ${err?.constructor?.name}`);
    assert.equal(err.statusCode, 404);
    return true;
  });
});

test("raises ConflictError for a reused event id", async () => {
  await assert.rejects(
    client.consumerUserEvents.create(
      { body: { timestamp: 1700000400000, userId: "sdk-user-1", eventId: "sdk-event-1", reason: "something else" } },
      noRetry,
    ),
    (err) => {
      assert.ok(err instanceof Flagright.ConflictError, `got ${err?.constructor?.name}`);
      assert.equal(err.statusCode, 409);
      return true;
    },
  );
});
