/**
 * The reference embassy portal: a consular officer's view of their nationals (paginated,
 * searchable by case number) with placement, verification, travel documents and
 * repatriation, and the three things they decide. Plain DOM, no framework: the page is
 * small, and every byte of it comes from the hub.
 */
import {
  PortalConfirmArrivalDocument,
  PortalDecideVerificationDocument,
  PortalIssueTravelDocumentDocument,
  PortalNationalsDocument,
  type PortalNationalsQuery,
  type TravelDocumentKind,
} from "./generated/graphql";
import { HubError, request, signedIn, signIn, signOut } from "./hub-client";

const PAGE_SIZE = 20;
type National = NonNullable<PortalNationalsQuery["nationals"]>["edges"][number]["node"];

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const signInForm = element<HTMLFormElement>("sign-in");
const workspace = element<HTMLElement>("workspace");
const searchForm = element<HTMLFormElement>("search");
const rows = element<HTMLTableElement>("nationals").tBodies[0];
const summary = element<HTMLParagraphElement>("summary");
const message = element<HTMLParagraphElement>("message");
const previous = element<HTMLButtonElement>("previous");
const next = element<HTMLButtonElement>("next");

/** Cursors of the pages before this one (the first page's is null), and the next page's. */
let cursors: Array<string | null> = [null];
let nextCursor: string | null = null;
let caseNumber: string | null = null;

function say(text: string, ok = false): void {
  message.textContent = text;
  message.className = ok ? "ok" : "";
}

/** A node with children: text is always set as text, never parsed as HTML. */
function make(tag: string, text?: string, ...children: Node[]): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  node.append(...children);
  return node;
}

function button(label: string, action: () => Promise<void>): HTMLButtonElement {
  const node = make("button", label) as HTMLButtonElement;
  node.type = "button";
  node.addEventListener("click", () => void act(action));
  return node;
}

/** Runs a decision, says how it went, and shows the list as the hub now has it. */
async function act(action: () => Promise<void>): Promise<void> {
  try {
    await action();
    await load();
  } catch (error) {
    if (error instanceof HubError && error.code === "CONFLICT") await load().catch(() => undefined);
    say(error instanceof Error ? error.message : String(error));
  }
}

const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : "");

function verificationCell(person: National): HTMLElement {
  const cell = make("td");
  const verification = person.nationalityVerification;
  if (!verification) return cell.appendChild(make("span", "not requested")).parentElement!;
  cell.append(make("span", `${verification.status} ${when(verification.decidedAt ?? verification.requestedAt)}`));
  if (verification.status === "REQUESTED") {
    cell.append(
      button("Confirm", async () => {
        await request(PortalDecideVerificationDocument, { id: verification.id, decision: { decision: "CONFIRMED" } });
        say(`Nationality of ${person.caseNumber} confirmed.`, true);
      }),
    );
    const reason = make("input") as HTMLInputElement;
    reason.placeholder = "reason for rejecting";
    reason.setAttribute("aria-label", `reason for rejecting ${person.caseNumber}`);
    cell.append(
      reason,
      button("Reject", async () => {
        await request(PortalDecideVerificationDocument, {
          id: verification.id,
          decision: { decision: "REJECTED", reason: reason.value || null },
        });
        say(`Nationality of ${person.caseNumber} rejected.`, true);
      }),
    );
  }
  return cell;
}

function documentsCell(person: National): HTMLElement {
  const cell = make("td");
  const list = make("ul");
  for (const travel of person.travelDocuments ?? [])
    list.append(make("li", `${travel.kind} ${travel.number ?? ""} (${travel.status}, until ${travel.expiresOn})`));
  cell.append(list);
  if (person.nationalityVerification?.status !== "CONFIRMED") return cell;
  const form = make("form") as HTMLFormElement;
  form.setAttribute("aria-label", `issue a travel document for ${person.caseNumber}`);
  const kind = make("select") as HTMLSelectElement;
  for (const value of ["EMERGENCY_TRAVEL_CERTIFICATE", "PASSPORT"]) kind.append(new Option(value, value));
  const number = make("input") as HTMLInputElement;
  number.placeholder = "document number";
  number.name = "number";
  const issuedOn = make("input") as HTMLInputElement;
  issuedOn.type = "date";
  issuedOn.name = "issuedOn";
  issuedOn.value = new Date().toISOString().slice(0, 10);
  const expiresOn = make("input") as HTMLInputElement;
  expiresOn.type = "date";
  expiresOn.name = "expiresOn";
  const submit = make("button", "Issue document") as HTMLButtonElement;
  submit.type = "submit";
  form.append(kind, number, issuedOn, expiresOn, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(async () => {
      await request(PortalIssueTravelDocumentDocument, {
        victimId: person.id,
        document: {
          kind: kind.value as TravelDocumentKind,
          number: number.value.trim(),
          issuedOn: issuedOn.value,
          expiresOn: expiresOn.value,
        },
      });
      say(`Travel document issued for ${person.caseNumber}.`, true);
    });
  });
  cell.append(form);
  return cell;
}

