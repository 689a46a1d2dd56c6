/** Every persona gets in; a missing or bad token gets HTTP 401 and no data, at the gateway and at each subgraph. */
import jwt from "jsonwebtoken";
import { generateKeyPairSync } from "node:crypto";
import { ensureDevKeyPair } from "../platform/auth/keys";
import { createServiceCredentials, loadServiceSecret } from "../platform/auth/service-credentials";
import { SUBGRAPH_NAMES } from "../subgraphs/index";
import {
  asPersona,
  gatewayUrl,
  hubFetch,
  PERSONAS,
  postGraphQL,
  subgraphUrl,
  testAuthConfig,
  tokenFor,
} from "./support/hub";

const QUERY = "{ shelters(first: 1) { totalCount } }";

function sign(claims: Record<string, unknown>, options: jwt.SignOptions = {}, key?: string): string {
  const auth = testAuthConfig();
  return jwt.sign(claims, key ?? ensureDevKeyPair(auth.devKeyDir).privateKey, {
    algorithm: "RS256",
    issuer: auth.issuer,
    audience: auth.audience,
    subject: "tester",
    expiresIn: "5m",
    ...options,
  });
}

const valid = { org: "gov-mdt", role: "government" };

function badTokens(): Array<[string, string | undefined, RegExp]> {
  const auth = testAuthConfig();
  const { publicKey } = ensureDevKeyPair(auth.devKeyDir);
  const strangerKey = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  const good = sign(valid);
  const [header, , signature] = good.split(".");
  const tamperedPayload = Buffer.from(
    JSON.stringify({ ...(jwt.decode(good) as object), role: "government", org: "ngo-evil" }),
  ).toString("base64url");
  const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify({ ...valid, iss: auth.issuer, aud: auth.audience, sub: "x", exp: Math.floor(Date.now() / 1000) + 300 })).toString("base64url")}.`;
  return [
    ["no token", undefined, /Authentication required/],
    ["not a bearer header", `Basic ${Buffer.from("a:b").toString("base64")}`, /expected `Bearer <token>`/],
    ["garbage", "Bearer not.a.token", /malformed/],
    ["expired", `Bearer ${sign(valid, { expiresIn: -60 })}`, /expired/],
    ["not yet valid", `Bearer ${sign(valid, { notBefore: 3600 })}`, /not valid yet/],
    ["wrong issuer", `Bearer ${sign(valid, { issuer: "someone-else" })}`, /issuer/],
    ["wrong audience", `Bearer ${sign(valid, { audience: "another-api" })}`, /audience/],
    ["alg none", `Bearer ${unsigned}`, /not signed|algorithm|malformed/],
    [
      "HS256 signed with the public key",
      `Bearer ${jwt.sign({ ...valid, sub: "x" }, publicKey, { algorithm: "HS256", issuer: auth.issuer, audience: auth.audience, expiresIn: "5m" })}`,
      /algorithm/,
    ],
    ["signed by another key", `Bearer ${sign(valid, {}, strangerKey)}`, /signature/],
    ["tampered payload", `Bearer ${header}.${tamperedPayload}.${signature}`, /signature/],
    ["unknown role", `Bearer ${sign({ org: "x", role: "superuser" })}`, /role/],
    ["embassy without country", `Bearer ${sign({ org: "embassy-PH", role: "embassy" })}`, /country/],
    ["shelter without shelter", `Bearer ${sign({ org: "shelter-maesot-1", role: "shelter" })}`, /shelter/],
    [
      "no expiry",
      `Bearer ${jwt.sign({ ...valid, sub: "x" }, ensureDevKeyPair(auth.devKeyDir).privateKey, { algorithm: "RS256", issuer: auth.issuer, audience: auth.audience })}`,
      /expiry/,
    ],
  ];
}

describe("authentication", () => {
  it.each(Object.entries(PERSONAS))("lets the %s persona in", async (_name, persona) => {
    const response = await asPersona(persona, QUERY);
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });

  const targets = () => [["gateway", gatewayUrl()], ...SUBGRAPH_NAMES.map((name) => [name, subgraphUrl(name)])];

  it("refuses every bad token with HTTP 401, a clear message and no data — at the gateway and at each subgraph", async () => {
    for (const [label, authorization, message] of badTokens()) {
      for (const [target, url] of targets()) {
        const response = await postGraphQL(url, { query: "{ __typename }" }, authorization);
        expect({ label, target, status: response.status }).toEqual({ label, target, status: 401 });
        expect(response.data).toBeUndefined();
        expect(response.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
        expect(response.errors?.[0].message).toMatch(message);
      }
    }
  });

  describe("service-to-service routes", () => {
    const accessUrl = () => subgraphUrl("victims").replace("/graphql", "/internal/victim-access");
    const serviceCredential = () =>
      createServiceCredentials("embassies", loadServiceSecret({ devKeyDir: testAuthConfig().devKeyDir })).current();
    // Signed as the embassies subgraph signs its questions.
    const ask = (headers: Record<string, string>) =>
      hubFetch(
        accessUrl(),
        {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ ids: [] }),
        },
        { signer: "embassies" },
      );

    it("refuse a client, even one with a valid token: only a hub subgraph may ask", async () => {
      const unsigned = await hubFetch(
        accessUrl(),
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokenFor(PERSONAS.embassyPH)}` },
          body: JSON.stringify({ ids: [] }),
        },
        { unsigned: true },
      );
      expect(unsigned.status).toBe(403);
      const response = await ask({ authorization: `Bearer ${tokenFor(PERSONAS.embassyPH)}` });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        errors: [
          {
            message: "This route answers hub subgraphs only",
            extensions: expect.objectContaining({ code: "FORBIDDEN" }),
          },
        ],
      });
      const forged = await ask({
        authorization: `Bearer ${tokenFor(PERSONAS.embassyPH)}`,
        "x-hub-service": tokenFor(PERSONAS.government),
      });
      expect(forged.status).toBe(403);
    });

    it("refuse a subgraph asking without the caller's valid token", async () => {
      expect((await ask({ "x-hub-service": serviceCredential() })).status).toBe(401);
    });

    it("answer a subgraph asking for a caller", async () => {
      const response = await ask({
        "x-hub-service": serviceCredential(),
        authorization: `Bearer ${tokenFor(PERSONAS.embassyPH)}`,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ visible: [] });
    });
  });
});
