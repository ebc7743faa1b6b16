// Differential test: a corpus of event bodies, valid ones and mutations of them, is
// parsed by the official SDK's serialization.ConsumerUserEvent in strict mode and by the
// library (DecodeEvent + Validate at Compatible, through the example server). Every body
// the SDK rejects, the library must reject, with the same field path, except where the
// library's model (Flagright's Go SDK v1.8.61) is ahead of npm flagright 1.8.53: those
// differences are found by probing the SDK's schemas with the library's model (model.json,
// written by go generate) and kept as the named allow-list below.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { serialization } from "flagright";
import { start } from "./server.mjs";

const model = JSON.parse(readFileSync(new URL("../model.json", import.meta.url)));
const fullEvent = JSON.parse(readFileSync(new URL("../../testdata/full-event.json", import.meta.url)));

const apiKey = "differential-key";
let server;
before(async () => (server = await start({ apiKey, level: "compatible" })));
after(async () => server && (await server.stop()));

const clone = (v) => JSON.parse(JSON.stringify(v));
// pathString renders a path as the library does; the SDK gives array indexes as "[i]".
const pathString = (p) =>
  p.reduce((s, k) => {
    k = String(k);
    if (/^\d+$/.test(k)) return `${s}[${k}]`;
    if (/^\[\d+\]$/.test(k)) return s + k;
    return s ? `${s}.${k}` : k;
  }, "");

// sdkVerdict parses a body with the SDK's strict settings and returns the error paths.
function sdkVerdict(body) {
  const r = serialization.ConsumerUserEvent.parse(body, {
    unrecognizedObjectKeys: "fail",
    allowUnrecognizedEnumValues: false,
    allowUnrecognizedUnionMembers: false,
    skipValidation: false,
    breadcrumbsPrefix: [],
  });
  if (r.ok) return [];
  return r.errors.map((e) => {
    const m = /^Missing required key "(.*)"$/.exec(e.message);
    // The SDK loses the path of a value that should be a list ("Expected list"): it
    // reports the document. Such a path matches wherever the library puts the problem.
    if (e.path.length === 0 && /^Expected list/.test(e.message)) return ANYWHERE;
    return pathString(m ? [...e.path, m[1]] : e.path);
  });
}

const ANYWHERE = "(the SDK gives no path)";