function repatriationCell(person: National): HTMLElement {
  const cell = make("td");
  const repatriation = person.repatriation;
  if (!repatriation) return cell.appendChild(make("span", "none")).parentElement!;
  cell.append(make("span", `${repatriation.status} ${when(repatriation.updatedAt)}`));
  // The embassy's one step in the journey: the person has arrived home.
  if (repatriation.status === "DEPARTED")
    cell.append(
      button("Confirm arrival", async () => {
        await request(PortalConfirmArrivalDocument, { id: repatriation.id });
        say(`Arrival of ${person.caseNumber} confirmed.`, true);
      }),
    );
  return cell;
}

function render(page: NonNullable<PortalNationalsQuery["nationals"]>): void {
  rows.replaceChildren(
    ...page.edges.map(({ node: person }) => {
      const row = make(
        "tr",
        undefined,
        make("td", person.caseNumber),
        make("td", person.legalName ?? ""),
        make(
          "td",
          person.currentPlacement
            ? `${person.currentPlacement.shelter.name}, ${person.currentPlacement.shelter.town} (since ${when(person.currentPlacement.placedAt)})`
            : "not placed",
        ),
        verificationCell(person),
        documentsCell(person),
        repatriationCell(person),
      );
      row.dataset.caseNumber = person.caseNumber;
      return row;
    }),
  );
  const first = (cursors.length - 1) * PAGE_SIZE + 1;
  summary.textContent =
    page.edges.length === 0
      ? caseNumber
        ? `No national's case number starts with ${caseNumber}.`
        : "No nationals to show."
      : `${first}–${first + page.edges.length - 1} of ${page.totalCount}`;
  // Which search this list answers (browser tests wait on it).
  summary.dataset.for = caseNumber ?? "";
  nextCursor = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
  next.disabled = nextCursor === null;
  previous.disabled = cursors.length <= 1;
}

async function load(): Promise<void> {
  const data = await request(PortalNationalsDocument, {
    first: PAGE_SIZE,
    after: cursors[cursors.length - 1],
    caseNumber,
  });
  if (data.nationals) render(data.nationals);
}

function show(signedInNow: boolean): void {
  signInForm.hidden = signedInNow;
  workspace.hidden = !signedInNow;
  if (!signedInNow) rows.replaceChildren();
}

async function loadOrSay(): Promise<void> {
  try {
    await load();
  } catch (error) {
    if (error instanceof HubError && error.code === "UNAUTHENTICATED") {
      signOut();
      show(false);
    }
    say(error instanceof Error ? error.message : String(error));
  }
}

// The form is live only once this script handles it (the page ships its button disabled).
signInForm.querySelector<HTMLButtonElement>("button[type=submit]")!.disabled = false;
signInForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const field = element<HTMLInputElement>("token");
  signIn(field.value);
  field.value = "";
  say("");
  show(signedIn());
  cursors = [null];
  void loadOrSay();
});
searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  caseNumber = element<HTMLInputElement>("case-number").value.trim() || null;
  cursors = [null];
  say("");
  void loadOrSay();
});
element<HTMLButtonElement>("sign-out").addEventListener("click", () => {
  signOut();
  show(false);
  say("Signed out.", true);
});
next.addEventListener("click", () => {
  if (nextCursor === null) return;
  cursors.push(nextCursor);
  void loadOrSay();
});
previous.addEventListener("click", () => {
  if (cursors.length > 1) cursors.pop();
  void loadOrSay();
});
