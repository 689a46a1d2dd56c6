/**
 * Victim-access grants: the victims subgraph's answer to `/internal/victim-access`
 * (route.ts), given ahead of the question. When the hub's gateway plans a request that
 * starts at the victims subgraph and continues in others (an embassy's dashboard:
 * nationals, then their placements, documents and repatriation), it asks the victims
 * fetch for a grant covering the people that fetch returned (`GRANT_WANTED_HEADER`), and
 * hands it to the later fetches of the same request (`GRANT_REQUEST_EXTENSION`), which
 * then need not ask themselves (gateway/victim-access-grants.ts).
 *
 * A grant is the route's answer sealed by platform/auth/sealed-payload.ts: opaque to the
 * gateway and the client, bound to the caller's token, to the request id the gateway made
 * and to ten seconds, and signed inside the seal with the victims subgraph's own key, so
 * it is authentic to the victims subgraph alone: the other subgraphs hold the service
 * secret too, and could otherwise seal a grant of their own. The victims subgraph seals one only for a request the gateway signed
 * (subgraphs/victims/victim-access.ts); a grant that fails any check is ignored and the
 * subgraph asks, exactly as without one (asking.ts): a grant can save a question, never
 * widen an answer.
 *
 * It holds only the facts some asker may be told (the union over VICTIM_FACTS_FOR; each
 * asker keeps its own, `factsFor`), in a compact binary form (`encodeGrant`): about 20
 * bytes a person instead of ~270 as JSON, since it rides in the body of every later fetch.
 */
import { createSealedPayloads, type PayloadSigning, type SealedPayloads } from "../../platform/auth/sealed-payload";
import { VICTIM_FACTS_FOR, type ConsentName, type VictimAccess } from "./route";

/** The one process that seals grants, with its own key (the route's answerer): askers verify with its public key. */
export const GRANT_SEALER = "victims";
/** Request header by which the gateway asks the victims subgraph for a grant. */
export const GRANT_WANTED_HEADER = "x-hub-grant"; // signed (platform/auth/request-signature.ts SIGNED_HEADERS)
/** Response extension carrying the grant from the victims subgraph to the gateway. */
export const GRANT_RESPONSE_EXTENSION = "victimAccessGrant";
/** Request extension carrying grants from the gateway to the other subgraphs. */
export const GRANT_REQUEST_EXTENSION = "victimAccessGrants";
/** A request's fetches carry at most this many grants (one per victims fetch of the plan). */
export const MAX_GRANTS_PER_REQUEST = 8;
/** A grant names at most this many people (the route's own limit per question). */
export const MAX_PEOPLE_PER_GRANT = 1000;

const ALL_NEEDS = Object.values(VICTIM_FACTS_FOR);
/** The consents some asker may be told of, in the route's order (by kind): one bit each. */
export const GRANT_CONSENTS: readonly ConsentName[] = [...new Set(ALL_NEEDS.flatMap((needs) => needs.consents))].sort();
/** Whether some asker may be told the owner organisation and escort need. */
export const GRANT_REPATRIATION_FACTS = ALL_NEEDS.some((needs) => needs.repatriationFacts);

const OWNER_BIT = 1;
const ESCORT_BIT = 2;
const FIRST_CONSENT_BIT = 4;
const KNOWN_BITS = FIRST_CONSENT_BIT * 2 ** GRANT_CONSENTS.length - 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_TEXT_BYTES = 255;

/**
 * The grant's bytes: a table of the texts it names (nationalities, owner organisations),
 * then per person its id (16 bytes), the index of its nationality (and owner) in the table
 * (1 byte each, or 2 when the table is longer than 256) and one byte of flags: acts as
 * owner, escort needed, one bit per consent of GRANT_CONSENTS. Throws on what it cannot
 * hold exactly (an id that is not a lowercase UUID, a text over 255 bytes): then no grant
 * is sealed and the askers ask.
 */