// libraryVerdict posts a body to the server (for a user that does not exist, so that a
// valid event answers 404 and changes nothing) and returns the problem paths and codes.
async function libraryVerdict(body) {
  const res = await fetch(`${server.baseUrl}/events/consumer/user`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const reply = await res.json();
  if (res.status === 404) return { paths: [], codes: [] };
  assert.equal(res.status, 400, `unexpected status ${res.status}: ${JSON.stringify(reply)}`);
  const problems = reply.validationErrors.split("; ").map((p) => /^(.*): .* \((\w+)\)$/.exec(p));
  return { paths: problems.map((m) => (m[1] === "(document)" ? "" : m[1])), codes: problems.map((m) => m[2]) };
}

// visit calls f(path, member, value, typeName) for every member of a value of the
// library's model type typeName, following objects, unions and array elements.
function visit(typeName, value, path, f) {
  for (const m of model.objects[typeName] ?? []) {
    if (!(m.name in value)) continue;
    const v = value[m.name];
    const p = [...path, m.name];
    f(p, m, v, typeName);
    const walkElem = (elemType, ev, ep) => {
      if (model.unions[elemType]) elemType = model.unions[elemType][ev.method];
      if (model.objects[elemType] && ev && typeof ev === "object") visit(elemType, ev, ep, f);
    };
    if (m.kind === "object") walkElem(m.type, v, p);
    // Array elements: the first, or every element of a union (each may be another type).
    if (m.kind === "array") {
      v.slice(0, model.unions[m.elem] ? v.length : 1).forEach((ev, i) => {
        f([...p, i], { ...m, kind: "element" }, ev, typeName);
        walkElem(m.elem, ev, [...p, i]);
      });
    }
  }
}

const getAt = (obj, p) => p.reduce((o, k) => o[k], obj);
const setAt = (obj, p, v) => (getAt(obj, p.slice(0, -1))[p[p.length - 1]] = v);
const deleteAt = (obj, p) => delete getAt(obj, p.slice(0, -1))[p[p.length - 1]];
const normal = (p) => pathString(p).replace(/\[\d+\]/g, "[]");

// The allow-list, computed: members of the library's model that the SDK does not know,
// and enum values it does not accept.
function aheadOfSDK() {
  const members = new Set();
  for (const p of sdkVerdict(fullEvent)) members.add(p.replace(/\[\d+\]/g, "[]"));
  const values = new Map(); // enum type -> values the SDK refuses
  const where = new Map(); // enum type -> a path where the probe set it
  // Remove the unknown members, everywhere, so that the base is valid for the SDK.
  const base = clone(fullEvent);
  const prune = (v, path) => {
    if (Array.isArray(v)) v.forEach((e, i) => prune(e, [...path, i]));
    else if (v && typeof v === "object")
      for (const k of Object.keys(v)) members.has(normal([...path, k])) ? delete v[k] : prune(v[k], [...path, k]);
  };
  prune(base, []);
  const probed = new Set();
  visit("ConsumerUserEvent", clone(base), [], (p, m) => {
    const type = m.kind === "enum" ? m.type : m.kind === "element" && model.enums[m.elem] ? m.elem : null;
    if (!type || probed.has(type)) return; // one place per enum type is enough
    probed.add(type);
    where.set(type, p);
    for (const v of model.enums[type]) {
      const body = clone(base);
      setAt(body, p, v);
      if (sdkVerdict(body).includes(pathString(p))) {
        if (!values.has(type)) values.set(type, new Set());
        values.get(type).add(v);
      }
    }
  });
  return { members, values, where, base };
}

test("every body the SDK rejects, the library rejects at the same path", async (t) => {
  const ahead = aheadOfSDK();
  t.diagnostic(`members ahead of the SDK: ${[...ahead.members].join(", ")}`);
  for (const [type, vs] of ahead.values) t.diagnostic(`${type} values ahead of the SDK: ${[...vs].join(", ")}`);
  // The named allow-list, as found: what Flagright's newer model adds.
  assert.ok(ahead.members.has("newUserId"), "newUserId should be ahead of npm 1.8.53");
  assert.ok(ahead.members.has("updatedConsumerUserAttributes.userDetails.secondaryCountryOfNationality"));
  assert.deepEqual([...(ahead.values.get("SourceOfFunds") ?? [])].sort(), ["Dividends", "Loan", "Other"]);

  // Bases: valid for both.
  const bases = [
    ahead.base,
    { timestamp: 1700000500000, userId: "nobody", reason: "analyst review", updatedConsumerUserAttributes: { userStateDetails: { state: "ACTIVE" } } },
    {
      timestamp: 1700000500000,
      userId: "nobody",
      updatedConsumerUserAttributes: {
        kycStatusDetails: { status: "SUCCESSFUL", reason: "passport verified" },
        legalDocuments: [{ documentType: "passport", documentNumber: "X1234567", documentIssuedCountry: "DE", documentIssuedDate: 1600000000000, documentExpirationDate: 1900000000000 }],
      },
    },
  ];
  for (const b of bases) b.userId = "nobody";
  const corpus = [];
  for (const base of bases) {
    corpus.push({ kind: "valid", body: base });
    visit("ConsumerUserEvent", clone(base), [], (p, m, v) => {
      const add = (kind, mutate) => {
        const body = clone(base);
        mutate(body);
        corpus.push({ kind, body, path: pathString(p) });
      };
      if (m.kind === "enum" || (m.kind === "element" && model.enums[m.elem])) add("wrong enum", (b) => setAt(b, p, "NOT_A_VALUE"));
      if (typeof v === "string") add("wrong type", (b) => setAt(b, p, 12345));
      else if (typeof v === "number") add("wrong type", (b) => setAt(b, p, String(v)));
      else if (typeof v === "boolean") add("wrong type", (b) => setAt(b, p, "yes"));
      else if (Array.isArray(v)) add("wrong type", (b) => setAt(b, p, { not: "an array" }));
      else if (v && typeof v === "object") {
        add("wrong type", (b) => setAt(b, p, "not an object"));
        add("unknown key", (b) => (getAt(b, p).zzUnknownKey = 1));
      }
      if (m.required && m.kind !== "element") add("missing required", (b) => deleteAt(b, p));
    });
  }
  // The bodies that use what is ahead of the SDK.
  corpus.push({ kind: "ahead", body: { ...bases[1], newUserId: "other" } });
  for (const [type, vs] of ahead.values) {
    for (const v of vs) {
      const body = clone(ahead.base);
      setAt(body, ahead.where.get(type), v);
      corpus.push({ kind: "ahead", body });
    }
  }
  // Bodies the library refuses although the SDK's schema accepts them: the OpenAPI
  // constraints and the library's stricter decoding.
  const small = bases[1];
  const stricter = {
    "timestamp out of range (the seed's 1.1)": { ...small, timestamp: 1.1 },
    "timestamp in seconds": { ...small, timestamp: 1700000000 },
    "null on an optional member": { ...small, reason: null },
    "empty eventId": { ...small, eventId: "" },
    "empty postcode (minLength)": { ...small, updatedConsumerUserAttributes: { contactDetails: { addresses: [{ addressLines: ["a"], postcode: "" }] } } },
    "date of birth not a date (pattern)": { ...small, updatedConsumerUserAttributes: { userDetails: { dateOfBirth: "01/02/1991" } } },
    "card last digits too short (minLength)": { ...small, updatedConsumerUserAttributes: { savedPaymentDetails: [{ method: "CARD", cardLast4Digits: "12" }] } },
    "empty enum": { ...small, updatedConsumerUserAttributes: { riskLevel: "" } },
    "fractional integer": { ...small, updatedConsumerUserAttributes: { savedPaymentDetails: [{ method: "CARD", cardExpiry: { month: 1.5 } }] } },
  };
  for (const [kind, body] of Object.entries(stricter)) corpus.push({ kind, body });
  t.diagnostic(`corpus: ${corpus.length} bodies`);
  assert.ok(corpus.length >= 500, `only ${corpus.length} bodies`);

  const counts = { both: 0, noSDKPath: 0, neither: 0, sdkOnly: 0, libraryOnly: 0 };
  const libraryOnly = new Map();
  const disagreements = [];
  for (const c of corpus) {
    const sdk = sdkVerdict(c.body);
    const lib = await libraryVerdict(c.body);
    if (sdk.length && lib.paths.length) {
      counts.both++;
      if (sdk.includes(ANYWHERE)) counts.noSDKPath++;
      else if (!sdk.some((p) => lib.paths.includes(p))) disagreements.push(`${c.kind} at ${c.path}: SDK ${sdk} library ${lib.paths}`);
    } else if (sdk.length) {
      counts.sdkOnly++;
      const explained = c.kind === "ahead" || sdk.every((p) => ahead.members.has(p.replace(/\[\d+\]/g, "[]")));
      if (!explained) disagreements.push(`${c.kind} at ${c.path}: SDK rejects (${sdk}), library accepts`);
    } else if (lib.paths.length) {
      counts.libraryOnly++;
      const key = `${c.kind}: ${[...new Set(lib.codes)].join("+")}`;
      libraryOnly.set(key, (libraryOnly.get(key) ?? 0) + 1);
    } else counts.neither++;
  }
  t.diagnostic(`both reject: ${counts.both} (of which the SDK gave no path: ${counts.noSDKPath}); SDK only: ${counts.sdkOnly} (all ahead of the SDK); library only: ${counts.libraryOnly}; both accept: ${counts.neither}`);
  for (const [k, n] of libraryOnly) t.diagnostic(`library only, ${k}: ${n}`);
  assert.deepEqual(disagreements.slice(0, 20), []);
});
