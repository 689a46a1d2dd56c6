/**
 * The benchmark's data set, on top of the demo release: more people (case
 * numbers BX-…), with consents, placements in bench shelters, verifications, travel
 * documents and repatriation cases in proportion — written straight with SQL (set-based,
 * a statement per table), since the point is the size, not the path. A third are
 * Philippine, so the embassy dashboard has full pages at every size.
 */
import { Client } from "pg";
import { ORIGIN_COUNTRIES } from "../../demo/release";
import type { SubgraphName } from "../../subgraphs/index";
import { RECOUNT_OCCUPANCY_SQL } from "../../subgraphs/shelters/beds";
import {
  TRAVEL_DOCUMENT_NUMBER,
  TRAVEL_DOCUMENT_NUMBER_MATCH,
} from "../../subgraphs/embassies/entities/travel-document";
import { installBenchDataKeys } from "./settings";

const BRACKETS = ["AGE_18_25", "AGE_26_35", "AGE_36_50", "AGE_14_17", "OVER_50", "UNDER_14"];
const STATES = ["REQUESTED", "DOCUMENTS_PENDING", "READY", "TRAVEL_BOOKED", "DEPARTED", "ARRIVED", "CANCELLED"];

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Adds people numbered `from`..`to` (inclusive) to the four databases. */
export async function seedBench(urls: Record<SubgraphName, string>, from: number, to: number): Promise<void> {
  installBenchDataKeys();
  const countries = ORIGIN_COUNTRIES.map((country) => country.code);
  const people: Array<{ id: string; nationality: string; owner_org: string; n: number }> = await withClient(
    urls.victims,
    async (client) => {
      await client.query(
        `INSERT INTO victim (case_number, nationality, gender, age_bracket, preferred_name, languages, legal_name, nrm_status, identified_at, rescued_at,
                           rescue_location, owner_org, requires_medical_escort, medical_needs)
       SELECT 'BX-' || lpad(n::text, 7, '0'), CASE WHEN n % 3 = 0 THEN 'PH' ELSE ($3::text[])[1 + n % array_length($3::text[], 1)] END,
              (ARRAY['FEMALE','MALE','NON_BINARY'])[1 + n % 3],
              ($4::text[])[1 + n % 6], 'Bench ' || n, ARRAY['en'], 'Bench Person ' || n || ' (fictional)', 'IDENTIFIED',
              now() - interval '10 days', now() - interval '20 days', 'Border crossing (bench)', (ARRAY['ngo-lighthouse','ngo-harbour'])[1 + n % 2],
              n % 10 = 0, CASE WHEN n % 7 = 0 THEN 'Needs follow-up (bench)' END
         FROM generate_series($1::int, $2::int) n`,
        [from, to, countries, BRACKETS],
      );
      const { rows } = await client.query(
        `SELECT id, nationality, owner_org, substring(case_number from 4)::int AS n FROM victim WHERE case_number >= $1 AND case_number <= $2`,
        [`BX-${String(from).padStart(7, "0")}`, `BX-${String(to).padStart(7, "0")}`],
      );
      await client.query(
        `INSERT INTO consent (victim_id, kind, granted, recorded_by_org, recorded_by)
       SELECT id, kind, true, owner_org, 'bench' FROM victim CROSS JOIN unnest(ARRAY['CONSULAR_CONTACT', 'REPATRIATION']) kind
        WHERE case_number >= $1 AND case_number <= $2 AND (kind = 'CONSULAR_CONTACT' OR substring(case_number from 4)::int % 5 = 0)`,
        [`BX-${String(from).padStart(7, "0")}`, `BX-${String(to).padStart(7, "0")}`],
      );
      return rows;
    },
  );
  const ids = people.map((person) => person.id);
  const numbers = people.map((person) => person.n);
  await withClient(urls.shelters, async (client) => {
    await client.query(
      `INSERT INTO shelter (id, name, region, town, capacity, services, languages)
       SELECT 'shelter-bench-' || s, 'Bench Shelter ' || s, 'Bench region ' || (s % 4), 'Bench town', 5000, ARRAY['medical'], ARRAY['en']
         FROM generate_series(1, 40) s ON CONFLICT (id) DO NOTHING`,
    );
    await client.query(
      `INSERT INTO placement (victim_id, shelter_id, placed_at, placed_by_org)
       SELECT id, 'shelter-bench-' || (1 + n % 40), now() - interval '5 days', 'ngo-lighthouse'
         FROM unnest($1::uuid[], $2::int[]) AS p(id, n) WHERE n % 5 < 3`,
      [ids, numbers],
    );
    await client.query(RECOUNT_OCCUPANCY_SQL);
  });
  await withClient(urls.embassies, async (client) => {
    await client.query(
      `INSERT INTO nationality_verification (victim_id, country, status, requested_at, requested_by_org, decided_at, decided_by_org)
       SELECT id, nationality, 'CONFIRMED', now() - interval '8 days', 'ngo-lighthouse', now() - interval '6 days', 'embassy-' || nationality
         FROM unnest($1::uuid[], $2::char(2)[], $3::int[]) AS p(id, nationality, n) WHERE n % 2 = 0`,
      [ids, people.map((person) => person.nationality), numbers],
    );
    // Numbers are encrypted and hashed as the hub does (platform/encryption), one value each.
    const documented = people.filter((person) => person.n % 10 < 3);
    const documentNumbers = documented.map((person) => `${person.nationality}-BX-${person.n}`);
    await client.query(
      `INSERT INTO travel_document (victim_id, issuing_country, kind, number, number_hash, issued_on, expires_on, status, issued_by_org)
       SELECT id, nationality, 'EMERGENCY_TRAVEL_CERTIFICATE', number, number_hash, current_date - 5, current_date + 85, 'VALID', 'embassy-' || nationality
         FROM unnest($1::uuid[], $2::char(2)[], $3::text[], $4::text[]) AS p(id, nationality, number, number_hash)`,
      [
        documented.map((person) => person.id),
        documented.map((person) => person.nationality),
        documentNumbers.map((number) => TRAVEL_DOCUMENT_NUMBER.encrypt(number)),
        documentNumbers.map((number) => TRAVEL_DOCUMENT_NUMBER_MATCH.hash(number)),
      ],
    );
  });
  await withClient(urls.repatriation, async (client) => {
    await client.query(
      `INSERT INTO repatriation_case (victim_id, status, destination_country, receiving_organisation, escort_required, case_owner_org)
       SELECT id, ($4::text[])[1 + (n / 5) % 7], nationality, 'Reception centre (bench)', n % 10 = 0, owner_org
         FROM unnest($1::uuid[], $2::char(2)[], $3::int[], $5::text[]) AS p(id, nationality, n, owner_org) WHERE n % 5 = 0`,
      [ids, people.map((person) => person.nationality), numbers, STATES, people.map((person) => person.owner_org)],
    );
  });
  // Fresh planner statistics, as autovacuum would give a server after a bulk load.
  for (const databaseUrl of Object.values(urls)) await withClient(databaseUrl, (client) => client.query("ANALYZE"));
}