export function encodeGrant(visible: readonly VictimAccess[]): Buffer {
  if (visible.length > MAX_PEOPLE_PER_GRANT) throw new Error("a grant names at most 1,000 people");
  const texts = new Map<string, number>();
  const indexOf = (text: string) => {
    let index = texts.get(text);
    if (index === undefined) {
      if (Buffer.byteLength(text) > MAX_TEXT_BYTES) throw new Error("a grant's text is too long");
      index = texts.size;
      texts.set(text, index);
    }
    return index;
  };
  const people = visible.map((access) => {
    if (!UUID.test(access.id)) throw new Error("a grant names people by their UUID");
    let flags =
      (access.actsAsOwner ? OWNER_BIT : 0) |
      (GRANT_REPATRIATION_FACTS && access.requiresMedicalEscort ? ESCORT_BIT : 0);
    GRANT_CONSENTS.forEach((consent, bit) => {
      if (access.consents.includes(consent)) flags |= FIRST_CONSENT_BIT << bit;
    });
    if (GRANT_REPATRIATION_FACTS && typeof access.ownerOrg !== "string") throw new Error("a grant needs the owner");
    return {
      id: Buffer.from(access.id.replaceAll("-", ""), "hex"),
      nationality: indexOf(access.nationality),
      owner: GRANT_REPATRIATION_FACTS ? indexOf(access.ownerOrg!) : 0,
      flags,
    };
  });
  const wide = texts.size > 256;
  const width = wide ? 2 : 1;
  const parts: Buffer[] = [];
  const head = Buffer.alloc(3);
  head.writeUInt8(width, 0);
  head.writeUInt16BE(texts.size, 1);
  parts.push(head);
  for (const text of texts.keys()) {
    const bytes = Buffer.from(text, "utf8");
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  const perPerson = 16 + width * (GRANT_REPATRIATION_FACTS ? 2 : 1) + 1;
  const body = Buffer.alloc(2 + people.length * perPerson);
  body.writeUInt16BE(people.length, 0);
  let at = 2;
  const writeIndex = (index: number) => {
    at = wide ? body.writeUInt16BE(index, at) : body.writeUInt8(index, at);
  };
  for (const person of people) {
    person.id.copy(body, at);
    at += 16;
    writeIndex(person.nationality);
    if (GRANT_REPATRIATION_FACTS) writeIndex(person.owner);
    at = body.writeUInt8(person.flags, at);
  }
  parts.push(body);
  return Buffer.concat(parts);
}

/** The people of a grant's bytes, or undefined unless they are exactly what `encodeGrant` writes. */
export function decodeGrant(bytes: Buffer): VictimAccess[] | undefined {
  let at = 0;
  const need = (count: number) => {
    if (at + count > bytes.length) throw new RangeError("short grant");
  };
  try {
    need(3);
    const width = bytes.readUInt8(0);
    if (width !== 1 && width !== 2) return undefined;
    const textCount = bytes.readUInt16BE(1);
    at = 3;
    const texts: string[] = [];
    for (let index = 0; index < textCount; index++) {
      need(1);
      const length = bytes.readUInt8(at);
      at += 1;
      need(length);
      texts.push(bytes.toString("utf8", at, at + length));
      at += length;
    }
    need(2);
    const count = bytes.readUInt16BE(at);
    at += 2;
    if (count > MAX_PEOPLE_PER_GRANT) return undefined;
    const readText = () => {
      need(width);
      const index = width === 2 ? bytes.readUInt16BE(at) : bytes.readUInt8(at);
      at += width;
      if (index >= texts.length) throw new RangeError("no such text");
      return texts[index];
    };
    const visible: VictimAccess[] = [];
    for (let person = 0; person < count; person++) {
      need(16);
      const hex = bytes.toString("hex", at, at + 16);
      at += 16;
      const nationality = readText();
      const ownerOrg = GRANT_REPATRIATION_FACTS ? readText() : undefined;
      need(1);
      const flags = bytes.readUInt8(at);
      at += 1;
      if ((flags & ~KNOWN_BITS) !== 0) return undefined;
      const access: VictimAccess = {
        id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
        actsAsOwner: (flags & OWNER_BIT) !== 0,
        nationality,
        consents: GRANT_CONSENTS.filter((_consent, bit) => (flags & (FIRST_CONSENT_BIT << bit)) !== 0),
      };
      if (GRANT_REPATRIATION_FACTS) {
        access.ownerOrg = ownerOrg;
        access.requiresMedicalEscort = (flags & ESCORT_BIT) !== 0;
      }
      visible.push(access);
    }
    return at === bytes.length ? visible : undefined;
  } catch {
    return undefined;
  }
}

export type VictimAccessGrants = SealedPayloads<VictimAccess[]>;

/**
 * `signing`: the victims subgraph's key pair (it seals), or only its public key (an asker:
 * it opens only grants that key verifies; without one, none).
 */
export function createVictimAccessGrants(
  secretText: string,
  signing: PayloadSigning,
  now: () => number = Date.now,
): VictimAccessGrants {
  return createSealedPayloads<VictimAccess[]>(
    secretText,
    {
      purpose: "survivor-hub victim-access grant",
      // g3: signed by the victims subgraph's key inside the seal (g2: the compact encoding, caller and request bound
      // as additional data; g1 was JSON).
      version: "g3",
      signing,
      lifetimeMs: 10_000,
      // 1,000 people at ~22 bytes, base64: far below this many characters.
      maxLength: 64 * 1024,
      encode: encodeGrant,
      decode: decodeGrant,
    },
    now,
  );
}
